# @platformatic/kafka (npm): a pure-JS Kafka client that speaks only the flexible versions (Metadata v9+,
# Fetch v12+, JoinGroup v6+, ...), the real client the tests of those versions drive. Installed once into
# the build tree (build/npm-platformatic; SAMSA_PLATFORMATIC_DIR overrides) under a lock, since tests that
# use it run side by side; the first run needs the npm registry. Sourced after lib.sh; sets
# PLATFORMATIC_KAFKA (the module's entry point, for `await import(process.env.PLATFORMATIC_KAFKA)`).
PLATFORMATIC_VERSION=1.35.0
PLATFORMATIC_DIR=${SAMSA_PLATFORMATIC_DIR:-$(cd "$(dirname "$SAMSA")" && pwd)/npm-platformatic}
install_platformatic() {
  command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are missing (tools/install-deps.sh)"
  mkdir -p "$PLATFORMATIC_DIR"
  local pkg="$PLATFORMATIC_DIR/node_modules/@platformatic/kafka/package.json"
  (
    flock 9
    if ! grep -q "\"version\": \"$PLATFORMATIC_VERSION\"" "$pkg" 2>/dev/null; then
      timeout 300 npm install --prefix "$PLATFORMATIC_DIR" "@platformatic/kafka@$PLATFORMATIC_VERSION" --no-audit \
        --no-fund >"$WORK/npm.log" 2>&1 || { cat "$WORK/npm.log"; exit 1; }
    fi
  ) 9>"$PLATFORMATIC_DIR.lock" || fail "npm install @platformatic/kafka@$PLATFORMATIC_VERSION"
  grep -q "\"version\": \"$PLATFORMATIC_VERSION\"" "$pkg" || fail "@platformatic/kafka is not $PLATFORMATIC_VERSION"
  export PLATFORMATIC_KAFKA="$PLATFORMATIC_DIR/node_modules/@platformatic/kafka/dist/index.js"
}
