#!/usr/bin/env bash
# A longer fuzz campaign than the 20-second ctests: each target in turn for SECONDS, with its seeds
# and dictionary, keeping a growing corpus per target in WORKDIR (default /tmp/packetwalk-fuzz) so
# the next campaign continues where this one stopped. Prints one line per target: exit code (0 = no
# finding; the input is then WORKDIR/<target>/crash-*), seconds run, executions. The run times in
# the issue notes come from this script.
# usage: tests/fuzz/campaign.sh BUILD_DIR [SECONDS] [TARGET...]    (BUILD_DIR built with PACKETWALK_FUZZ=ON)
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
secs=${2:-120}
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dns ingress selector cidr manifest scenario pipeline)
work=${WORKDIR:-/tmp/packetwalk-fuzz}
# The same -max_len per target as tests/fuzz/CMakeLists.txt.
declare -A len=([manifest]=16384 [scenario]=16384 [pipeline]=8192 [cidr]=128 [selector]=2048 [ingress]=2048 [dns]=2048)
for t in "${targets[@]}"; do
  mkdir -p "$work/$t/corpus"
  seeds=()
  while read -r name dir; do [ "$name" = "$t" ] && seeds+=("$src/$dir"); done < <(grep -v '^#' "$src/tests/fuzz/seeds.txt")
  start=$(date +%s)
  (cd "$work/$t" && "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -max_len="${len[$t]}" -rss_limit_mb=2048 \
     -timeout=10 -dict="$src/tests/fuzz/dict/$t.dict" -artifact_prefix="$work/$t/" -print_final_stats=1 \
     "$work/$t/corpus" "${seeds[@]}" >"$work/$t.log" 2>&1)
  rc=$?
  execs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$')
  echo "$t exit=$rc seconds=$(( $(date +%s) - start )) executions=${execs:-?}"
done
