#!/usr/bin/env bash
# Installs the Debian packages samsa needs to build, test and benchmark. Idempotent: packages already
# present are skipped, and apt is not touched at all when nothing is missing.
set -euo pipefail
packages=(
  build-essential cmake ccache pkg-config
  libcaf-dev libcaf-openssl0.17 libssl-dev openssl libboost-serialization-dev libsqlite3-dev doctest-dev libspdlog-dev
  kcat librdkafka-dev python3-kafka python3-confluent-kafka
  python3-lz4 python3-snappy python3-zstandard clang libclang-rt-14-dev
  redis-server libhiredis-dev
  libcpp-httplib-dev prometheus nlohmann-json3-dev libtomlplusplus-dev
  nftables chromium
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev golang-go golang-github-shopify-sarama-dev
)
# node and npm for the kafkajs test (tests/e2e/kafkajs.sh installs kafkajs itself with npm): Debian's, unless
# another node is installed already (its npm would clash with Debian's).
if ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
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
