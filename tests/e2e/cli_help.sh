#!/usr/bin/env bash
# `samsa ... --help`, `samsa --version`, "did you mean" and exit codes, with no broker running: client
# commands point --broker at a free port where nothing listens, so one that tried to connect would fail (exit
# 1), and `broker --help` / `cluster start --help` would hang (bounded by timeout) if they started anything.
# Every command's help must exit 0, name each of its options and show an example.
source "$(dirname "$0")/lib.sh"
NOBODY="--broker 127.0.0.1:$NATIVE_PORT" # lib.sh's free port; no broker is started here

expect_out() { grep -qF -- "$1" <<<"$OUT" || fail "samsa $2: stdout does not mention '$1': $OUT"; }
expect_err() { grep -qF -- "$1" <<<"$ERR" || fail "samsa $2: stderr does not say '$1': $ERR"; }

# command path | its options (what README documents)
while IFS='|' read -r cmd opts; do
  # shellcheck disable=SC2086
  for help in --help -h; do
    extra=$NOBODY
    case "$cmd" in broker | "cluster start" | "experiment check") extra="" ;; esac
    # shellcheck disable=SC2086
    run $cmd $help $extra
    expect_rc 0 "$cmd $help"
    expect_out "usage: samsa $cmd" "$cmd $help"
    grep -qE -- "^  \\$ .*samsa $cmd( |\$)" <<<"$OUT" || fail "samsa $cmd $help: no example: $OUT"
    expect_out "exit status:" "$cmd $help"
    for o in $opts; do expect_out "  $o" "$cmd $help"; done
  done
  # shellcheck disable=SC2086
  run help $cmd
  expect_rc 0 "help $cmd"
  expect_out "usage: samsa $cmd" "help $cmd"
done <<'EOF'
broker|--config --set
topics create|--partitions --replication-factor --config --broker
topics list|--broker
topics describe|--all-configs --broker
topics delete|--broker
topics alter|--config --delete-config --partitions --broker
produce|--key-separator --partition --acks --batch-records --linger-ms --broker
consume|--from-beginning --offset --partition --follow --max-messages --print-key --print-offset --key-separator --broker
groups list|--output --broker
groups describe|--members --state --output --broker
groups reset-offsets|--topic --all-topics --to-earliest --to-latest --to-offset --shift-by --to-datetime --dry-run --execute --output --broker
groups delete|--broker
cluster status|--output --broker
cluster start|--nodes --dir --base-port --set
experiment check|--output --examples
EOF

# The command list: every command with a line, exit codes, from --help, -h and help alike.
for top in --help -h help; do
  run $top
  expect_rc 0 "$top"
  for c in broker "topics create" "topics list" "topics describe" "topics delete" "topics alter" produce consume "groups list" \
    "groups describe" "groups reset-offsets" "groups delete" "cluster status" "cluster start" "experiment check" version; do
    expect_out "  $c " "$top"
  done
  expect_out "2  usage error" "$top"
done
for g in topics groups cluster experiment; do
  run $g --help
  expect_rc 0 "$g --help"
  expect_out "usage: samsa $g COMMAND" "$g --help"
done

# Version: the project's version, the commit (or "unknown"), CAF's.
for v in --version version; do
  run $v
  expect_rc 0 "$v"
  grep -qE '^samsa [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]+|unknown)\)$' <<<"$OUT" || fail "samsa $v: $OUT"
  grep -qE '^CAF 0\.17\.[0-9]+$' <<<"$OUT" || fail "samsa $v: no CAF version: $OUT"
done

# Usage errors: exit 2, a suggestion, nothing contacted.
while IFS='|' read -r words said; do
  # shellcheck disable=SC2086
  run $words
  expect_rc 2 "$words"
  expect_err "$said" "$words"
done <<EOF
topcis list|error: unknown command 'topcis'; did you mean 'topics'?
prodcue t $NOBODY|error: unknown command 'prodcue'; did you mean 'produce'?
--verison|error: unknown option '--verison'; did you mean '--version'?
topics lst $NOBODY|error: unknown topics command 'lst'; did you mean 'list'?
groups reset-offset g $NOBODY|error: unknown groups command 'reset-offset'; did you mean 'reset-offsets'?
groups delet g $NOBODY|error: unknown groups command 'delet'; did you mean 'delete'?
groups delete $NOBODY|error: missing GROUP
cluster stauts $NOBODY|error: unknown cluster command 'stauts'; did you mean 'status'?
produce t --partiton 1 $NOBODY|error: unknown option '--partiton'; did you mean '--partition'?
consume t --form-beginning $NOBODY|error: unknown option '--form-beginning'; did you mean '--from-beginning'?
topics create t --replication-factr 1 $NOBODY|error: unknown option '--replication-factr'; did you mean '--replication-factor'?
broker --confg x.properties|error: unknown option '--confg'; did you mean '--config'?
topics create $NOBODY|error: missing TOPIC
topics delete a b $NOBODY|error: unexpected argument 'b'
produce t --acks 2 $NOBODY|error: --acks must be -1 (all), 0 or 1
consume t --follow=yes $NOBODY|error: option --follow takes no value
cluster status --output yaml $NOBODY|error: --output must be text or json
EOF
run
expect_rc 2 "(no command)"
expect_err "usage: samsa COMMAND" "(no command)"
run topics
expect_rc 2 "topics"
expect_err "needs a command" "topics"

# A valid command with no broker there: the operation fails, exit 1.
run topics list $NOBODY
expect_rc 1 "topics list (no broker)"
expect_err "no samsa broker answers on 127.0.0.1:$NATIVE_PORT" "topics list (no broker)"

echo "cli_help: every command's help (exit 0, its options, an example), --version, suggestions and exit 2 for usage errors, exit 1 without a broker"
