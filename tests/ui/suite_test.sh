#!/usr/bin/env bash
# packetwalk test, end to end on the real binary: the JUnit file of the shipped library is
# well-formed with matching counts; a planted failure exits 1 naming the probe, the expectation and
# the deciding hop; results are the same for -j 1 and -j 8 and for three shards combined; golden
# files; bad input; and diagnose on a lab.
# Usage: suite_test.sh PACKETWALK SOURCE_DIR BUILD_DIR   (BUILD_DIR holds scenarios.junit.xml)
set -uo pipefail
pw=$1
src=$2
build=$3
cd "$src"
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {  # check NAME CONDITION-RESULT
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
py() { python3 - "$@"; }

# --- the JUnit file `packetwalk test scenarios/ --junit` wrote (ctest fixture) -----------------
junit=$build/scenarios.junit.xml
[ -s "$junit" ]; check "scenarios.junit.xml exists" $?
nscen=$(grep -rlE --include='*.yaml' '^kind:[[:space:]]*Scenario' scenarios | wc -l)
py "$junit" "$nscen" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == int(sys.argv[2]), (len(suites), sys.argv[2])
total = fail = err = 0
names = [s.get("name") for s in suites]
assert names == sorted(names), "testsuites not in path order"
for s in suites:
    cases = s.findall("testcase")
    assert cases, s.get("name")
    f = sum(1 for c in cases if c.find("failure") is not None)
    e = sum(1 for c in cases if c.find("error") is not None)
    assert int(s.get("tests")) == len(cases) and int(s.get("failures")) == f and int(s.get("errors")) == e, s.get("name")
    for c in cases:
        assert c.get("name") and c.get("classname"), s.get("name")
    total += len(cases); fail += f; err += e
assert int(root.get("tests")) == total and int(root.get("failures")) == fail and int(root.get("errors")) == err
assert fail == 0 and err == 0, "the shipped library must pass"
PY
check "JUnit: testsuites/testsuite/testcase, one suite per scenario file, counts match" $?

# --- a planted failure -------------------------------------------------------------------------
mkdir -p "$tmp/lib/sub"
cat >"$tmp/lib/sub/planted.yaml" <<YAML
apiVersion: packetwalk/v1
kind: Scenario
metadata:
  name: planted
manifests:
  - $src/scenarios/services/manifests/api-server.yaml
probes:
  - name: fine
    from: default/pod-a
    to: default/api-server:80
    expect: connected
  - name: wrong-on-purpose
    from: default/pod-a
    to: default/api-server:80
    expect:
      outcome: refused
      via: [flannel.1]
YAML
cp "$src/scenarios/services/manifests/api-server.yaml" "$tmp/lib/sub/not-a-scenario.yaml"
"$pw" test "$tmp/lib" --junit "$tmp/planted.xml" >"$tmp/out" 2>"$tmp/err"
check "planted failure exits 1" $([ $? -eq 1 ]; echo $?)
grep -q "FAIL  .*planted.yaml" "$tmp/out"; check "planted: the scenario line says FAIL" $?
grep -q "wrong-on-purpose.*expected refused via flannel.1: expected outcome refused, got connected.*deciding hop: ACK: " "$tmp/out"
check "planted: the message names the probe, the expectation and the deciding hop" $?
[ "$(tail -n 1 "$tmp/out")" = "1 passed, 1 failed" ]; check "planted: closing line is '1 passed, 1 failed'" $?
grep -q "^1 scenario: 0 passed, 1 failed, 0 with errors$" "$tmp/out"; check "planted: scenario counts; plain manifests skipped" $?
py "$tmp/planted.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
(case,) = [c for c in root.iter("testcase") if c.find("failure") is not None]
m = case.find("failure").get("message")
assert case.get("name") == "wrong-on-purpose" and "expected refused via flannel.1" in m and "deciding hop:" in m, m
assert "probe wrong-on-purpose" in case.find("failure").text
PY
check "planted: JUnit <failure message> names probe, expectation, hop; body holds the trace" $?

# --- determinism: -j 1 vs -j 8, and three shards combined --------------------------------------
"$pw" test scenarios -j 1 --junit "$tmp/j1.xml" >"$tmp/j1.out" 2>/dev/null; rc1=$?
"$pw" test scenarios -j 8 --junit "$tmp/j8.xml" >"$tmp/j8.out" 2>/dev/null; rc8=$?
[ $rc1 -eq $rc8 ] && cmp -s "$tmp/j1.out" "$tmp/j8.out" && cmp -s "$tmp/j1.xml" "$tmp/j8.xml"
check "-j 1 and -j 8: identical output and JUnit" $?
for i in 1 2 3; do "$pw" test scenarios -j 2 --shard $i/3 --junit "$tmp/s$i.xml" >"$tmp/s$i.out" 2>/dev/null; done
py "$tmp/j1.xml" "$tmp/s1.xml" "$tmp/s2.xml" "$tmp/s3.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
def suites(f):
    out = {}
    for s in ET.parse(f).getroot().findall("testsuite"):
        s.tail = None  # the whitespace after a suite depends on whether it is the file's last
        out[s.get("name")] = ET.tostring(s)
    return out
full = suites(sys.argv[1])
parts = [suites(f) for f in sys.argv[2:]]
combined = {}
for p in parts:
    assert not set(p) & set(combined), "a scenario ran in two shards"
    combined.update(p)
assert combined == full, "shards 1/3+2/3+3/3 differ from the whole run"
assert all(parts), "an empty shard"
PY
check "shards 1/3 + 2/3 + 3/3 = the whole run, each scenario once" $?
grep -h "^[A-Z]" "$tmp"/s[123].out | grep -E "^(PASS|FAIL|ERROR)" | sort >"$tmp/shard-lines"
grep -E "^(PASS|FAIL|ERROR)" "$tmp/j1.out" | sort >"$tmp/full-lines"
cmp -s "$tmp/shard-lines" "$tmp/full-lines"; check "shards: same scenario lines as the whole run" $?
"$pw" test scenarios --filter '*labs*' >"$tmp/filter.out" 2>/dev/null
! grep -E "^(PASS|FAIL)" "$tmp/filter.out" | grep -vq "scenarios/labs/"; check "--filter keeps matching paths only" $?
"$pw" test scenarios --filter 'lab-mtu-vxlan' >"$tmp/filter.out" 2>/dev/null
[ "$(grep -cE '^(PASS|FAIL)' "$tmp/filter.out")" -eq 1 ]; check "--filter matches metadata.name" $?

# --- golden files --------------------------------------------------------------------------------
sed 's/^  name: planted$/  name: pinned/' "$tmp/lib/sub/planted.yaml" | sed '/wrong-on-purpose/,$d' >"$tmp/pinned.yaml"
printf 'golden: pinned.golden.txt\n' >>"$tmp/pinned.yaml"
"$pw" test "$tmp/pinned.yaml" >"$tmp/out" 2>&1
check "golden: a missing golden file fails" $([ $? -eq 1 ]; echo $?)
"$pw" test "$tmp/pinned.yaml" --update-golden >"$tmp/out" 2>&1 && [ -s "$tmp/pinned.golden.txt" ]
check "golden: --update-golden writes it" $?
"$pw" run "$tmp/pinned.yaml" | cmp -s - "$tmp/pinned.golden.txt"; check "golden: holds packetwalk run's output" $?
"$pw" test "$tmp/pinned.yaml" >"$tmp/out" 2>&1; check "golden: then passes" $?
sed -i 's/connected/CONNECTED/' "$tmp/pinned.golden.txt"
"$pw" test "$tmp/pinned.yaml" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "output differs from .*pinned.golden.txt at line" "$tmp/out"
check "golden: a difference fails, naming the line" $?
ls "$tmp"/pinned.golden.txt.tmp.* >/dev/null 2>&1; check "golden: no temporary file left" $([ $? -ne 0 ]; echo $?)

# --- bad input -----------------------------------------------------------------------------------
"$pw" test "$tmp/no-such-dir" >"$tmp/out" 2>"$tmp/err"
check "a missing path exits 2" $([ $? -eq 2 ]; echo $?)
printf 'apiVersion: packetwalk/v1\nkind: Scenario\ncluster: {podCIDR: 10.244.0.0/33}\n' >"$tmp/lib/broken.yaml"
"$pw" test "$tmp/lib" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "^ERROR .*broken.yaml" "$tmp/out" && grep -q "FAIL  .*planted.yaml" "$tmp/out"
check "a broken scenario exits 2 after running the others" $?
"$pw" test scenarios --shard 4/3 >/dev/null 2>&1; check "--shard 4/3 is bad input" $([ $? -eq 2 ]; echo $?)

# --- diagnose, faults ----------------------------------------------------------------------------
"$pw" diagnose --scenario scenarios/labs/kube-proxy-down.yaml --from default/client --to default/api:80 -o json >"$tmp/d.json"
rc=$?
py "$tmp/d.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "packetwalk/diagnose/v1" and d["failed_layer"] == "kube-proxy", d["failed_layer"]
assert [s["status"] for s in d["steps"]] == ["ok", "failed", "not checked", "not checked", "not checked"]
PY
[ $? -eq 0 ] && [ $rc -eq 1 ]; check "diagnose kube-proxy-down: JSON names kube-proxy, exits 1" $?
"$pw" diagnose -f scenarios/services/manifests/api-server.yaml --from pod-a --to api-server:80 >"$tmp/d.txt"
[ $? -eq 0 ] && grep -q "^verdict: healthy" "$tmp/d.txt"; check "diagnose of a healthy Service exits 0" $?
"$pw" rules --scenario scenarios/labs/kube-proxy-down.yaml --node node-1 >"$tmp/rules" 2>/dev/null
! grep -q "KUBE-SERVICES" "$tmp/rules" && grep -q "KUBE-FIREWALL" "$tmp/rules"
check "kubeProxyDown: node-1 keeps kubelet's KUBE-FIREWALL only" $?

[ $fails -eq 0 ] && echo "suite: all passed" || echo "suite: $fails failed"
exit $(( fails > 0 ))
