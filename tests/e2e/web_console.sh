#!/usr/bin/env bash
# The web console on samsa.http.listener, in a real headless browser (Debian's chromium): a broker on free
# ports; kcat writes 300 keyed records over 3 partitions of console_orders, kafka-python writes three records
# to console_browse (text with headers, binary, null key); a kafka-python group commits offset 10 on every
# partition and stays a member, so its lag is 270. Every page (overview, topic, groups, group) loads without a
# browser console message and shows them: the topics with their partition counts, the browsed records (text,
# hex, headers), the group's state, member, lag per partition and the lag chart once two samples exist, and
# the experiment reports under ./experiment-runs are listed with their verdicts and served. A
# screenshot and the DOM of each page are kept in the build tree (console-screenshots/ beside the samsa binary).
# The JSON endpoints refuse bad input with 400 and a message, unknown topics and groups with 404, other methods
# with 405; /metrics still answers. Bounded: every wait has a limit; the trap kills the consumer and the broker.
source "$(dirname "$0")/lib.sh"
SHOTS=$(cd "$(dirname "$SAMSA")" && pwd)/console-screenshots
source "$(dirname "$0")/console_lib.sh"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)

CONSUMER_PID=""
console_cleanup() {
  [ -n "$CONSUMER_PID" ] && { kill -9 "$CONSUMER_PID" 2>/dev/null || true; wait "$CONSUMER_PID" 2>/dev/null || true; }
  cleanup
}
trap console_cleanup EXIT
[ -n "${SAMSA_KEEP:-}" ] && trap - EXIT
command -v chromium >/dev/null || fail "chromium is not installed (tools/install-deps.sh installs it)"

URL="http://127.0.0.1:$HTTP_PORT"
api() { curl -sf --max-time 20 "$URL$1"; }
status_of() { curl -s -o "$WORK/body" -w '%{http_code}' --max-time 20 "${@:2}" "$URL$1"; }
# expect_status PATH CODE TEXT [curl options]: the answer's status and a body containing TEXT.
expect_status() {
  local code
  code=$(status_of "$1" "${@:4}")
  [ "$code" = "$2" ] || fail "$1 answered $code, expected $2: $(cat "$WORK/body")"
  grep -qF -- "$3" "$WORK/body" || fail "$1: body without '$3': $(cat "$WORK/body")"
}
json() { $PY -c "import json,sys; d=json.load(sys.stdin); print(($1))"; }

# The console lists the experiment reports under ./experiment-runs of the broker's working directory: two
# runs as `samsa experiment run` lays them out (one of them from --runs), with their summaries.
mkdir -p "$WORK/experiment-runs/leader-kill-seed1" "$WORK/experiment-runs/mix/seed-100"
echo '<!DOCTYPE html><title>run 1</title><p id="verdict">VALID leader-kill</p>' >"$WORK/experiment-runs/leader-kill-seed1/report.html"
echo '{"scenario":"leader-kill","seed":1,"passed":true,"faults_applied":2,"errors":[]}' >"$WORK/experiment-runs/leader-kill-seed1/summary.json"
echo '<!DOCTYPE html><title>run 2</title>' >"$WORK/experiment-runs/mix/seed-100/report.html"
echo '{"scenario":"random-mix","seed":100,"passed":false,"faults_applied":5,"errors":["lost write"]}' >"$WORK/experiment-runs/mix/seed-100/summary.json"
cd "$WORK"
start_broker --set group.initial.rebalance.delay.ms=0

# -- data: two topics, records to browse, a group with lag ----------------------------------------------------
"$SAMSA" topics create console_orders --partitions 3 $B >/dev/null || fail "topics create console_orders"
"$SAMSA" topics create console_browse --partitions 2 --config retention.ms=3600000 $B >/dev/null \
  || fail "topics create console_browse"
seq 1 300 | awk '{ print "k" $1 ":order " $1 }' \
  | timeout 60 kcat -b "127.0.0.1:$KAFKA_PORT" -P -t console_orders -K: -X topic.request.required.acks=-1 \
  || fail "kcat produce failed"
timeout 60 $PY "$HERE/web_console.py" produce "127.0.0.1:$KAFKA_PORT" console_browse >/dev/null \
  || fail "kafka-python produce failed"
