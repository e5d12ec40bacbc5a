#!/usr/bin/env bash
# Regenerates tests/golden/dns/*.txt from the current build, twice, and fails if the runs differ.
# Read the diff before committing: a golden file is a claim about what a cluster does.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin=${PACKETWALK:-build/ui/packetwalk}
grep -v '^#' tests/golden/dns/CASES | while IFS='|' read -r name scenario from type qname; do
  "$bin" dns --scenario "$scenario" --from "$from" --type "$type" "$qname" > "tests/golden/dns/$name.txt"
  "$bin" dns --scenario "$scenario" --from "$from" --type "$type" "$qname" > "/tmp/pw-golden-dns-$name.txt"
  cmp "tests/golden/dns/$name.txt" "/tmp/pw-golden-dns-$name.txt" || { echo "non-deterministic: $name" >&2; exit 1; }
done
echo "DNS golden files updated; review with: git diff tests/golden/dns"
