#!/usr/bin/env bash
# `packetwalk verify` on randomly generated small clusters (tests/kernel/random_scenarios.py,
# seeds FIRST..LAST, default 1..50), several at a time: every run has its own namespace prefix
# (pwr<pid>s<seed>), so parallel runs never share a name.
# Usage: random_corpus_test.sh PACKETWALK [FIRST LAST]
# Environment: PACKETWALK_VERIFY_JOBS (parallel runs, default 4), PACKETWALK_VERIFY_RUNS (40).
# Exits 77 (ctest's skip) when this machine cannot verify; fails when any scenario disagrees or
# leaves a namespace behind.
#
# The endpoint split is a chi-square test at p < 0.001, so across ~50 Services about one run in
# twenty would fail by chance alone. A scenario whose only disagreement is a split (no outcome,
# backend or source difference) is therefore run a second time and must pass then: a real
# difference in the split fails twice (p < 0.001 twice is one in a million by chance).
set -uo pipefail
pw=$1 first=${2:-1} last=${3:-50}
here=$(cd "$(dirname "$0")" && pwd)
jobs=${PACKETWALK_VERIFY_JOBS:-4}
runs=${PACKETWALK_VERIFY_RUNS:-40}
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: packetwalk verify needs root (it builds the clusters in network namespaces)"
  exit 77
fi
dir=$(mktemp -d /tmp/packetwalk-random-XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 "$here/random_scenarios.py" "$dir" "$first" "$last" || { echo "FAIL: the generator failed"; exit 1; }
base="pwr$$s"
start=$(date +%s)

run_one() {  # seed attempt
  "$pw" verify -q --runs "$runs" --prefix "$base$1" "$dir/random-$1.yaml" >"$dir/out-$1-$2.txt" 2>&1
  echo $? >"$dir/rc-$1-$2"
}
export -f run_one
export pw runs base dir
seq "$first" "$last" | xargs -P "$jobs" -I{} bash -c 'run_one {} 1'

only_split() {  # the FAIL blocks hold nothing but a chi-square split difference
  local f=$1
  grep -q "the kernel's split differs" "$f" &&
    ! grep -Eq '^  (outcome|backend|source seen by the server|client|ClientIP affinity|rules in)' "$f"
}
again=()
for seed in $(seq "$first" "$last"); do
  rc=$(cat "$dir/rc-$seed-1")
  if [ "$rc" -eq 1 ] && only_split "$dir/out-$seed-1.txt"; then again+=("$seed"); fi
done
if [ ${#again[@]} -gt 0 ]; then
  echo "re-running (a split differed, nothing else): ${again[*]}"
  printf '%s\n' "${again[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {} 2'
fi

passed=0 failed=0 skipped=0 probes=0
for seed in $(seq "$first" "$last"); do
  attempt=1
  [ -e "$dir/rc-$seed-2" ] && attempt=2
  rc=$(cat "$dir/rc-$seed-$attempt")
  out="$dir/out-$seed-$attempt.txt"
  n=$(sed -n 's/^\([0-9]*\) passed, .*/\1/p' "$out")
  probes=$((probes + ${n:-0}))
  case $rc in
    0) passed=$((passed + 1)) ;;
    4) skipped=$((skipped + 1)); echo "random-$seed: cannot verify here:"; cat "$out" ;;
    *) failed=$((failed + 1)); echo "FAIL random-$seed (exit $rc, attempt $attempt):"
       sed -n '/^cluster:/,/^probes:/p' "$dir/random-$seed.yaml" | head -1; cat "$out"
       [ "$attempt" = 2 ] && { echo "first attempt:"; cat "$dir/out-$seed-1.txt"; } ;;
  esac
done
left=$(ls /run/netns 2>/dev/null | grep -c "^$base" || true)
echo "random corpus seeds $first..$last: $passed passed, $failed failed, $skipped could not verify;" \
  "$probes probes agreed; $(( $(date +%s) - start )) s with $jobs parallel runs"
if [ "$left" -ne 0 ]; then
  echo "FAIL: $left namespaces named $base* were left behind"
  exit 1
fi
if [ "$skipped" -gt 0 ] && [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then exit 77; fi
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