timeout 330 $PY "$HERE/web_console.py" group "127.0.0.1:$KAFKA_PORT" console_orders console-g 10 >"$WORK/group.out" 2>&1 &
CONSUMER_PID=$!
for _ in $(seq 1 600); do
  grep -q "^committed 3$" "$WORK/group.out" && break
  kill -0 "$CONSUMER_PID" 2>/dev/null || fail "the group consumer exited: $(cat "$WORK/group.out")"
  sleep 0.1
done
grep -q "^committed 3$" "$WORK/group.out" || fail "the group consumer did not commit within 60 s: $(cat "$WORK/group.out")"

# -- JSON endpoints -----------------------------------------------------------------------------------------
api /api/overview >"$WORK/overview.json" || fail "GET /api/overview failed"
[ "$(json 'sorted((t["name"], t["partitions"]) for t in d["topics"])' <"$WORK/overview.json")" \
  = "[('console_browse', 2), ('console_orders', 3)]" ] || fail "overview topics: $(cat "$WORK/overview.json")"
[ "$(json 'd["nodes"][0]["id"], d["nodes"][0]["kafka"]' <"$WORK/overview.json")" = "(1, '127.0.0.1:$KAFKA_PORT')" ] \
  || fail "overview nodes: $(cat "$WORK/overview.json")"
api /api/topics/console_orders >"$WORK/topic.json" || fail "GET /api/topics/console_orders failed"
[ "$(json 'sum(p["high_watermark"] for p in d["partitions"])' <"$WORK/topic.json")" = 300 ] \
  || fail "console_orders high watermarks: $(cat "$WORK/topic.json")"
api /api/topics/console_browse >"$WORK/browse.json" || fail "GET /api/topics/console_browse failed"
[ "$(json '[(c["value"], c["source"]) for c in d["configs"] if c["name"] == "retention.ms"][0]' <"$WORK/browse.json")" \
  = "('3600000', 'topic override')" ] || fail "console_browse configs: $(cat "$WORK/browse.json")"
api "/api/topics/console_browse/partitions/0/records?offset=0&limit=2" >"$WORK/records.json" || fail "GET records failed"
[ "$(json '[r["offset"] for r in d["records"]], d["next_offset"], d["records"][1]["value"]["hex"]' <"$WORK/records.json")" \
  = "([0, 1], 2, '0001ff')" ] || fail "records page: $(cat "$WORK/records.json")"
api /api/groups/console-g >"$WORK/group.json" || fail "GET /api/groups/console-g failed"
[ "$(json 'd["state"], len(d["members"]), d["total_lag"], sorted(p["committed_offset"] for p in d["partitions"])' <"$WORK/group.json")" \
  = "('Stable', 1, 270, [10, 10, 10])" ] || fail "group: $(cat "$WORK/group.json")"

# -- bad input: a clear 400, 404 or 405, and the broker keeps serving ---------------------------------------
expect_status "/api/topics/console_orders/partitions/0/records?offset=-1" 400 "invalid offset '-1'"
expect_status "/api/topics/console_orders/partitions/0/records?limit=100000" 400 "invalid limit"
expect_status "/api/topics/console_orders/partitions/x/records" 400 "invalid partition"
expect_status "/api/topics/console_orders/partitions/7/records" 404 "no partition 7"
expect_status "/api/topics/bad%20name" 400 "invalid topic name"
expect_status "/api/topics/no_such_topic" 404 "unknown topic"
expect_status "/api/groups/no-such-group" 404 "unknown consumer group"
expect_status "/api/topics/console_orders/partitions/0/records?offset=999999" 200 '"records":[]'
expect_status "/api/overview" 405 "read-only" -X POST -d x=1
expect_status "/api/topics/console_orders" 405 "read-only" -X DELETE
expect_status "/nothing-here" 404 "/metrics"
expect_status "/static/nothing.js" 404 "not found"
expect_status "/reports/leader-kill-seed1/report.html" 200 "VALID leader-kill"
expect_status "/reports/../broker.log/report.html" 400 "invalid report path" --path-as-is
expect_status "/reports/nope/report.html" 404 "no report"
curl -s -D - -o /dev/null --max-time 20 "$URL/" | grep -qi "^content-security-policy: default-src 'self'" \
  || fail "the console page has no Content-Security-Policy"
