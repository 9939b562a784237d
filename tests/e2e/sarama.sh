#!/usr/bin/env bash
# Sarama 1.22 (Go; Debian golang-go + golang-github-shopify-sarama-dev, built here offline in GOPATH mode from
# tests/clients/sarama, seconds with Go's build cache) end to end:
# - produce (keys; headers from 0.11; gzip, snappy, lz4) and consume with Sarama's DEFAULT Version (0.8.2:
#   Produce v0 with message format v0, Fetch v0, ListOffsets v0), 0.10.0 (Produce v2, magic 1) and 0.11/2.0
#   (record batches): samsa converts the old formats on the way in;
# - a consumer group with Sarama's default offset settings (Retention 0: OffsetCommit v1; Version 0.10.2, the
#   lowest Sarama allows for groups) consumes part of a topic, is closed, the broker restarts, and a new
#   client resumes from the commits: every record exactly once over the two runs, none re-delivered;
# - admin: CreateTopic with a config, ListTopics (Metadata + DescribeConfigs), DescribeConfig, AlterConfig
#   (retention.ms; DescribeConfig then shows the new value), CreatePartitions (1 -> 3, metadata shows 3;
#   3 -> 2 refused with INVALID_PARTITIONS), ListConsumerGroups + DescribeConsumerGroups, GetOffset by time
#   (ListOffsets), DeleteRecords (the log start offset moves), DeleteTopic (Sarama 1.22 has no
#   DeleteConsumerGroup, so DeleteGroups is covered by kafkajs.sh);
# and the broker is alive and serving at the end.
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || fail "go is missing (tools/install-deps.sh: golang-go golang-github-shopify-sarama-dev)"
[ -d /usr/share/gocode/src/github.com/Shopify/sarama ] || fail "Sarama is missing (golang-github-shopify-sarama-dev)"
CLIENT=$WORK/sarama_client
(cd "$(dirname "$0")/../clients/sarama" && GO111MODULE=off GOPATH=/usr/share/gocode:$WORK/go \
  timeout 300 go build -o "$CLIENT" . ) >"$WORK/go.log" 2>&1 || { cat "$WORK/go.log"; fail "go build"; }
start_broker
S() { timeout 60 "$CLIENT" -brokers "127.0.0.1:$KAFKA_PORT" "$@"; }

# Produce and consume in every version and codec.
for v in default 0.10.0.0 0.11.0.0 2.0.0; do
  for c in none gzip snappy lz4; do
    [ "$v" = default ] && [ "$c" = lz4 ] && continue # Sarama: lz4 requires 0.10
    t="pc-${v}-$c"
    out=$(S -version "$v" -codec "$c" -topic "$t" -n 200 produce 2>&1) || fail "produce $v $c: $out"
    out=$(S -version "$v" -topic "$t" -n 200 consume 2>&1) || fail "consume $v $c: $out"
    [ "$out" = "ok consumed 200" ] || fail "consume $v $c: $out"
  done
done
echo "produce/consume: Sarama default (Produce v0 / Fetch v0), 0.10, 0.11, 2.0 x none/gzip/snappy/lz4: 200 records each"

