#!/usr/bin/env bash
# The hostile-input corpus through the command line, as a user meets it: every file of
# tests/data/bad_input gives exactly the diagnostics its "# expect: " lines list, exit code 2 when
# any is an error (0 when all are warnings), nothing on stdout (no partial result), and no crash,
# within the documented limits (docs/limits.md): 4 GiB of address space and 60 seconds each.
# Inputs too large to keep in the repository (a 200 MB file, a million objects, a million pods)
# are made here, in a temporary directory.
# usage: bad_input_cli_test.sh PACKETWALK SOURCE_DIR
set -uo pipefail
pw=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
data=$2/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The memory bound: 4 GiB of address space. AddressSanitizer reserves terabytes of address space
# for its shadow memory, so the sanitizer build is bounded by resident memory instead.
# The 60-second bound is a release build's promise; a sanitized build runs several times slower
# (reading 250,000 objects takes about a minute under ASan on an idle machine, and over five
# when the machine is busy with other builds), so it gets ten times as long: there the bound only
# catches a hang.
if grep -q __asan_init "$pw"; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=4096"
  memory_limit=unlimited
  time_limit=600
else
  memory_limit=4194304
  time_limit=60
fi

# run NAME EXPECTED_RC ARGS...: runs packetwalk in tests/data, bounded in memory and time.
run() {
  local name=$1 want_rc=$2; shift 2
  (cd "$data" && ulimit -v "$memory_limit" && exec timeout "$time_limit" "$pw" "$@") >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ "$rc" -eq "$want_rc" ] || fail "$name: exit code $rc, expected $want_rc; stderr: $(head -c 600 "$tmp/err")"
  if grep -qiE 'terminate called|Aborted|Segmentation|stack trace|AddressSanitizer|runtime error' "$tmp/err"; then
    fail "$name: crashed: $(head -c 600 "$tmp/err")"
  fi
  if [ "$want_rc" -eq 2 ]; then
    [ ! -s "$tmp/out" ] || fail "$name: printed a result on stdout despite errors: $(head -c 300 "$tmp/out")"
    tail -n 1 "$tmp/err" | grep -qE '^packetwalk: [0-9]+ errors?; nothing was simulated$' ||
      fail "$name: last line of stderr does not say that nothing was simulated: $(tail -n 1 "$tmp/err")"
  fi
}

# expect_line NAME TEXT: stderr holds TEXT as a whole line.
expect_line() { grep -qxF -- "$2" "$tmp/err" || fail "$1: missing diagnostic: $2"$'\n'"  got: $(head -c 800 "$tmp/err")"; }

count=0
for file in "$data"/bad_input/*.yaml; do
  rel=bad_input/$(basename "$file")
  mapfile -t expected < <(sed -n 's/^# expect: //p' "$file")
  want=0
  for line in "${expected[@]}"; do case $line in *": error: "*) want=2 ;; esac; done
  run "$rel" "$want" reach -f "$rel"
  for line in "${expected[@]}"; do expect_line "$rel" "$line"; done
  count=$((count + 1))
done
[ "$count" -ge 30 ] || fail "only $count files in the corpus"

# A 200 MB manifest: refused by its size before a byte is read.
truncate -s 200M "$tmp/huge.yaml"
run huge.yaml 2 reach -f "$tmp/huge.yaml"
expect_line huge.yaml "$tmp/huge.yaml: error: file is 200 MiB, larger than packetwalk's limit of 64 MiB per file (docs/limits.md); not a manifest?"

# A million objects in one file (61 MB, under the size limit): refused before parsing.
python3 -c "
import sys
w = sys.stdout.write
for i in range(1000000): w('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\n' % i)
" >"$tmp/million.yaml"
run million.yaml 2 reach -f "$tmp/million.yaml"
expect_line million.yaml "$tmp/million.yaml:1000001:1: error: more than 250000 YAML documents in one file; packetwalk reads at most that many objects (docs/limits.md)"

# Objects spread over many files: the run stops at the limit, naming the object that crossed it.
python3 -c "
import sys
for f in range(3):
    with open('$tmp/many-%d.yaml' % f, 'w') as out:
        for i in range(100000): out.write('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d-%d}\n' % (f, i))
"
run many-files 2 reach -f "$tmp/many-0.yaml" -f "$tmp/many-1.yaml" -f "$tmp/many-2.yaml"
# Object 250,001 is the 50,001st document of the third file, on its line 200,002.
expect_line many-files "$tmp/many-2.yaml:200002:1: error: more than 250000 objects; packetwalk reads at most that many in one run (docs/limits.md)"
grep -q "many-[01].yaml" "$tmp/err" && fail "many-files: diagnostics for files below the limit: $(head -c 600 "$tmp/err")"

# Forty Deployments of 5,000 replicas each: more pods than the run may hold.
for i in $(seq 1 41); do
  printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d}\nspec:\n  replicas: 5000\n  selector: {matchLabels: {app: d%d}}\n  template:\n    metadata: {labels: {app: d%d}}\n    spec: {containers: [{name: c, image: nginx}]}\n' "$i" "$i" "$i"
done >"$tmp/pods.yaml"
run many-pods 2 reach -f "$tmp/pods.yaml"
grep -q "error: Deployment default/d[0-9]*: the cluster would hold more than 200000 pods; packetwalk simulates at most that many (docs/limits.md)" "$tmp/err" ||
  fail "many-pods: no pod-limit error: $(head -c 600 "$tmp/err")"

# A scenario naming a manifest file that does not exist.
mkdir -p "$tmp/scn"
printf 'apiVersion: packetwalk/v1\nkind: Scenario\nmetadata: {name: missing}\nmanifests:\n  - manifests/not-there.yaml\n' >"$tmp/scn/missing.yaml"
run missing-manifest 2 run "$tmp/scn/missing.yaml"
grep -q "not-there.yaml" "$tmp/err" && grep -q "does not exist" "$tmp/err" ||
  fail "missing-manifest: the error does not name the missing file: $(head -c 600 "$tmp/err")"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all $count corpus files and 5 generated inputs behave as documented"
