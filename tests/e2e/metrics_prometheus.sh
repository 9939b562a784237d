#!/usr/bin/env bash
# /metrics on samsa.http.listener, scraped by a real Prometheus (Debian's `prometheus`): a broker on free
# ports takes N records from kcat; Prometheus (temporary config and storage, scrape_interval 1s, a free port)
# sees the target up and sum(samsa_partition_records_in_total{topic=...}) == N, and the consumer group lag
# of a group committed at offset 1 on every partition. Also: the exposition has HELP/TYPE lines and the
# request histograms; another path is a 404; HTTP clients that connect and never finish a request (more
# of them than the listener has threads) neither stop the Kafka port from serving nor break /metrics for
# long; a fetch answered with an error code is counted as a Fetch error; a port already in use is refused
# with "address already in use". Bounded: every wait has a limit, and the trap kills Prometheus, the
# background clients and the broker.
source "$(dirname "$0")/lib.sh"

N=5000
TOPIC=metrics_t
PROM_PID=""
CONSUMER_PID=""
metrics_cleanup() {
  [ -n "$PROM_PID" ] && { kill -9 "$PROM_PID" 2>/dev/null || true; wait "$PROM_PID" 2>/dev/null || true; }
  [ -n "$CONSUMER_PID" ] && { kill -9 "$CONSUMER_PID" 2>/dev/null || true; wait "$CONSUMER_PID" 2>/dev/null || true; }
  exec 7>&- 8>&- 9>&- 2>/dev/null || true
  cleanup
}
trap metrics_cleanup EXIT
[ -n "${SAMSA_KEEP:-}" ] && trap - EXIT

command -v prometheus >/dev/null || fail "prometheus is not installed (tools/install-deps.sh installs it)"
METRICS="http://127.0.0.1:$HTTP_PORT/metrics"
scrape() { curl -sf --max-time 10 "$METRICS"; }
# The value of one sample (exact name and labels as rendered), or nothing.
sample() { scrape | awk -v s="$1" '$1 == s { print $2 }'; }

start_broker --set num.partitions=3

