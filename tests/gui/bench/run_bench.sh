#!/usr/bin/env bash
# Generates the 1,000-pod scenario and runs packetwalk-gui --bench-frames on it.
# Usage: run_bench.sh PACKETWALK_GUI WORKDIR [FRAMES]. Exit 77 (skipped) without an X display.
set -euo pipefail
gui=${1:?packetwalk-gui binary} dir=${2:?work dir} frames=${3:-300}
if [ -z "${DISPLAY:-}" ]; then
  echo "SKIP: no DISPLAY; run under xvfb-run -a to benchmark packetwalk-gui" >&2
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
bash "$here/make_bench_scenario.sh" "$dir/gui-bench.yaml"
"$gui" "$dir/gui-bench.yaml" --bench-frames "$frames" --size 1600x1000 | tee "$dir/gui-bench.txt"
grep -q "mean frame" "$dir/gui-bench.txt"
