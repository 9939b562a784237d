#!/usr/bin/env bash
# Creates a cluster CA and certificates for TLS on the native API (docs/security.md):
#   tools/make-native-certs.sh DIR [NAME ...]     (default names: node1 client)
# DIR/ca.pem + DIR/ca.key: the cluster CA (keep ca.key offline; it signs every member);
# DIR/NAME.pem + DIR/NAME.key: one certificate per node or client, valid for both TLS roles since native
# connections authenticate both sides. Re-running keeps an existing CA and adds the names not there yet.
# Broker: --set samsa.native.ssl.cafile=DIR/ca.pem --set samsa.native.ssl.certfile=DIR/node1.pem
#         --set samsa.native.ssl.keyfile=DIR/node1.key
# CLI:    SAMSA_NATIVE_SSL_CAFILE=DIR/ca.pem SAMSA_NATIVE_SSL_CERTFILE=DIR/client.pem
#         SAMSA_NATIVE_SSL_KEYFILE=DIR/client.key samsa topics list
set -euo pipefail
dir=${1:?usage: $0 DIR [NAME ...]}
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(node1 client)
days=${SAMSA_CERT_DAYS:-825}
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
    -subj "/CN=samsa cluster CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
ext=$(mktemp)
trap 'rm -f "$ext"' EXIT
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth,clientAuth" >"$ext"
for n in "${names[@]}"; do
  [ -f "$dir/$n.pem" ] && continue
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$n" \
    -keyout "$dir/$n.key" -out "$dir/$n.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$n.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" \
    -extfile "$ext" -out "$dir/$n.pem" 2>/dev/null
  rm -f "$dir/$n.csr"
  echo "$dir/$n.pem, $dir/$n.key"
done
chmod 644 "$dir"/*.pem
