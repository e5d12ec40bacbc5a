#!/usr/bin/env python3
"""docs/scenario.schema.json and packetwalk's scenario loader must agree.

Usage: scenario_schema_test.py PACKETWALK REPO

Checks, each printed as ok/FAIL:
  1. the schema is a valid draft 2020-12 schema;
  2. every scenario shipped under scenarios/ and every scenario example in
     docs/scenario-format.md validates against it;
  3. tests/docs/scenario-schema/all-fields.yaml uses every property the schema defines, the
     schema accepts it and packetwalk loads it without a single warning or error (a field only one
     side knows fails here);
  4. each file in tests/docs/scenario-schema/invalid/ is rejected by the schema AND by packetwalk
     at the field its first line names (`# rejected at: PATH (error|warning)`);
  5. each closed set (cni, proxyMode, protocol, outcomes, HTTP methods, traffic patterns, lab
     layers, fault kinds) lists the same values as packetwalk's own error message for a wrong one.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

PW, REPO = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SCHEMA_PATH = os.path.join(REPO, "docs", "scenario.schema.json")
DATA = os.path.join(REPO, "tests", "docs", "scenario-schema")

failures = 0


def report(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what + ("" if ok or not detail else "\n     " + detail.replace("\n", "\n     ")))
    if not ok:
        failures += 1


def dotted(parts):
    """['probes', 0, 'expect'] -> 'probes[0].expect': the loader's way of naming a field."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out


def join(base, key):
    return f"{base}.{key}" if base else key


def schema_paths(error):
    """Every field path an error (or one of its sub-errors) points at, loader-style."""
    paths = set()
    stack = [error]
    while stack:
        e = stack.pop()
        stack.extend(e.context or [])
        base = dotted(e.absolute_path)
        paths.add(base)
        inst = e.instance if isinstance(e.instance, dict) else {}
        if e.validator == "required":
            paths.update(join(base, k) for k in e.validator_value if k not in inst)
        elif e.validator == "additionalProperties" and e.validator_value is False:
            known = e.schema.get("properties", {})
            paths.update(join(base, k) for k in inst if k not in known)
        elif e.validator == "dependentRequired":
            for key, needed in e.validator_value.items():
                if key in inst:
                    paths.update(join(base, k) for k in needed if k not in inst)
    return paths


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


def run_loader(path):
    """packetwalk run -q PATH: (exit status, [(severity, field path or message)])."""
    p = subprocess.run([PW, "run", "-q", path], capture_output=True, text=True, cwd=REPO)
    diags = []
    for line in p.stderr.splitlines():
        m = re.search(r": (error|warning): (.*)$", line)
        if not m:
            continue
        sev, msg = m.groups()
        f = re.match(r'(?:missing required field|unknown field) "([^"]+)"', msg) or re.match(r"([\w.\[\]/-]+): ", msg)
        diags.append((sev, f.group(1) if f else msg))
    return p.returncode, diags, p.stderr


def properties_of(schema, node, prefix, out, seen_refs=()):
    """Collects the property paths the schema defines ('cluster.dns.upstream.records', with
    [] for list items), following $ref and every branch of anyOf/oneOf."""
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if ref:
        if ref in seen_refs:
            return
        target = schema
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        properties_of(schema, target, prefix, out, seen_refs + (ref,))
    for key, sub in node.get("properties", {}).items():
        path = join(prefix, key)
        out.add(path)
        properties_of(schema, sub, path, out, seen_refs)
    if isinstance(node.get("items"), dict):
        properties_of(schema, node["items"], prefix + "[]", out, seen_refs)
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        properties_of(schema, branch, prefix, out, seen_refs)


def instance_paths(value, prefix, out, open_maps):
    if isinstance(value, dict):
        for key, sub in value.items():
            path = join(prefix, key)
            out.add(path)
            if path not in open_maps:  # free-form maps (labels, records, ...) hold data, not fields
                instance_paths(sub, path, out, open_maps)
    elif isinstance(value, list):
        for item in value:
            instance_paths(item, prefix + "[]", out, open_maps)


schema = json.load(open(SCHEMA_PATH, encoding="utf-8"))
try:
    jsonschema.Draft202012Validator.check_schema(schema)
    report(True, "docs/scenario.schema.json is a valid draft 2020-12 schema")
except jsonschema.SchemaError as e:
    report(False, "docs/scenario.schema.json is a valid draft 2020-12 schema", str(e).split("\n")[0])
    sys.exit(1)
validator = jsonschema.Draft202012Validator(schema)


def schema_errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))


# 2. Shipped scenarios and the documentation's examples.
shipped = 0
for root, _, files in os.walk(os.path.join(REPO, "scenarios")):
    for name in sorted(files):
        if not name.endswith((".yaml", ".yml")):
            continue
        path = os.path.join(root, name)
        docs = load_yaml(path)
        if not (len(docs) == 1 and isinstance(docs[0], dict) and docs[0].get("kind") == "Scenario"):
            continue  # manifests and lab fixes
        shipped += 1
        errs = schema_errors(docs[0])
        report(not errs, os.path.relpath(path, REPO) + " validates",
               "\n".join(f"{dotted(e.absolute_path) or '(top)'}: {e.message}" for e in errs))
report(shipped >= 50, f"{shipped} shipped scenarios found (expected the library of 50 or more)")

