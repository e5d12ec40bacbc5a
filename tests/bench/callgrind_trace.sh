#!/usr/bin/env bash
# Instructions per full first-packet trace, counted by callgrind (repeatable whatever else the
# machine is doing), for one service_bench case. The first, cold trace (index building, first
# rule-text rendering) is left out: (Ir of a long run - Ir of a one-iteration run) / (calls - 1).
# Compare two binaries in one session for a ratio:
#   bash tests/bench/callgrind_trace.sh build/tests/bench/service_bench 'BM_Trace_iptables/100'
# usage: callgrind_trace.sh SERVICE_BENCH FILTER   (MINTIME=seconds for the long run, default 1)
set -euo pipefail
bin=$1 filter=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
one() {  # one MIN_TIME NAME -> "instructions calls"
  valgrind --tool=callgrind --callgrind-out-file="$out/$2" \
    --toggle-collect='packetwalk::model::query::ProbeRunner::run(*' \
    "$bin" --benchmark_filter="$filter\$" --benchmark_min_time="$1" >"$out/$2.log" 2>&1
  local total id calls
  total=$(grep -m1 '^summary:' "$out/$2" | awk '{print $2}')
  id=$(grep -m1 -oE '\([0-9]+\) packetwalk::model::query::ProbeRunner::run\(' "$out/$2" | grep -oE '[0-9]+')
  calls=$(grep -A1 "^cfn=($id)" "$out/$2" | grep -oE '^calls=[0-9]+' | cut -d= -f2 | paste -sd+ | bc)
  echo "$total $calls"
}
read -r t1 c1 < <(one 0.01 first)
read -r tn cn < <(one "${MINTIME:-1}" long)
if [ "$cn" -le "$c1" ]; then
  echo "$filter: the long run traced no more than the short one ($cn calls); raise MINTIME" >&2
  exit 1
fi
echo "$filter: $(( (tn - t1) / (cn - c1) )) instructions per trace (over $((cn - c1)) traces)"
