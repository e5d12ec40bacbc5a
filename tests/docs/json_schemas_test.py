#!/usr/bin/env python3
"""docs/schemas/*.schema.json and the JSON documents packetwalk writes must agree.

Usage: json_schemas_test.py PACKETWALK REPO

Checks, each printed as ok/FAIL:
  1. every schema is a valid draft 2020-12 schema with a $id naming its file, a title that is the
     document's "schema" value, a description on every property, a `required` list on every object
     definition, and is closed (additionalProperties false); docs/json-output.md links it and
     names the document;
  2. the real program's output validates, for every JSON-writing command: `run` over every
     scenario shipped under scenarios/, `trace` over each one's first probe and every HTTP probe
     (an http document), `reach` over every policy scenario, `diagnose` over every lab, and
     `dns`, `diff`, `lint`, `routes --request`, `trace` on -f manifests (the seed's among them)
     with options that reach the documents' rarer members; each document's first key is "schema" and no key
     repeats;
  3. the schemas are not vacuous: real documents with one thing broken (a misspelled key, a wrong
     type, a value outside a closed set, a missing member, a member that contradicts another) are
     rejected.
"""
import glob
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile

import jsonschema
import yaml

PW, REPO = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SCHEMAS = os.path.join(REPO, "docs", "schemas")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
failures = 0


def report(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what + ("" if ok or not detail else "\n     " + detail.replace("\n", "\n     ")))
    if not ok:
        failures += 1


# --- 1. the schemas themselves ---------------------------------------------------------------

schemas = {}
for path in sorted(glob.glob(os.path.join(SCHEMAS, "*.schema.json"))):
    with open(path, encoding="utf-8") as f:
        schemas[os.path.basename(path).removesuffix(".schema.json")] = json.load(f)
report(len(schemas) >= 9, f"docs/schemas holds the schemas ({', '.join(schemas)})")

try:  # jsonschema >= 4.18 resolves $refs through `referencing`; Debian 12's 4.10 has RefResolver
    from referencing import Registry, Resource

    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())

    def validator(name):
        return jsonschema.Draft202012Validator(schemas[name], registry=registry)
except ImportError:
    store = {s["$id"]: s for s in schemas.values()}

    def validator(name):
        resolver = jsonschema.RefResolver(schemas[name]["$id"], schemas[name], store=store)
        return jsonschema.Draft202012Validator(schemas[name], resolver=resolver)


def definitions(name, schema):
    """(where, subschema) for every object definition: the root, each $def, each property's
    schema and each array's items, recursively; not the partial schemas inside if/then/else."""
    out = []

    def walk(where, s):
        if not isinstance(s, dict):
            return
        out.append((where, s))
        for key, sub in s.get("properties", {}).items():
            walk(f"{where}.{key}", sub)
        if isinstance(s.get("items"), dict):
            walk(where + "[]", s["items"])
        for i, alt in enumerate(s.get("anyOf", [])):
            walk(f"{where}|{i}", alt)

    walk(name, schema)
    for key, sub in schema.get("$defs", {}).items():
        walk(f"{name}#{key}", sub)
    return out


with open(os.path.join(REPO, "docs", "json-output.md"), encoding="utf-8") as f:
    prose = f.read()