# -- the exposition before any topic exists ----------------------------------------------------------------------
scrape >"$WORK/empty.txt" || fail "GET /metrics failed"
grep -q '^# TYPE samsa_partition_records_in_total counter$' "$WORK/empty.txt" || fail "no TYPE line: $(head "$WORK/empty.txt")"
grep -q '^# HELP samsa_kafka_request_duration_seconds ' "$WORK/empty.txt" || fail "no HELP line for the latency histogram"
grep -q '^samsa_metrics_collection_complete 1$' "$WORK/empty.txt" || fail "collection incomplete on an idle broker"
grep -q '^process_open_fds [1-9]' "$WORK/empty.txt" || fail "no process_open_fds"
grep -q '^process_resident_memory_bytes [1-9]' "$WORK/empty.txt" || fail "no process_resident_memory_bytes"
ctype=$(curl -s -o /dev/null -w '%{content_type}' "$METRICS")
[[ "$ctype" == text/plain*version=0.0.4* ]] || fail "content type '$ctype'"
code=$(curl -s -o "$WORK/404.txt" -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/nothing-here")
[ "$code" = 404 ] || fail "GET /nothing-here answered $code, not 404"
grep -q "/metrics" "$WORK/404.txt" || fail "the 404 does not point at /metrics"

# -- produce N records with a Kafka client -----------------------------------------------------------------------
# Keyed, so murmur2 spreads the records over the 3 partitions (null keys stick to one partition per batch).
seq 1 "$N" | awk '{ print "k" $1 ":" $1 }' \
  | timeout 60 kcat -b "127.0.0.1:$KAFKA_PORT" -P -t "$TOPIC" -K: -X topic.request.required.acks=-1 \
  || fail "kcat produce failed"
"$SAMSA" groups reset-offsets g1 --topic "$TOPIC" --to-offset 1 --execute $B >/dev/null || fail "reset-offsets failed"

scrape >"$WORK/after.txt"
in_total=$(awk -v t="topic=\"$TOPIC\"" '$1 ~ /^samsa_partition_records_in_total\{/ && index($1, t) { s += $2 } END { print s + 0 }' "$WORK/after.txt")
[ "$in_total" -eq "$N" ] || fail "records in: $in_total, expected $N"
grep -q "^samsa_kafka_requests_total{api=\"Produce\"} [1-9]" "$WORK/after.txt" || fail "no Produce requests counted"
grep -q '^samsa_kafka_request_duration_seconds_bucket{api="Produce",le="+Inf"} [1-9]' "$WORK/after.txt" \
  || fail "no Produce latency histogram"
grep -q "^samsa_consumer_group_members{group=\"g1\"} 0$" "$WORK/after.txt" || fail "group g1 not shown"
grep -q '^samsa_kafka_request_errors_total{api="Fetch"} 0$' "$WORK/after.txt" || fail "Fetch errors before any error"
# A fetch beyond the log end is answered with OFFSET_OUT_OF_RANGE: one Fetch error.
timeout 30 kcat -b "127.0.0.1:$KAFKA_PORT" -C -t "$TOPIC" -p 0 -o 99999999 -e -q >/dev/null || fail "kcat -o beyond the end failed"
[ "$(sample 'samsa_kafka_request_errors_total{api="Fetch"}')" -ge 1 ] || fail "the out-of-range fetch was not counted as an error"

# -- slow HTTP clients do not stop the Kafka port ----------------------------------------------------------------
# Three connections that send half a request line and then nothing: every HTTP worker is held until the
# listener's read timeout. Kafka is served on other threads and must not notice.
# The consumer starts at the offset the record will get, not at `-o end`: kcat resolves `end` when it gets
# to it, which on a loaded machine may be after the record was produced (it then waited for a record
# that never came).
end0=$("$SAMSA" topics describe "$TOPIC" $B | tr '\t' '\n' | awk '/^Partition: /{ p = $2 } /^LogEndOffset: / && p == 0 { print $2 }')
[[ "$end0" =~ ^[0-9]+$ ]] || fail "no log end offset for $TOPIC-0: '$end0'"
exec 7<>"/dev/tcp/127.0.0.1/$HTTP_PORT" 8<>"/dev/tcp/127.0.0.1/$HTTP_PORT" 9<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
printf 'GET /metr' >&7
printf 'GET /metr' >&8
printf 'GET /metr' >&9
timeout 60 kcat -b "127.0.0.1:$KAFKA_PORT" -C -t "$TOPIC" -p 0 -o "$end0" -c 1 -q >"$WORK/consumed.txt" &
CONSUMER_PID=$!
sleep 1 # mostly lets the consumer wait in a fetch first; the outcome does not depend on it
echo "while-scraping" | timeout 30 kcat -b "127.0.0.1:$KAFKA_PORT" -P -t "$TOPIC" -p 0 || fail "produce while HTTP is busy failed"
wait "$CONSUMER_PID" || fail "the consumer did not get the record produced while HTTP was busy"
CONSUMER_PID=""
grep -qx "while-scraping" "$WORK/consumed.txt" || fail "consumed '$(cat "$WORK/consumed.txt")'"
# /metrics answers again once the stuck connections time out (5 s each, two workers, three clients: ~10 s
# on an idle machine). The bound is a time (60 s), not a number of tries: a try may fail at once or only
# after its --max-time, and on a loaded machine a scrape (one collection deadline of 3 s in the broker)
# may take longer than a short --max-time, so tries that give up early only fill the worker queue with
# abandoned scrapes.
ok=""
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
  if curl -sSf --max-time 10 "$METRICS" >/dev/null 2>"$WORK/curl.err"; then ok=1; break; fi
  kill -0 "$BROKER_PID" 2>/dev/null || fail "the broker exited while HTTP clients were stuck"
  sleep 0.5
done
[ -n "$ok" ] || fail "/metrics did not answer within 60 s after the stuck HTTP clients: $(cat "$WORK/curl.err")"
exec 7>&- 8>&- 9>&-
N=$((N + 1)) # the record produced above

# -- a port already in use ---------------------------------------------------------------------------------------
rc=0
timeout 60 "$SAMSA" broker --set "log.dirs=$WORK/data2" --set "samsa.native.listener=127.0.0.1:$(free_port)" \
  --set "listeners=PLAINTEXT://127.0.0.1:$(free_port)" --set "samsa.http.listener=127.0.0.1:$HTTP_PORT" \
  >"$WORK/inuse.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "a second broker on the same HTTP port did not refuse (exit $rc)"
grep -q "samsa.http.listener 127.0.0.1:$HTTP_PORT: address already in use" "$WORK/inuse.log" \
  || fail "no 'address already in use': $(cat "$WORK/inuse.log")"
[ -n "$(sample samsa_metrics_collection_complete)" ] || fail "the first broker's /metrics stopped answering"

# -- a real Prometheus scrapes the broker ------------------------------------------------------------------------
PROM_PORT=$(free_port)
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: samsa
    static_configs:
      - targets: ['127.0.0.1:$HTTP_PORT']
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom-data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!

# Prints the single value of an instant query, or nothing (no result yet, Prometheus not up).
prom_value() {
  curl -sf --max-time 5 -G "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" 2>/dev/null \
    | /usr/bin/python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "")
except Exception:
    pass'
}
# Waits (at most 60 s) until the query's value equals the expected one.
wait_for() {
  local query=$1 want=$2 got=""
  for _ in $(seq 1 120); do
    kill -0 "$PROM_PID" 2>/dev/null || fail "prometheus exited: $(tail -5 "$WORK/prometheus.log")"
    got=$(prom_value "$query" || true)
    [ "$got" = "$want" ] && { echo "  $query = $got"; return 0; }
    sleep 0.5
  done
  fail "Prometheus: $query = '$got', expected $want; $(tail -5 "$WORK/prometheus.log")"
}
wait_for 'up{job="samsa"}' 1
wait_for "sum(samsa_partition_records_in_total{topic=\"$TOPIC\"})" "$N"
wait_for "sum(samsa_partition_log_end_offset{topic=\"$TOPIC\"})" "$N"
# g1 committed offset 1 on each partition: its lag is what lies beyond offset 1.
lag=$(scrape | awk -v t="topic=\"$TOPIC\"" '$1 ~ /^samsa_partition_log_end_offset\{/ && index($1, t) { s += ($2 > 1 ? $2 - 1 : 0) } END { print s + 0 }')
[ "$lag" -ge $((N - 3)) ] || fail "a partition got no records: expected lag $lag"
wait_for "sum(samsa_consumer_group_lag{group=\"g1\",topic=\"$TOPIC\"})" "$lag"
wait_for "sum(samsa_kafka_request_duration_seconds_count{api=\"Produce\"}) > bool 0" 1
wait_for 'samsa_metrics_collection_complete' 1
echo "metrics_prometheus: ok"
