#!/usr/bin/env bash
# Installation and packaging (cmake/samsa_install.cmake): `cmake --install` of this build into a temporary
# prefix gives the samsa binary, its config (log.dirs pointing into the prefix), the systemd unit, the bash
# completion and find_package(samsa); examples/out_of_tree, a separate CMake project, builds against that
# prefix and embeds a node that produces and reads back one record; the installed config starts a broker;
# `cpack -G DEB` makes samsa and samsa-dev packages with the files, the conffile and shared-library Depends.
# Everything lives under the test's temporary directory. The argument is the build tree's samsa binary.
source "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$(dirname "$SAMSA")" && pwd)
[ -f "$BUILD/CMakeCache.txt" ] || fail "$BUILD is not the build tree of $SAMSA"
P=$WORK/prefix

step() { echo "--- $*"; }
step "cmake --install $BUILD --prefix $P --strip"
timeout 300 cmake --install "$BUILD" --prefix "$P" --strip >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "cmake --install failed"; }
for f in bin/samsa etc/samsa/server.properties lib/systemd/system/samsa.service share/bash-completion/completions/samsa \
  include/samsa/actors/node.hpp include/samsa/messages/native_api.hpp include/samsa/persistence/partition_log.hpp \
  include/samsa/cluster/server_config.hpp include/samsa/console/model.hpp include/samsa/messages/kafka/api_table.hpp \
  include/samsa/persistence/migrations_embedded.hpp; do
  [ -f "$P/$f" ] || fail "not installed: $f"
done
cmakedir=$(dirname "$(find "$P" -name samsaConfig.cmake | head -1)")
[ -f "$cmakedir/samsaTargets.cmake" ] && [ -f "$cmakedir/FindCAF.cmake" ] && [ -f "$cmakedir/samsaConfigVersion.cmake" ] ||
  fail "no package config under $P: $(find "$P" -name '*.cmake')"
grep -qx "log.dirs=$P/var/lib/samsa" "$P/etc/samsa/server.properties" || fail "installed config: log.dirs not in the prefix"
[ -d "$P/var/lib/samsa" ] || fail "no data directory $P/var/lib/samsa"
grep -qx "ExecStart=$P/bin/samsa broker --config $P/etc/samsa/server.properties" "$P/lib/systemd/system/samsa.service" ||
  fail "unit: $(grep ExecStart "$P/lib/systemd/system/samsa.service")"
run completion bash
cmp -s "$WORK/out" "$P/share/bash-completion/completions/samsa" || fail "installed completion differs from 'samsa completion bash'"
"$P/bin/samsa" --version | grep -q '^samsa ' || fail "installed samsa --version"

step "the installed config starts a broker (ports and data moved into the test's)"
SAMSA="$P/bin/samsa"
start_broker --config "$P/etc/samsa/server.properties"
grep -q "samsa broker node.id=1 started" "$WORK/broker.log" || fail "no start banner"
stop_broker

step "examples/out_of_tree against $P"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
timeout 120 cmake -S "$SRC/examples/out_of_tree" -B "$WORK/oot" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON "${launcher[@]}" >"$WORK/oot.log" 2>&1 ||
  { cat "$WORK/oot.log"; fail "configuring examples/out_of_tree failed"; }
grep -q "samsa_DIR:PATH=$cmakedir" "$WORK/oot/CMakeCache.txt" || fail "found samsa elsewhere: $(grep samsa_DIR "$WORK/oot/CMakeCache.txt")"
timeout 400 cmake --build "$WORK/oot" -j2 >>"$WORK/oot.log" 2>&1 || { tail -40 "$WORK/oot.log"; fail "building examples/out_of_tree failed"; }
out=$(cd "$WORK" && timeout 60 "$WORK/oot/embed_samsa" 2>"$WORK/embed.err") || fail "embed_samsa exited $?: $out $(cat "$WORK/embed.err")"
[ "$out" = "produced and read back out-of-tree-0@0: greeting -> hello from an out-of-tree project" ] || fail "embed_samsa: $out"
echo "$out"

step "cpack -G DEB"
(cd "$BUILD" && timeout 400 cpack -G DEB -B "$WORK/deb") >"$WORK/cpack.log" 2>&1 || { tail -30 "$WORK/cpack.log"; fail "cpack failed"; }
deb=$(ls "$WORK"/deb/samsa_*.deb) && dev=$(ls "$WORK"/deb/samsa-dev_*.deb) || fail "packages: $(ls "$WORK/deb")"
dpkg-deb -c "$deb" | awk '{print $NF}' >"$WORK/deb.list"
for f in ./usr/bin/samsa ./etc/samsa/server.properties ./usr/lib/systemd/system/samsa.service \
  ./usr/share/bash-completion/completions/samsa; do
  grep -qxF "$f" "$WORK/deb.list" || fail "$deb lacks $f: $(cat "$WORK/deb.list")"
done
dpkg-deb -c "$dev" | awk '{print $NF}' >"$WORK/dev.list"
for f in '\./usr/include/samsa/actors/node\.hpp' '\./usr/lib/(.*/)?cmake/samsa/samsaConfig\.cmake' '\./usr/lib/(.*/)?libsamsa_actors\.a'; do
  grep -qxE "$f" "$WORK/dev.list" || fail "$dev lacks $f"
done
grep -q '^\./usr/include/samsa/.*\.cpp$' "$WORK/dev.list" && fail "$dev ships sources"
dpkg-deb -f "$deb" Depends | grep -q 'libcaf' || fail "Depends without libcaf: $(dpkg-deb -f "$deb" Depends)"
[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/samsa/server.properties ] || fail "conffiles: $(dpkg-deb -I "$deb" conffiles)"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/samsa.service |
  grep -qx "ExecStart=/usr/bin/samsa broker --config /etc/samsa/server.properties" || fail "packaged unit's ExecStart"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./etc/samsa/server.properties | grep -qx "log.dirs=/var/lib/samsa" ||
  fail "packaged config's log.dirs"
echo "OK: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB, Depends: $(dpkg-deb -f "$deb" Depends)), $(basename "$dev")"
