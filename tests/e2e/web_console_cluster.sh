#!/usr/bin/env bash
# The web console of a 3-node cluster node (tests/e2e/cluster_lib.sh, each node with its HTTP listener on a
# free port): node 1's overview lists the three registered brokers, unfenced, and marks the quorum leader the
# nodes agree on; a topic with replication factor 3 shows each partition's leader, replicas and ISR on every
# node, offsets where the node leads (the sum of the leaders' high watermarks is the number of records kcat
# wrote), and node 1 browses the records of a partition another node leads (read through its leader). The
# overview and topic pages are rendered by headless Chromium without a browser console message; screenshots
# in console-screenshots/ beside the samsa binary (cluster-*.png). Bounded; every node is killed on exit.
source "$(dirname "$0")/cluster_lib.sh"
SHOTS=$(cd "$(dirname "$SAMSA")" && pwd)/console-screenshots
source "$(dirname "$0")/console_lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (tools/install-deps.sh installs it)"

declare -A HTTP=()
for i in 1 2 3; do HTTP[$i]=$(free_port); done
api() { curl -sf --max-time 20 "http://127.0.0.1:${HTTP[$1]}$2"; }
json() { $PY -c "import json,sys; d=json.load(sys.stdin); print(($1))"; }

for i in 1 2 3; do start_node "$i" --set "samsa.http.listener=127.0.0.1:${HTTP[$i]}"; done
for i in 1 2 3; do wait_started "$i"; done
wait_for 60 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 60 s after start"
wait_for 30 test -n "$(agreed_leader)" >/dev/null || true
"$SAMSA" topics create console_rf3 --partitions 3 --replication-factor 3 --broker "127.0.0.1:${NATIVE[1]}" >/dev/null \
  || fail "topics create console_rf3"
seq 1 90 | awk '{ print "k" $1 ":record " $1 }' \
  | timeout 60 kcat -b "127.0.0.1:${KAFKA[1]}" -P -t console_rf3 -K: -X topic.request.required.acks=-1 \
  || fail "kcat produce failed"

# -- nodes and the quorum leader -----------------------------------------------------------------------------
leader_ok() {
  local l; l=$(agreed_leader); [ -n "$l" ] || return 1
  [ "$(api 1 /api/overview | json 'sorted((n["id"], n["fenced"]) for n in d["nodes"]), [n["id"] for n in d["nodes"] if n["quorum_leader"]], d["quorum"]["leader"]')" \
    = "([(1, False), (2, False), (3, False)], [${l%% *}], ${l%% *})" ]
}
wait_for 60 leader_ok >/dev/null || fail "node 1's overview does not show 3 unfenced brokers and the quorum leader: $(api 1 /api/overview)"

# -- leader, replicas, ISR; offsets where a node leads -------------------------------------------------------
full_isr() {
  [ "$(api "$1" /api/topics/console_rf3 | json 'all(sorted(p["replicas"]) == [1, 2, 3] and sorted(p["isr"]) == [1, 2, 3] and p["leader"] in (1, 2, 3) for p in d["partitions"])')" = True ]
}
for i in 1 2 3; do wait_for 60 full_isr "$i" >/dev/null || fail "node $i: not every partition with replicas and ISR [1,2,3]: $(api "$i" /api/topics/console_rf3)"; done
total=0
for i in 1 2 3; do
  api "$i" /api/topics/console_rf3 >"$WORK/topic$i.json" || fail "GET /api/topics/console_rf3 on node $i"
  [ "$(json 'all(p["offsets_here"] == (p["leader"] == d["node_id"]) for p in d["partitions"])' <"$WORK/topic$i.json")" = True ] \
    || fail "node $i: offsets shown for partitions it does not lead: $(cat "$WORK/topic$i.json")"
  total=$((total + $(json 'sum(p["high_watermark"] for p in d["partitions"] if p["offsets_here"])' <"$WORK/topic$i.json")))
done
[ "$total" -eq 90 ] || fail "the leaders' high watermarks add up to $total, not 90"

# -- records of a partition another node leads, through node 1 ---------------------------------------------
other=$(json '[p["partition"] for p in d["partitions"] if p["leader"] != 1][:1]' <"$WORK/topic1.json" | tr -d '[] ')
if [ -n "$other" ]; then
  api 1 "/api/topics/console_rf3/partitions/$other/records?limit=200" >"$WORK/records.json" \
    || fail "node 1 could not read partition $other led elsewhere"
  [ "$(json 'len(d["records"]) > 0 and all(r["value"]["text"].startswith("record ") for r in d["records"])' <"$WORK/records.json")" = True ] \
    || fail "records of partition $other through node 1: $(cat "$WORK/records.json")"
  echo "node 1 read $(json 'len(d["records"])' <"$WORK/records.json") records of partition $other, led by another node"
else
  echo "node 1 leads every partition of console_rf3: the read through another leader is not exercised this run"
fi

# -- the pages in a real browser ----------------------------------------------------------------------------
render_page "http://127.0.0.1:${HTTP[1]}/" cluster-overview
[ "$(dom cluster-overview | grep -o '<span class="badge ok">unfenced</span>' | wc -l)" -eq 3 ] || fail "overview: not 3 unfenced nodes"
[ "$(dom cluster-overview | grep -o '<span class="badge ">quorum leader</span>' | wc -l)" -eq 1 ] || fail "overview: not one quorum leader"
dom cluster-overview | grep -q '<a href="/topics/console_rf3">console_rf3</a>' || fail "overview: no console_rf3"
render_page "http://127.0.0.1:${HTTP[1]}/topics/console_rf3${other:+?partition=$other}" cluster-topic
[ "$(dom cluster-topic | grep -oE '<td>[123], [123], [123]</td><td>[123], [123], [123]</td>' | wc -l)" -eq 3 ] \
  || fail "topic: not 3 partitions with 3 replicas and 3 in the ISR"
if [ -n "$other" ]; then
  dom cluster-topic | grep -q "led by node" || fail "topic: no partition marked as led by another node"
  dom cluster-topic | grep -q '<pre class="value">record ' || fail "topic: the records of partition $other are not shown"
fi
for i in 1 2 3; do kill -0 "${PID[$i]}" 2>/dev/null || fail "node $i died"; done
echo "OK: cluster console checked, screenshots in $SHOTS"
