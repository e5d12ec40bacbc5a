#!/usr/bin/env bash
# Regenerates the explain/reach golden files (tests/ui/CMakeLists.txt lists the commands) from
# the current build, twice, failing if the two runs differ. Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${PACKETWALK:-build/ui/packetwalk}
api=(--scenario scenarios/policy/api-server-policy.yaml)
xyz=(-f scenarios/policy/manifests/xyz.yaml --cni calico)
gen() {  # gen KIND NAME ARGS...
  local kind=$1 name=$2
  shift 2
  mkdir -p "tests/golden/$kind"
  "$bin" "$kind" "$@" > "tests/golden/$kind/$name.txt" 2>/dev/null
  "$bin" "$kind" "$@" 2>/dev/null | cmp - "tests/golden/$kind/$name.txt" || { echo "non-deterministic: $kind $name" >&2; exit 1; }
}
gen explain api-batch-denied "${api[@]}" --from default/batch --to default/api --port 80
gen explain api-frontend-allowed "${api[@]}" --from default/frontend --to default/api --port 80
gen explain api-dns-denied "${api[@]}" --from default/api-server --to kube-system/kube-dns --port 53/UDP
gen explain api-flannel --scenario scenarios/policy/api-server-policy-flannel.yaml --from default/batch --to default/api --port 80
gen explain and-peer-denied "${xyz[@]}" -f tests/data/policy/and-peer.yaml --from y/a --to x/a --port 80
gen explain team-web-denied "${xyz[@]}" -f tests/data/policy/team-web.yaml --from z/a --to x/a --port 80
gen explain self-exempt "${xyz[@]}" -f tests/data/policy/team-web.yaml --from x/b --to x/b --port 80
gen explain anp-deny-wins --scenario scenarios/policy/anp-deny-overrides-networkpolicy.yaml --from z/a --to x/a --port 80
gen explain anp-pass-then-networkpolicy --scenario scenarios/policy/anp-pass-defers-to-networkpolicy.yaml --from y/a --to x/a --port 80
gen explain banp-denied --scenario scenarios/policy/banp-default-deny-overridden.yaml --from x/a --to z/b --port 80
gen reach and-peer-table "${xyz[@]}" -f tests/data/policy/and-peer.yaml --port 80 --port 81
gen reach team-web-json "${xyz[@]}" -f tests/data/policy/team-web.yaml --port 80/TCP -n x -o json
gen reach api-md "${api[@]}" -o md
gen reach api-services-json "${api[@]}" --services -o json
gen reach services-backends-table -f tests/data/policy/service-backends.yaml --cni calico --services
# diff exits 1 when flows changed, as these do.
mkdir -p tests/golden/diff
for run in 1 2; do
  "$bin" diff tests/data/diff/shop.yaml tests/data/diff/shop-api-target-metrics.yaml --cni calico --services -o md \
    > "tests/golden/diff/shop-api-target-md.txt.$run" 2>/dev/null && { echo "diff: expected exit 1" >&2; exit 1; } || [ $? -eq 1 ]
done
cmp tests/golden/diff/shop-api-target-md.txt.1 tests/golden/diff/shop-api-target-md.txt.2 || { echo "non-deterministic: diff" >&2; exit 1; }
mv tests/golden/diff/shop-api-target-md.txt.1 tests/golden/diff/shop-api-target-md.txt
rm tests/golden/diff/shop-api-target-md.txt.2
echo "policy golden files updated; review with: git diff tests/golden"
