#!/usr/bin/env bash
# Builds the libFuzzer target tests/fuzz/fuzz_kafka_request.cpp with clang (-fsanitize=fuzzer,address,undefined)
# straight from the sources of messages/kafka/*.cpp (pure codecs: no CAF), generates a seed corpus of valid
# requests for every API at every version, and fuzzes for a bounded time. Any crash, sanitizer report or
# broken codec property fails (libFuzzer exits non-zero and leaves the reproducer as crash-* in BUILD_DIR).
#
#   run_fuzz.sh SOURCE_DIR [BUILD_DIR] [SECONDS]
#
# ctest runs it as "fuzz: kafka_request" with 30 s. Longer: tests/fuzz/run_fuzz.sh . /tmp/fuzz 300
# Reproduce a crash: BUILD_DIR/fuzz_kafka_request BUILD_DIR/crash-<sha1>
set -euo pipefail
SRC=$(cd "${1:?usage: $0 SOURCE_DIR [BUILD_DIR] [SECONDS]}" && pwd)
BUILD=${2:-$SRC/build-fuzz}
SECONDS_TO_RUN=${3:-30}
CXX=${FUZZ_CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "FAIL: $CXX not found (tools/install-deps.sh installs clang)" >&2; exit 1; }
mkdir -p "$BUILD/obj" "$BUILD/obj-seed" "$BUILD/corpus"

FLAGS=(-std=c++17 -O1 -g -fno-omit-frame-pointer -I"$SRC")
SAN=(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all)

# Compile each codec source once per flavour; recompile only what changed (the headers of messages/kafka are
# a dependency of everything).
newest_header=$(ls -t "$SRC"/messages/kafka/*.hpp | head -1)
compile() { # flavour-dir extra-flags... -- sources
  local out=$1; shift
  local flags=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done
  shift
  local objs=() todo=()
  for src in "$@"; do
    local obj="$out/$(basename "${src%.cpp}").o"
    objs+=("$obj")
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then todo+=("$src"); fi
  done
  if [ ${#todo[@]} -gt 0 ]; then
    printf '%s\n' "${todo[@]}" | xargs -P 2 -I{} sh -c \
      "$CXX ${FLAGS[*]} ${flags[*]} -c {} -o $out/\$(basename {} .cpp).o" || { echo "FAIL: compile" >&2; exit 1; }
  fi
  echo "${objs[@]}"
}

CODECS=("$SRC"/messages/kafka/*.cpp)
target_objs=$(compile "$BUILD/obj" "${SAN[@]}" -- "${CODECS[@]}" "$SRC/tests/fuzz/fuzz_kafka_request.cpp")
# shellcheck disable=SC2086
"$CXX" "${FLAGS[@]}" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $target_objs \
  -o "$BUILD/fuzz_kafka_request"
seed_objs=$(compile "$BUILD/obj-seed" -- "${CODECS[@]}")
"$CXX" "${FLAGS[@]}" -DSAMSA_FUZZ_SEED_GENERATOR "$SRC/tests/fuzz/fuzz_kafka_request.cpp" $seed_objs \
  -o "$BUILD/gen_seeds"

"$BUILD/gen_seeds" "$BUILD/corpus"
# Seeds checked in by hand (e.g. reproducers of fixed bugs) join the generated ones.
if [ -d "$SRC/tests/fuzz/corpus" ]; then cp "$SRC"/tests/fuzz/corpus/* "$BUILD/corpus/" 2>/dev/null || true; fi

echo "fuzzing for ${SECONDS_TO_RUN}s from $(ls "$BUILD/corpus" | wc -l) corpus files"
rc=0
# One process, one job: no forking, so a crash is reported right here. -max_len covers a Produce with a
# small batch; ASan's allocator limit catches a decoder that would allocate from an unchecked length.
"$BUILD/fuzz_kafka_request" "$BUILD/corpus" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
  -rss_limit_mb=1024 -malloc_limit_mb=256 -timeout=10 -artifact_prefix="$BUILD/" -print_final_stats=1 \
  >"$BUILD/fuzz.log" 2>&1 || rc=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)|^Done [0-9]+ runs' "$BUILD/fuzz.log" || true
if [ "$rc" -ne 0 ]; then
  echo "FAIL: the fuzzer exited with $rc; last lines of $BUILD/fuzz.log:" >&2
  tail -40 "$BUILD/fuzz.log" >&2
  ls "$BUILD"/crash-* "$BUILD"/leak-* "$BUILD"/timeout-* "$BUILD"/oom-* 2>/dev/null >&2 || true
  exit 1
fi
echo "fuzz: kafka_request ok"