# A consumer group with Sarama's default offset settings resumes from its commits across a client and a
# broker restart.
"$SAMSA" topics create grp --partitions 3 $B >/dev/null || fail "topics create grp"
S -version 0.11.0.0 -topic grp -n 300 -prefix g produce >/dev/null || fail "produce grp"
first=$(S -version 0.10.2.0 -topic grp -group g1 -n 120 group 2>"$WORK/g1.err") || { cat "$WORK/g1.err"; fail "group run 1"; }
stop_broker
start_broker
second=$(S -version 0.10.2.0 -topic grp -group g1 -n 180 group 2>"$WORK/g2.err") || { cat "$WORK/g2.err"; fail "group run 2"; }
n1=$(echo "$first" | awk '{print $3}'); n2=$(echo "$second" | awk '{print $3}')
[ "$n1" = 120 ] && [ "$n2" = 180 ] || fail "group runs read $n1 and $n2 records, expected 120 and 180"
dups=$( (echo "$first" | awk '{print $4}' | tr , '\n'; echo "$second" | awk '{print $4}' | tr , '\n') | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups records re-delivered after the restart"
all=$( (echo "$first" | awk '{print $4}' | tr , '\n'; echo "$second" | awk '{print $4}' | tr , '\n') | sort -u | wc -l)
[ "$all" -eq 300 ] || fail "the two runs read $all distinct records, expected 300"
"$SAMSA" groups describe g1 $B >"$WORK/g1.describe" || fail "groups describe"
echo "group: 120 + 180 records over a client and broker restart, none twice (OffsetCommit v1, Sarama's default)"

# Admin calls.
out=$(S -version 1.0.0 -topic adm admin create-topic 2>&1) || fail "create-topic: $out"
out=$(S -version 1.0.0 -topic adm admin list-topics 2>&1) || fail "list-topics: $out"
[ "$out" = "ok topic adm partitions 3 retention.ms 3600000" ] || fail "list-topics: $out"
out=$(S -version 1.0.0 -topic adm admin describe-config 2>&1) || fail "describe-config: $out"
[ "$out" = "ok retention.ms=3600000 default=false" ] || fail "describe-config: $out"
out=$(S -version 1.0.0 -topic adm -value 600000 admin alter-config 2>&1) || fail "alter-config: $out"
out=$(S -version 1.0.0 -topic adm admin describe-config 2>&1) || fail "describe-config after alter: $out"
[ "$out" = "ok retention.ms=600000 default=false" ] || fail "describe-config after AlterConfig: $out"
"$SAMSA" topics create grow --partitions 1 $B >/dev/null || fail "topics create grow"
out=$(S -version 1.0.0 -topic grow -n 3 admin create-partitions 2>&1) || fail "create-partitions: $out"
[ "$out" = "ok topic grow partitions 3" ] || fail "CreatePartitions to 3: $out"
out=$(S -version 1.0.0 -topic grow -n 2 admin create-partitions 2>&1) || fail "create-partitions shrink: $out"
[ "$out" = "refused 37" ] || fail "CreatePartitions 3 -> 2: $out, expected INVALID_PARTITIONS (37)"
out=$(S -version 1.0.0 -group g1 admin list-groups 2>&1) || fail "list-groups: $out"
[ "$out" = "ok group g1 state Empty members 0" ] || fail "list-groups: $out"
"$SAMSA" topics create times --partitions 1 $B >/dev/null || fail "topics create times"
S -version 0.11.0.0 -topic times -n 10 -prefix a produce >/dev/null || fail "produce times a"
sleep 0.05
mid=$(date +%s%3N)
sleep 0.05
S -version 0.11.0.0 -topic times -n 10 -prefix b produce >/dev/null || fail "produce times b"
for v in default 0.10.1.0 2.0.0; do
  out=$(S -version $v -topic times -time "$mid" offsets 2>&1) || fail "offsets $v: $out"
  [ "$out" = "ok offset 10" ] || fail "GetOffset($mid) with $v: $out, expected offset 10"
  out=$(S -version $v -topic times -time -1 offsets 2>&1)
  [ "$out" = "ok offset 20" ] || fail "GetOffset(newest) with $v: $out"
done
out=$(S -version 1.0.0 -topic times -partition 0 -offset 5 admin delete-records 2>&1) || fail "delete-records: $out"
out=$(S -topic times -time -2 offsets 2>&1)
[ "$out" = "ok offset 5" ] || fail "GetOffset(oldest) after DeleteRecords: $out, expected 5"
echo "admin: create (with config), list topics, describe config, alter config (retention.ms 600000), create partitions (1 -> 3; 3 -> 2 refused with 37), list/describe groups, offsets by time, delete records"
out=$(S -version 1.0.0 -topic adm admin delete-topic 2>&1) || fail "delete-topic: $out"
"$SAMSA" topics list $B | grep -qx adm && fail "adm still listed after DeleteTopic"

# The broker is alive and serving.
broker_alive || fail "broker died"
out=$(S -topic pc-default-none -n 200 consume 2>&1) || fail "consume at the end: $out"
echo more | "$SAMSA" produce pc-default-none $B >/dev/null || fail "produce at the end"
stop_broker
echo "sarama: ok"