doc_text = open(os.path.join(REPO, "docs", "scenario-format.md"), encoding="utf-8").read()
examples = 0
for block in re.findall(r"```yaml\n(.*?)```", doc_text, re.S):
    doc = yaml.safe_load(block)
    if not isinstance(doc, dict) or doc.get("kind") == "Fix":
        continue
    doc = {"apiVersion": "packetwalk/v1", "kind": "Scenario", **doc}  # fragments show a few fields
    examples += 1
    errs = schema_errors(doc)
    report(not errs, f"docs/scenario-format.md example {examples} ({', '.join(list(doc)[2:5])}...) validates",
           "\n".join(f"{dotted(e.absolute_path)}: {e.message}" for e in errs))
report(examples >= 4, f"{examples} scenario examples found in docs/scenario-format.md")

# 3. Every field at once.
all_fields = os.path.join(DATA, "all-fields.yaml")
doc = load_yaml(all_fields)[0]
defined = set()
properties_of(schema, schema, "", defined)
open_maps = {p for p in defined if p.endswith(("labels", "records", "headers", "status", "services")) or p == "hosts"}
used = set()
instance_paths(doc, "", used, open_maps)
unused = sorted(p for p in defined if p not in used)
report(not unused, "all-fields.yaml uses every property of the schema", "unused: " + ", ".join(unused))
errs = schema_errors(doc)
report(not errs, "all-fields.yaml validates", "\n".join(f"{dotted(e.absolute_path)}: {e.message}" for e in errs))
status, diags, stderr = run_loader(all_fields)
load_diags = [d for d in diags if not d[1].startswith("probe ")]
report(status in (0, 1) and not load_diags, "packetwalk loads all-fields.yaml without a warning or error",
       f"exit {status}\n{stderr}")

# 4. Wrong files: both reject them, at the same field.
invalid_dir = os.path.join(DATA, "invalid")
invalid = sorted(n for n in os.listdir(invalid_dir) if n.endswith(".yaml"))
for name in invalid:
    path = os.path.join(invalid_dir, name)
    first = open(path, encoding="utf-8").readline()
    m = re.match(r"# rejected at: (\S+) \((error|warning)\)", first)
    if not m:
        report(False, f"invalid/{name} names where it is rejected", "first line: " + first.strip())
        continue
    field, severity = m.groups()
    errs = list(validator.iter_errors(load_yaml(path)[0]))
    at = set().union(*(schema_paths(e) for e in errs)) if errs else set()
    report(field in at, f"invalid/{name}: the schema rejects {field}",
           "schema errors at: " + (", ".join(sorted(at)) or "none (it validates)"))
    status, diags, stderr = run_loader(path)
    ok = (severity, field) in diags and (severity == "warning" or status == 2)
    report(ok, f"invalid/{name}: packetwalk reports {severity} at {field}", f"exit {status}\n{stderr}")
report(len(invalid) >= 15, f"{len(invalid)} invalid scenario files checked")

# 5. Closed sets: the schema's enum and packetwalk's list of supported values.
fix = os.path.join(DATA, "all-fields-fix.yaml")
closed_sets = [
    ("cluster.cni", "cluster: {cni: zz}", schema["$defs"]["cluster"]["properties"]["cni"]["enum"]),
    ("cluster.proxyMode", "cluster: {proxyMode: zz}", schema["$defs"]["cluster"]["properties"]["proxyMode"]["enum"]),
    ("probes[0].protocol", "probes: [{from: a, to: 'b:1', protocol: zz}]", schema["$defs"]["probe"]["properties"]["protocol"]["enum"]),
    ("probes[0].expect", "probes: [{from: a, to: 'b:1', expect: zz}]", schema["$defs"]["outcome"]["enum"]),
    ("probes[0].http.method", "probes: [{from: a, to: 'b:1', http: {method: zz}}]", schema["$defs"]["httpRequest"]["properties"]["method"]["enum"]),
    ("traffic[0].pattern", "traffic: [{from: a, to: 'b:1', pattern: zz}]", schema["$defs"]["traffic"]["properties"]["pattern"]["enum"]),
    ("lab.layer", f"lab: {{fix: '{fix}', layer: zz}}", schema["$defs"]["lab"]["properties"]["layer"]["enum"]),
]
# Values the loader accepts that the schema leaves out on purpose, and why (none today: `dropped`,
# once left out because no probe ended that way, is a real expectation now, docs/scenario-format.md).
DELIBERATE: dict = {}
with tempfile.TemporaryDirectory() as tmp:
    for field, body, enum in closed_sets:
        path = os.path.join(tmp, "closed-set.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"apiVersion: packetwalk/v1\nkind: Scenario\n{body}\n")
        _, _, stderr = run_loader(path)
        m = re.search(re.escape(field) + r": Unsupported value: \"zz\": supported values: (.*)", stderr)
        loader = set(re.findall(r'"([^"]*)"', m.group(1))) if m else set()
        loader -= DELIBERATE.get(field, set())
        report(m is not None and loader == set(enum), f"{field}: schema enum == packetwalk's supported values",
               f"schema {sorted(enum)}, packetwalk {sorted(loader)}\n{stderr}")
    path = os.path.join(tmp, "fault.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("apiVersion: packetwalk/v1\nkind: Scenario\nfaults: [{ignoreServices: [web]}]\n")
    _, _, stderr = run_loader(path)
    m = re.search(r"a fault needs one of (.*)", stderr)
    loader = set(s.strip() for s in m.group(1).split(",")) if m else set()
    kinds = {b["required"][0] for b in schema["$defs"]["fault"]["oneOf"]}
    report(m is not None and loader == kinds, "fault kinds: schema == packetwalk's",
           f"schema {sorted(kinds)}, packetwalk {sorted(loader)}\n{stderr}")

print(f"{failures} failed")
sys.exit(1 if failures else 0)
