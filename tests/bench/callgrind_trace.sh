#!/usr/bin/env bash
# Instructions and heap allocations per full first-packet trace, counted by callgrind (repeatable whatever else the
# machine is doing), for one service_bench case. The first, cold trace (index building, first
# rule-text rendering) is left out: (Ir of a long run - Ir of a one-iteration run) / (calls - 1).
# Compare two binaries in one session for a ratio:
#   bash tests/bench/callgrind_trace.sh build/tests/bench/service_bench 'BM_Trace_iptables/100'
# usage: callgrind_trace.sh SERVICE_BENCH FILTER   (MINTIME=seconds for the long run, default 1)
set -euo pipefail
bin=$1 filter=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
calls_to() {  # calls_to FILE FUNCTION-PREFIX -> calls made to it while collecting (0 if none)
  local id
  id=$(grep -m1 -oE "\([0-9]+\) $2" "$1" | grep -oE '^\([0-9]+' | tr -d '(') || true
  [ -n "$id" ] || { echo 0; return; }
  grep -A1 "^cfn=($id)" "$1" | grep -oE '^calls=[0-9]+' | cut -d= -f2 | paste -sd+ | bc
}
one() {  # one MIN_TIME NAME -> "instructions traces mallocs"
  valgrind --tool=callgrind --callgrind-out-file="$out/$2" \
    --toggle-collect='packetwalk::model::query::ProbeRunner::run(*' \
    "$bin" --benchmark_filter="$filter\$" --benchmark_min_time="$1" >"$out/$2.log" 2>&1
  local total
  total=$(grep -m1 '^summary:' "$out/$2" | awk '{print $2}')
  echo "$total $(calls_to "$out/$2" 'packetwalk::model::query::ProbeRunner::run\(') $(calls_to "$out/$2" 'malloc$')"
}
read -r t1 c1 m1 < <(one 0.01 first)
read -r tn cn mn < <(one "${MINTIME:-1}" long)
if [ "$cn" -le "$c1" ]; then
  echo "$filter: the long run traced no more than the short one ($cn calls); raise MINTIME" >&2
  exit 1
fi
# Heap allocations: calls to malloc (operator new calls it) made inside ProbeRunner::run.
echo "$filter: $(( (tn - t1) / (cn - c1) )) instructions and $(( (mn - m1) / (cn - c1) )) allocations per trace (over $((cn - c1)) traces)"
