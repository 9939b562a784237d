#!/usr/bin/env bash
# Installs the Debian packages samsa needs. Idempotent: packages already present are skipped, and apt is not
# touched at all when nothing is missing.
#   tools/install-deps.sh --run   only what building and running the broker (the samsa target) needs: `make run`
#   tools/install-deps.sh         everything to build, test, package and benchmark: `make test`, `make bench`
set -euo pipefail
mode=full
case "${1:-}" in
  --run) mode=run ;;
  "") ;;
  *) echo "usage: $0 [--run]" >&2; exit 2 ;;
esac
# The broker: a compiler, CMake, and the libraries the samsa binary links (CMakeLists.txt's find_package
# and pkg_check_modules calls other than doctest's).
packages=(
  build-essential cmake ccache pkg-config
  libcaf-dev libcaf-openssl0.17 libssl-dev libboost-serialization-dev libsqlite3-dev libspdlog-dev
  libcpp-httplib-dev nlohmann-json3-dev libtomlplusplus-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
)
if [ "$mode" = full ]; then
  # Tests, the Kafka clients they drive, the fuzzer (clang), the benchmark's peers (Redis), the metrics and
  # console tests (Prometheus, chromium), the experiments (nftables for partitions, libfaketime for clock
  # faults), the Debian package test (file, used by dpkg-shlibdeps through CPack).
  packages+=(
    openssl doctest-dev file
    kcat librdkafka-dev python3-kafka python3-confluent-kafka
    python3-lz4 python3-snappy python3-zstandard clang libclang-rt-14-dev
    redis-server libhiredis-dev
    prometheus
    nftables libfaketime faketime chromium
    golang-go golang-github-shopify-sarama-dev
  )
  # node and npm for the kafkajs test (tests/e2e/kafkajs.sh installs kafkajs itself with npm): Debian's, unless
  # another node is installed already (its npm would clash with Debian's).
  if ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
