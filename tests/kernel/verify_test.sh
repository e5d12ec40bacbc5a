#!/usr/bin/env bash
# One `packetwalk verify` run for ctest.
# Usage: verify_test.sh PACKETWALK agree|mutate-outcome|mutate-backend|mutate-source|mutate-rules SCENARIO
#   agree:      the kernel must agree with the model (exit 0)
#   mutate-X:   the model's predicted X is falsified; verify must report the disagreement (exit 1)
# Exits 77 (ctest's skip) when this machine cannot verify, saying why; and fails if a namespace
# of the run is left behind either way.
set -uo pipefail
pw=$1 mode=$2 scenario=$3
runs=${PACKETWALK_VERIFY_RUNS:-40}
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: packetwalk verify needs root (it builds the cluster in network namespaces)"
  exit 77
fi
prefix="pwt$$"
args=(verify -q --runs "$runs" --prefix "$prefix" "$scenario")
case $mode in
  agree) want=0 ;;
  mutate-*) want=1 args+=(--mutate "${mode#mutate-}") ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$pw" "${args[@]}" >"$out" 2>&1
rc=$?
cat "$out"
left=$(ls /run/netns 2>/dev/null | grep -c "^$prefix-" || true)
if [ "$left" -ne 0 ]; then
  echo "FAIL: $left namespaces named $prefix-* were left behind"
  exit 1
fi
if [ $rc -eq 4 ]; then
  echo "SKIP: this machine cannot verify (see above)"
  exit 77
fi
if [ $rc -ne $want ]; then
  echo "FAIL: packetwalk verify exited $rc, expected $want"
  exit 1
fi
if [ "$mode" != agree ] && ! grep -q '^FAIL ' "$out"; then
  echo "FAIL: the falsified prediction was not reported as a disagreement"
  exit 1
fi
echo "ok: exit $rc as expected"
