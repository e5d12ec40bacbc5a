#!/usr/bin/env bash
# Manifests in kubectl's own format: the real `kubectl create ... --dry-run=client -o yaml` writes
# them offline (creationTimestamp: null, status: {}, strategy: {}, resources: {}, generated port
# names; Debian's 1.20 and newer ones), and packetwalk must read them as they are: no warning, the Deployment's pods reached
# through the Service's DNAT, and the Ingress routing a request to it.
# usage: kubectl_inputs_test.sh PACKETWALK
set -uo pipefail
pw=$1
if ! command -v kubectl >/dev/null 2>&1; then
  echo "skip: kubectl is not installed (scripts/setup installs Debian's kubernetes-client)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

k() { kubectl "$@" --dry-run=client -o yaml; }
# No kubeconfig or cluster is needed for client-side dry runs; keep kubectl away from any the
# machine has.
export KUBECONFIG=$tmp/no-kubeconfig
# No -n: Debian's kubectl (1.20) leaves metadata.namespace out of `create service` whatever -n
# says, so every object goes where `kubectl apply` would put it without one, the default namespace.
{
  k create deployment web --image=nginx --port=8080 --replicas=2
  echo ---
  k create deployment client --image=busybox
  echo ---
  k create service clusterip web --tcp=80:8080
  echo ---
  k create ingress web --class=nginx --rule="shop.example.com/api*=web:80"
  echo ---
  k create configmap settings --from-literal=mode=test
} >"$tmp/shop.yaml" 2>"$tmp/kubectl.err" || { cat "$tmp/kubectl.err"; fail "kubectl could not write the manifests"; }
grep -q "creationTimestamp: null" "$tmp/shop.yaml" || fail "kubectl's output lacks the fields this test is about"

# Loaded as-is: nothing to warn about.
"$pw" lint -f "$tmp/shop.yaml" >"$tmp/lint.out" 2>"$tmp/lint.err"
rc=$?
[ "$rc" -eq 0 ] || fail "lint exited $rc: $(cat "$tmp/lint.err")"
[ ! -s "$tmp/lint.err" ] || fail "warnings on kubectl's own output: $(head -c 600 "$tmp/lint.err")"

# The client pod reaches the Service; kube-proxy's DNAT picks one of web's two pods.
client=$("$pw" reach -f "$tmp/shop.yaml" -o json 2>/dev/null |
  python3 -c 'import json,sys; print(next(p for p in json.load(sys.stdin)["pods"] if p.startswith("default/client-")))')
[ -n "$client" ] || fail "no client pod in reach's pod list"
"$pw" trace -f "$tmp/shop.yaml" --from "$client" --to svc/default/web:80 >"$tmp/trace.out" 2>"$tmp/trace.err"
rc=$?
[ "$rc" -eq 0 ] || fail "trace exited $rc: $(cat "$tmp/trace.err")"
grep -q "KUBE-SVC-" "$tmp/trace.out" || fail "the trace shows no kube-proxy Service chain"
grep -qE "^result: connected \(answered by default/web-" "$tmp/trace.out" ||
  fail "the Service's pod did not answer: $(tail -n 1 "$tmp/trace.out")"

# The Ingress kubectl wrote (path /api*, a Prefix) routes a request to the Service.
"$pw" routes -f "$tmp/shop.yaml" --request http://shop.example.com/api/users -o json >"$tmp/routes.json" 2>"$tmp/routes.err"
python3 - "$tmp/routes.json" <<'EOF' || fail "routes: $(cat "$tmp/routes.json" "$tmp/routes.err")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["matched"] and r["route"] == "Ingress default/web" and r["backend"] == "default/web:80" and r["match"] == "Prefix /api", r
EOF

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