for name, schema in schemas.items():
    problems = []
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        problems.append(f"not a valid schema: {e.message}")
    if schema.get("$schema") != DRAFT:
        problems.append(f"$schema is not {DRAFT}")
    if not schema.get("$id", "").endswith(f"/{name}.schema.json"):
        problems.append(f"$id {schema.get('$id')!r} does not name the file")
    root = schema  # the document's own members, or those of the definition it is (dns: lookup)
    if "properties" not in root and schema.get("$ref", "").startswith("#/$defs/"):
        root = schema["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    const = root.get("properties", {}).get("schema", {}).get("const")
    if not const or schema.get("title") != const:
        problems.append(f"title {schema.get('title')!r} is not the document's schema value {const!r}")
    for where, s in definitions(name, schema):
        for key, prop in s.get("properties", {}).items():
            if "description" not in prop:
                problems.append(f"{where}.{key}: no description")
        if "properties" in s and "$ref" not in s and "required" not in s:
            problems.append(f"{where}: no required list")
        # Closed, unless it adds to a $ref'd definition (which is closed itself and lists the
        # members: jsonschema's unevaluatedProperties would validate every member twice).
        if s.get("type") == "object" and "properties" in s and "$ref" not in s and s.get("additionalProperties") is not False:
            problems.append(f"{where}: open (additionalProperties is not false)")
    if f"schemas/{name}.schema.json" not in prose:
        problems.append("docs/json-output.md does not link it")
    if const and f"`{const}`" not in prose:
        problems.append(f"docs/json-output.md does not document `{const}`")
    report(not problems, f"{name}.schema.json: valid, self-described, closed, linked", "\n".join(problems))

# The layers a lab may name (docs/scenario.schema.json) are layers diagnose reports.
with open(os.path.join(REPO, "docs", "scenario.schema.json"), encoding="utf-8") as f:
    lab_layers = set(json.load(f)["$defs"]["lab"]["properties"]["layer"]["enum"])
diagnose_layers = set(schemas["diagnose"]["$defs"]["layer"]["enum"])
report(lab_layers <= diagnose_layers, "diagnose's layers include every lab.layer of the scenario schema",
       f"missing: {sorted(lab_layers - diagnose_layers)}")


# --- 2. the program's documents --------------------------------------------------------------

def scenario_files():
    out = []
    for path in sorted(glob.glob(os.path.join(REPO, "scenarios", "**", "*.yaml"), recursive=True)):
        try:
            with open(path, encoding="utf-8") as f:
                docs = list(yaml.safe_load_all(f))
        except yaml.YAMLError:
            continue
        if len(docs) == 1 and isinstance(docs[0], dict) and docs[0].get("kind") == "Scenario":
            out.append((os.path.relpath(path, REPO), docs[0]))
    return out


SCENARIOS = scenario_files()
report(len(SCENARIOS) >= 80, f"{len(SCENARIOS)} shipped scenarios found")


def trace_args(path, probe):
    """`packetwalk trace` for one scenario probe; None for probes trace cannot express."""
    if "size" in probe or "container" in probe:
        return None
    args = ["trace", "--scenario", path, "--from", probe["from"], "--to", str(probe["to"])]
    if probe.get("protocol"):
        args += ["-p", probe["protocol"].lower()]
    http = probe.get("http") or {}
    for key in ("method", "host", "path"):
        if key in http:
            args += [f"--{key}", str(http[key])]
    for k, v in (http.get("headers") or {}).items():
        args += ["--header", f"{k}:{v}"]
    return args + ["-o", "json"]


def is_http(probe):
    return str(probe["to"]).startswith(("http://", "https://")) or bool(probe.get("http"))


# (schema, arguments, exit statuses that are fine)
RUNS = []
for path, doc in SCENARIOS:
    RUNS.append(("run", ["run", path, "-o", "json"], {0, 1}))
    # `run` already holds every probe's trace report; `trace` gets each scenario's first probe and
    # every HTTP probe (whose document is another one).
    traced = [p for i, p in enumerate(doc.get("probes") or []) if i == 0 or is_http(p)]
    for probe in traced:
        args = trace_args(path, probe)
        if args:
            RUNS.append(("http" if is_http(probe) else "trace", args, {0}))
    if path.startswith("scenarios/labs/") and doc.get("lab", {}).get("breaks"):
        first = doc["lab"]["breaks"][0]
        probe = next(p for p in doc["probes"] if p["name"] == first)
        RUNS.append(("diagnose", ["diagnose", "--scenario", path, "--from", probe["from"], "--to", str(probe["to"]),
                                  "-o", "json"], {1}))
    if path.startswith("scenarios/policy/"):
        RUNS.append(("reach", ["reach", "--scenario", path, "-o", "json"], {0}))

SEED = "scenarios/seed/manifests/pods-two-nodes.yaml"
SVC = "scenarios/services/manifests/api-server.yaml"
DNS2 = "scenarios/dns/manifests/two-namespaces.yaml"
POLICY = "scenarios/policy/manifests/api-server-policy.yaml"
D = "tests/data/diff/"
RUNS += [
    # -f manifests: the seed's two nodes, Services under each proxy mode, names, UDP, NodePort.
    ("trace", ["trace", "-f", SEED, "--from", "client", "--to", "server-remote:8080", "-o", "json"], {0}),
    ("trace", ["trace", "-f", SEED, "--from", "client", "--to", "server-remote:9999", "-o", "json"], {0}),
    ("trace", ["trace", "-f", SVC, "--from", "pod-a", "--to", "svc/default/api-server:80", "-o", "json"], {0}),
    ("trace", ["trace", "-f", SVC, "--proxy-mode", "ipvs", "--from", "pod-a", "--to", "api-server:80", "-o", "json"], {0}),
    ("trace", ["trace", "-f", SVC, "--proxy-mode", "nftables", "--from", "pod-a", "--to", "api-server:80", "-o", "json"], {0}),
    ("trace", ["trace", "-f", SVC, "--cni", "calico", "--from", "pod-a", "--to", "api-servr.default.svc.cluster.local:80",
               "-o", "json"], {0}),
    ("trace", ["trace", "-f", SVC, "--from", "pod-a", "--to", "10.96.0.10:53", "-p", "udp", "-o", "json"], {0}),
    ("http", ["trace", "-f", "scenarios/ingress/manifests/", "--from", "external/client", "--to",
              "http://nope.example.com/x", "-o", "json"], {0}),
    ("http", ["trace", "-f", "scenarios/ingress/manifests/", "--from", "external/client", "--to",
              "http://web.example.com/", "--method", "POST", "--header", "X-Canary:always", "-o", "json"], {0}),
    ("dns", ["dns", "-f", SVC, "--from", "pod-a", "api-server", "-o", "json"], {0}),
    ("dns", ["dns", "-f", SVC, "--from", "pod-a", "api-server.default.svc.cluster.local.", "--type", "A,AAAA", "-o", "json"], {0}),
    ("dns", ["dns", "-f", SVC, "--from", "pod-a", "nothing-here", "-o", "json"], {0}),
    ("dns", ["dns", "-f", DNS2, "--from", "default/client", "_http._tcp.api.default.svc.cluster.local", "--type", "SRV",
             "-o", "json"], {0}),
    ("dns", ["dns", "-f", SVC, "--from", "pod-a", "10.0.96.10.in-addr.arpa.", "--type", "PTR", "-o", "json"], {0}),
    ("dns", ["dns", "--scenario", "scenarios/dns/external-name.yaml", "--from", "default/client", "db", "-o", "json"], {0}),
    ("dns", ["dns", "--scenario", "scenarios/dns/coredns-scaled-to-zero.yaml", "--from", "default/pod-a", "api", "-o", "json"], {0}),
    ("reach", ["reach", "-f", SEED, "-o", "json"], {0}),
    ("reach", ["reach", "-f", POLICY, "--cni", "calico", "-A", "--port", "53/UDP", "--port", "80", "-o", "json"], {0}),
    ("reach", ["reach", "-f", POLICY, "--cni", "calico", "-A", "--services", "-o", "json"], {0}),
    ("reach", ["reach", "-f", "tests/data/policy/service-backends.yaml", "--cni", "calico", "--services", "-o", "json"], {0}),
    ("diff", ["diff", D + "shop.yaml", D + "shop-db-policy.yaml", "--cni", "calico", "-o", "json"], {1}),
    ("diff", ["diff", D + "shop.yaml", D + "shop-db-policy.yaml", "-o", "json"], {0}),
    ("diff", ["diff", D + "shop-api-policy.yaml", D + "shop-api-target-metrics.yaml", "--cni", "calico", "--services",
              "-o", "json"], {1}),
    ("diff", ["diff", D + "shop-deploy.yaml", D + "shop-deploy-db-access.yaml", "--cni", "calico", "--services", "-o", "json"], {0, 1}),
    ("diff", ["diff", D + "shop.yaml", D + "shop-without-db.yaml", "--cni", "calico", "--services", "-o", "json"], {1}),
    ("diff", ["diff", "scenarios/policy/api-server-policy.yaml", "--against-cni", "flannel", "-o", "json"], {1}),
    # cni: cilium (its scenarios' traces, bpf and policy-denied hops, are checked above).
    ("diff", ["diff", "scenarios/policy/same-policies-calico.yaml", "--against-cni", "cilium", "-o", "json"], {1}),
    ("lint", ["lint", "-f", POLICY, "--cni", "calico", "-o", "json"], {1}),
    ("lint", ["lint", "-f", SEED, "-o", "json"], {0}),
    ("lint", ["lint", "--scenario", "scenarios/labs/selector-typo.yaml", "-o", "json"], {1}),
    ("routes", ["routes", "--scenario", "scenarios/ingress/seed-api-ingress.yaml", "--request",
                "http://api.example.com/v1/users", "-o", "json"], {0}),
    ("routes", ["routes", "--scenario", "scenarios/ingress/seed-api-ingress.yaml", "--request",
                "http://api.example.com/v1beta", "-o", "json"], {0}),
    ("routes", ["routes", "--scenario", "scenarios/ingress/canary.yaml", "--request", "http://web.example.com/", "-o", "json"], {0}),
    ("routes", ["routes", "--scenario", "scenarios/ingress/gateway-httproute.yaml", "--request",
                "http://api.example.com/v1/x", "--header", "X-Env:canary", "-o", "json"], {0}),
    ("routes", ["routes", "-f", "scenarios/ingress/manifests/hosts-and-paths.yaml", "--request", "http://foo.example.com/foo/bar",
                "-o", "json"], {0}),
    ("requests", ["run", "scenarios/ingress/saturated-uplink.yaml", "--requests-json", "{file}"], {0}),
    ("requests", ["run", "scenarios/ingress/canary.yaml", "--requests-json", "{file}"], {0}),
    ("diagnose", ["diagnose", "-f", SEED, "--from", "client", "--to", "server-remote:8080", "-o", "json"], {0}),
    ("diagnose", ["diagnose", "-f", SVC, "--from", "pod-a", "--to", "api-server:80", "-o", "json"], {0}),
]


def first_key_and_no_repeats(text):
    """Parses `text`, failing on a repeated key; returns (document, first key of the root)."""
    def pairs(items):
        keys = [k for k, _ in items]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"key {sorted(dup)[0]!r} appears twice in one object")
        return dict(items)

    doc = json.loads(text, object_pairs_hook=pairs)
    with_order = json.loads(text, object_pairs_hook=lambda items: items)
    return doc, (with_order[0][0] if with_order else None)


