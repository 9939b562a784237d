# Sourced by the web console tests (web_console.sh, web_console_cluster.sh): load a console page in headless
# Chromium (Debian's chromium), keep its rendered DOM and a screenshot in the build tree, and fail on any
# message the page wrote to the browser console (script errors, failed loads). Needs `fail` and WORK.
# SHOTS: where the DOMs and screenshots go (kept after the test as artifacts).
SHOTS=${SHOTS:?set SHOTS before sourcing console_lib.sh}
mkdir -p "$SHOTS"

# render_page URL NAME: writes $SHOTS/NAME.html (the DOM after the scripts ran) and $SHOTS/NAME.png; the page
# must mark itself ready (data-ready, set after its first render) and log nothing to the console.
render_page() {
  local url=$1 name=$2
  # A profile of its own per run, so parallel tests and a user's browser never share one. The virtual time
  # budget lets the page's fetches and first render finish (virtual time waits for pending network loads).
  local opts=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$WORK/.chromium-$name"
              --virtual-time-budget=8000 --window-size=1280,1400)
  timeout 120 chromium "${opts[@]}" --enable-logging=stderr --v=0 --dump-dom "$url" \
    >"$SHOTS/$name.html" 2>"$WORK/$name.chromium.log" || fail "chromium could not render $url"
  if grep -E ':CONSOLE[:(]' "$WORK/$name.chromium.log" >"$WORK/$name.console.txt"; then
    fail "$url logged to the browser console: $(head -5 "$WORK/$name.console.txt")"
  fi
  grep -q '<body[^>]*data-ready="1"' "$SHOTS/$name.html" || fail "$url never finished its first render: $(head -c 2000 "$SHOTS/$name.html")"
  grep -q '<p id="error"[^>]*hidden' "$SHOTS/$name.html" || fail "$url shows an error: $(grep -o '<p id="error"[^<]*' "$SHOTS/$name.html")"
  timeout 120 chromium "${opts[@]}" --screenshot="$SHOTS/$name.png" "$url" >/dev/null 2>&1 \
    || fail "chromium could not take a screenshot of $url"
  [ -s "$SHOTS/$name.png" ] || fail "no screenshot of $url"
  rm -rf "$WORK/.chromium-$name"
  echo "rendered $url: $SHOTS/$name.png"
}

# dom NAME: the DOM saved by render_page.
dom() { cat "$SHOTS/$1.html"; }
