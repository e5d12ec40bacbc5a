#!/usr/bin/env bash
# Writes a large scenario for `packetwalk-gui --bench-frames N`: 10 nodes, 1,000 pods (20 apps of
# 50 bare pods, each app behind a ClusterIP Service) and 200 TCP probes from pods to Services,
# which trace to a little over 10,000 hops. Usage: make_bench_scenario.sh OUT.yaml
set -euo pipefail
out=${1:?usage: make_bench_scenario.sh OUT.yaml}
apps=20 per_app=50 probes=200
{
  echo "apiVersion: packetwalk/v1"
  echo "kind: Scenario"
  echo "metadata: {name: gui-bench, description: \"1000 pods, 20 Services, 200 probes\"}"
  echo "cluster: {nodes: 10}"
  echo "manifests:"
  echo "  - inline: |"
  for ((a = 0; a < apps; a++)); do
    app=$(printf 'app-%02d' "$a")
    for ((k = 0; k < per_app; k++)); do
      printf '      ---\n      apiVersion: v1\n      kind: Pod\n      metadata: {name: %s-%03d, labels: {app: %s}}\n' "$app" "$k" "$app"
      printf '      spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}\n'
    done
    printf '      ---\n      apiVersion: v1\n      kind: Service\n      metadata: {name: svc-%02d}\n' "$a"
    printf '      spec: {selector: {app: %s}, ports: [{port: 80, targetPort: 8080}]}\n' "$app"
  done
  echo "probes:"
  for ((i = 0; i < probes; i++)); do
    printf '  - {name: p%03d, from: default/app-%02d-%03d, to: "svc-%02d:80"}\n' "$i" $((i % apps)) $((i % per_app)) $(((i * 7 + 3) % apps))
  done
} >"$out"