curl -s -D - -o /dev/null --max-time 20 "$URL/reports/leader-kill-seed1/report.html" \
  | grep -qi "^content-security-policy: default-src 'none'" || fail "a served report may run scripts (no CSP)"
api /metrics | grep -q '^samsa_metrics_collection_complete 1$' || fail "/metrics broken beside the console"
api /api/topics/console_orders >/dev/null || fail "the console stopped answering after bad requests"

# -- the pages in a real browser ------------------------------------------------------------------------------
render_page "$URL/" overview
dom overview | grep -q '<a href="/topics/console_orders">console_orders</a>' || fail "overview: no console_orders link"
dom overview | grep -q '<a href="/topics/console_browse">console_browse</a>' || fail "overview: no console_browse link"
dom overview | grep -q '<a href="/groups/console-g">console-g</a>' || fail "overview: no console-g"
dom overview | grep -qE 'console_orders</a></td><td class="num">3</td>' || fail "overview: console_orders without 3 partitions"
dom overview | grep -q "127.0.0.1:$KAFKA_PORT" || fail "overview: no node with its Kafka listener"

render_page "$URL/topics/console_browse?partition=0" topic
dom topic | grep -q '<pre class="value">hello console é</pre>' || fail "topic: the text record is not shown"
dom topic | grep -q '<pre class="value hex"[^>]*>0x0001ff</pre>' || fail "topic: the binary value is not shown as hex"
dom topic | grep -q '<pre class="value">trace</pre><pre class="value">abc123</pre>' || fail "topic: the header is not shown"
dom topic | grep -q '<pre class="value">no key here</pre>' || fail "topic: the null-key record is not shown"
dom topic | grep -q '<td>retention.ms</td><td>3600000</td><td>topic override</td>' || fail "topic: the config override is not shown"
dom topic | grep -q '<table id="partitions">' || fail "topic: no partitions table"

render_page "$URL/groups" groups
dom groups | grep -qE '<a href="/groups/console-g">console-g</a></td><td>Stable</td><td class="num">1</td><td>console_orders</td><td class="num">3</td><td class="num">270</td>' \
  || fail "groups: console-g without state, member, partitions and lag 270"

# The lag chart needs two samples of the console's sampler (one every 5 s).
for _ in $(seq 1 120); do
  [ "$(api /api/groups/console-g | json 'min(len(p["history"]) for p in d["partitions"])')" -ge 2 ] && break
  sleep 0.5
done
[ "$(api /api/groups/console-g | json 'min(len(p["history"]) for p in d["partitions"])')" -ge 2 ] \
  || fail "fewer than two lag samples after 60 s"
render_page "$URL/groups/console-g" group
dom group | grep -q '<svg class="chart" id="lag-chart"' || fail "group: no lag chart"
[ "$(dom group | grep -o '<polyline' | wc -l)" -eq 4 ] || fail "group: the chart does not have a total and 3 partition lines"
dom group | grep -qE '<td class="num">10</td><td class="num">[0-9]+</td><td class="num">[0-9]+</td><td>console-test-' \
  || fail "group: no partition row with committed 10, lag and member"
dom group | grep -q '<div class="v">270</div><div class="k">total lag</div>' || fail "group: total lag 270 not shown"

render_page "$URL/reports" reports
dom reports | grep -q '<a href="/reports/leader-kill-seed1/report.html">leader-kill-seed1</a></td><td>leader-kill</td><td class="num">1</td><td><span class="badge ok">passed</span>' \
  || fail "reports: the passed run is not listed"
dom reports | grep -q '<a href="/reports/mix/seed-100/report.html">mix/seed-100</a></td><td>random-mix</td><td class="num">100</td><td><span class="badge bad">failed</span>' \
  || fail "reports: the failed run is not listed"

# An unknown topic's page loads and says so (404 from its endpoint), without breaking the browser.
code=$(status_of /topics/no_such_topic)
[ "$code" = 200 ] || fail "the page of an unknown topic answered $code"
broker_alive || fail "the broker died"
echo "OK: console pages rendered by chromium, screenshots in $SHOTS"