def check_one(run):
    """Runs one command and validates its output; returns (problems, stdout). In a worker
    process: validating a document of thousands of hops is the test's main cost."""
    name, args, statuses = run
    env = dict(os.environ, NO_COLOR="1")
    with tempfile.TemporaryDirectory() as tmp:  # "{file}": a document written to a file, not stdout
        file = os.path.join(tmp, "out.json")
        p = subprocess.run([PW] + [a.replace("{file}", file) for a in args], cwd=REPO, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        out, err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")
        if "{file}" in args:
            with open(file, encoding="utf-8") if os.path.exists(file) else open(os.devnull) as f:
                out = f.read()
    problems = []
    if p.returncode not in statuses:
        problems.append(f"exit status {p.returncode}, expected {sorted(statuses)}\n{err[-600:]}")
    try:
        doc, first = first_key_and_no_repeats(out)
    except ValueError as e:
        return problems + [f"not one JSON document: {e}\n{out[:300]}{err[-300:]}"], out
    if first != "schema":
        problems.append(f"first key is {first!r}, not \"schema\"")
    if name not in schemas:
        return problems + [f"no schema {name}.schema.json"], out
    errors = sorted(validator(name).iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:5]:
        problems.append(f"at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}")
    if len(errors) > 5:
        problems.append(f"... and {len(errors) - 5} more")
    return problems, out


with multiprocessing.Pool(2) as pool:
    results = pool.map(check_one, RUNS, chunksize=1)
texts = {}  # schema -> [stdout of each valid document], for part 3
counts = {}
for (name, args, _), (problems, out) in zip(RUNS, results):
    count = counts.setdefault(name, [0, 0])
    count[0] += 1
    if problems:
        count[1] += 1
        report(False, "packetwalk " + " ".join(args), "\n".join(problems))
    else:
        texts.setdefault(name, []).append(out)
for name in schemas:
    total, bad = counts.get(name, [0, 0])
    report(total > 0 and bad == 0, f"{name}: {total - bad} of {total} documents from the program validate")


# --- 3. the schemas reject broken documents --------------------------------------------------

def find(name, pred):
    """A fresh copy of the first valid document of `name` for which pred(doc) holds."""
    return next((d for d in (json.loads(t) for t in texts.get(name, [])) if pred(d)), None)


def first_hop(d, action):
    return next(h for h in d["hops"] if h["action"] == action)


def rename(obj, old, new):
    obj[new] = obj.pop(old)


def has_action(action):
    return lambda d: any(h["action"] == action for h in d["hops"])


BROKEN = [
    # (schema, which sample, what is broken, how)
    ("trace", has_action("dnat"), "a misspelled top-level key (verdikt)", lambda d: rename(d, "verdict", "verdikt")),
    ("trace", has_action("dnat"), "a misspelled hop key (net_ns)", lambda d: rename(d["hops"][0], "netns", "net_ns")),
    ("trace", has_action("dnat"), "time_ns as a string", lambda d: d["hops"][0].update(time_ns="0")),
    ("trace", has_action("dnat"), "an action outside the set", lambda d: d["hops"][0].update(action="forward")),
    ("trace", has_action("dnat"), "a verdict outside the set", lambda d: d.update(verdict="dropped")),
    ("trace", has_action("dnat"), "a dnat hop without `before`", lambda d: first_hop(d, "dnat").pop("before")),
    ("trace", has_action("netfilter"), "a netfilter hop without its rules", lambda d: first_hop(d, "netfilter").pop("rules")),
    ("trace", has_action("send"), "a TCP packet without flags", lambda d: first_hop(d, "send")["packet"].pop("flags")),
    ("trace", has_action("send"), "a packet with an ICMP kind and ports",
     lambda d: first_hop(d, "send")["packet"].update(icmp="port unreachable")),
    ("trace", has_action("encapsulate"), "a VXLAN carrier without its inner packet",
     lambda d: first_hop(d, "encapsulate")["packet"].pop("inner")),
    ("trace", has_action("dnat"), "another schema version", lambda d: d.update(schema="packetwalk/trace/v2")),
    ("trace", lambda d: "dns" in d, "a dns member with a schema key", lambda d: d["dns"].update(schema="packetwalk/dns/v1")),
    ("run", lambda d: d["probes"], "a probe with a misspelled key (expectd)", lambda d: rename(d["probes"][0], "expected", "expectd")),
    ("run", lambda d: d["probes"], "a probe's passed as a string", lambda d: d["probes"][0].update(passed="true")),
    ("run", lambda d: any(p.get("passed") for p in d["probes"]), "a passed probe with failures",
     lambda d: next(p for p in d["probes"] if p.get("passed")).update(failures=["it failed"])),
    ("run", lambda d: d["probes"], "a probe without its hops", lambda d: d["probes"][0].pop("hops")),
    ("dns", lambda d: d["queries"], "a query status outside the set", lambda d: d["queries"][0].update(status="ok")),
    ("dns", lambda d: d["status"] == "success", "a misspelled key (adresses)", lambda d: rename(d, "addresses", "adresses")),
    ("dns", lambda d: d["status"] == "success", "success without answered_name", lambda d: d.pop("answered_name")),
    ("dns", lambda d: d["queries"], "a record type outside the set", lambda d: d["queries"][0].update(type="a")),
    ("reach", lambda d: d["results"], "a port in lower case", lambda d: d["results"][0].update(port="80/tcp")),
    ("reach", lambda d: d["results"], "allowed as a string", lambda d: d["results"][0].update(allowed="yes")),
    ("reach", lambda d: d["results"], "a cell without reason", lambda d: d["results"][0].pop("reason")),
    ("reach", lambda d: d.get("services"), "a Service verdict without backendsAllowed",
     lambda d: d["services"][0].pop("backendsAllowed")),
    ("reach", lambda d: d.get("services"), "services without skippedServices", lambda d: d.pop("skippedServices")),
    ("reach", lambda d: any(v["detail"] for v in d.get("services", [])), "a backend detail without targetPort",
     lambda d: next(v for v in d["services"] if v["detail"])["detail"][0].pop("targetPort")),
    ("diff", lambda d: d["changes"], "an opened change that was allowed before",
     lambda d: d["changes"][0].update(change="closed" if d["changes"][0]["change"] == "opened" else "opened")),
    ("diff", lambda d: not d["services"]["compared"], "services added without --services",
     lambda d: d["services"]["added"].append("shop/x")),
    ("diff", lambda d: d["changes"], "a misspelled side key (target_port)", lambda d: rename(d["changes"][0]["old"], "targetPort", "target_port")),
    ("diff", lambda d: True, "a CNI outside the set", lambda d: d["old"].update(cni="weave")),
    ("lint", lambda d: d["findings"], "a kind outside the set", lambda d: d["findings"][0].update(kind="unknown")),
    ("lint", lambda d: d["findings"], "line as a string", lambda d: d["findings"][0].update(line="15")),
    ("routes", lambda d: d["matched"], "rule as a string", lambda d: d.update(rule="0")),
    ("routes", lambda d: d["matched"], "matched with a null route", lambda d: d.update(route=None)),
    ("routes", lambda d: True, "a misspelled key (lost_to)", lambda d: rename(d, "lost", "lost_to")),
    ("http", lambda d: d["routers"], "a router with an extra key", lambda d: d["routers"][0].update(upstream="x")),
    ("http", lambda d: True, "a trace of another schema", lambda d: d["trace"].update(schema="packetwalk/run/v1")),
    ("http", lambda d: True, "a broken hop inside the trace", lambda d: d["trace"]["hops"][0].update(leg=-1)),
    ("requests", lambda d: d["requests"], "a record's dropped as a count", lambda d: d["requests"][0].update(dropped=0)),
    ("requests", lambda d: d["flows"], "a misspelled flow key (retransmit)", lambda d: rename(d["flows"][0], "retransmits", "retransmit")),
    ("diagnose", lambda d: d["healthy"], "healthy with a failed layer", lambda d: d.update(failed_layer="cni")),
    ("diagnose", lambda d: True, "a step status outside the set", lambda d: d["steps"][0].update(status="passed")),
    ("diagnose", lambda d: True, "a layer outside the set", lambda d: d["steps"][0].update(layer="network")),
]
for name, pred, what, breaking in BROKEN:
    doc = find(name, pred)
    if doc is None:
        report(False, f"{name}: rejects {what}", "no sample document to break")
        continue
    breaking(doc)
    report(not validator(name).is_valid(doc), f"{name}: rejects {what}")
for name in schemas:  # every closed document refuses a stray member and needs its schema key
    doc = find(name, lambda d: True)
    if doc is None:
        continue
    stray, keyless = dict(doc, stray=1), {k: v for k, v in doc.items() if k != "schema"}
    report(not validator(name).is_valid(stray) and not validator(name).is_valid(keyless),
           f"{name}: rejects an unknown top-level key and a missing \"schema\"")

print(f"{failures} failed")
sys.exit(1 if failures else 0)
