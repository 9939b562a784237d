# Sourced by the experiment e2e tests: render a run's report.html in headless Chromium (Debian's chromium) and
# check what the browser parsed: the verdict, the inline timeline SVG, one fault band per applied fault and one
# leader mark per leader line of the history.
# check_report DIR VERDICT_REGEX: fails (via `fail`) when the page does not render or lacks any of them;
# prints "SKIP (report rendering): ..." and returns 0 when chromium is not installed.
check_report() {
  local dir=$1 verdict=$2 dom applied bands leaders marks
  if ! command -v chromium >/dev/null; then
    echo "SKIP (report rendering): chromium is missing (tools/install-deps.sh)"
    return 0
  fi
  [ -s "$dir/report.html" ] || fail "no report.html in $dir"
  [ -s "$dir/timeline.svg" ] || fail "no timeline.svg in $dir"
  # A profile of its own, so parallel tests and a user's browser do not share one.
  dom=$(timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$dir/.chromium" \
          --dump-dom "file://$dir/report.html" 2>/dev/null) || fail "chromium could not render $dir/report.html"
  rm -rf "$dir/.chromium"
  grep -qE "<p id=\"verdict\"[^>]*>$verdict" <<<"$dom" || fail "rendered report: no verdict matching '$verdict'"
  grep -q '<svg [^>]*id="timeline"' <<<"$dom" || fail "rendered report: no timeline SVG"
  applied=$(grep -o '"faults_applied":[0-9]*' "$dir/summary.json" | cut -d: -f2)
  bands=$(grep -o 'data-fault="[^"]*"' <<<"$dom" | sort -u | wc -l)
  [ "$bands" = "$applied" ] || fail "rendered report: $bands fault band(s), the run applied $applied"
  grep -q 'class="lane"' <<<"$dom" || fail "rendered report: no lanes"
  leaders=$(grep -c '"f":"leader"' "$dir/history.jsonl" || true)
  marks=$(grep -o '<rect class="leader" data-partition="[^"]*"' <<<"$dom" | wc -l)
  [ "$leaders" -gt 0 ] || fail "no leader line in $dir/history.jsonl"
  [ "$marks" = "$leaders" ] || fail "rendered report: $marks leader mark(s), the history has $leaders leader line(s)"
  echo "report rendered by chromium: verdict '$(grep -oE '<p id="verdict"[^>]*>[^<]*' <<<"$dom" | sed 's/.*>//')', $bands fault band(s), $marks leader mark(s)"
}
