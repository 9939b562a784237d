# The options both cluster benchmarks (cluster_failover.sh, cluster_replication.sh) share, and those of
# samsa_bench (make bench BENCH_ARGS=...) as they take them. Sourced with ROOT set; sets the defaults.
SAMSA_BIN=$ROOT/build/samsa
SMOKE=0
OUT=""
SKIP=0

# parse_bench_args "OPTIONS" NAME...: --smoke sets SMOKE=1, --out FILE sets OUT, --keep exports SAMSA_KEEP=1,
# --seconds S and --repeat N set BENCH_SECONDS and BENCH_REPEAT, --only LIST naming none of the NAMEs sets
# SKIP=1; the other options of samsa_bench are skipped with their values.
parse_bench_args() {
  local -a a; read -ra a <<<"$1"; shift
  local i=0 n hit
  while [ "$i" -lt "${#a[@]}" ]; do
    case "${a[$i]}" in
      --smoke) SMOKE=1 ;;
      --keep) export SAMSA_KEEP=1 ;;
      --out) i=$((i + 1)); OUT=${a[$i]:-} ;;
      --seconds) i=$((i + 1)); BENCH_SECONDS=${a[$i]:-} ;;
      --repeat) i=$((i + 1)); BENCH_REPEAT=${a[$i]:-} ;;
      --only)
        i=$((i + 1)); hit=0
        for n in "$@"; do [[ ",${a[$i]:-}," == *,$n,* ]] && hit=1; done
        [ "$hit" = 1 ] || SKIP=1 ;;
      --samsa|--redis-server|--peers|--scale|--filter) i=$((i + 1)) ;;
    esac
    i=$((i + 1))
  done
}
