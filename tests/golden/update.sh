#!/usr/bin/env bash
# Regenerates the golden trace files from the current build, twice, and fails if the two runs
# differ (a golden file must never capture non-determinism). Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${PACKETWALK:-build/ui/packetwalk}
for scenario in $(cat tests/golden/trace/SCENARIOS); do
  name=$(basename "$scenario" .yaml)
  "$bin" run "$scenario" > "tests/golden/trace/$name.txt" || true
  "$bin" run "$scenario" > "/tmp/pw-golden-$name.txt" || true
  cmp "tests/golden/trace/$name.txt" "/tmp/pw-golden-$name.txt" || { echo "non-deterministic: $scenario" >&2; exit 1; }
  "$bin" run -o json "$scenario" > "tests/golden/trace/$name.json" || true
done
echo "golden files updated; review with: git diff tests/golden"
