#!/usr/bin/env python3
"""Same inputs, same bytes: every shipped scenario, run twice and with its manifest files in another
order, must print exactly the same results (docs/limits.md, "Determinism").

Usage: determinism_test.py PACKETWALK SOURCE_DIR

For each scenario under scenarios/ the test writes two copies into scratch trees that mirror the
source tree (so relative manifest paths still resolve): one with the scenario's `manifests:` list as
written, one with that list reversed and rotated. Both copies go through the same YAML round trip,
so the only difference between them is the order in which the files and inline manifests are
applied. `packetwalk run -o json` must then give identical stdout for: the original copy, the same
copy a second time, and the reordered copy. `packetwalk reach -f` is checked the same way on the
manifest folders, with its -f arguments reversed. The user's scenario files are only read.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

PW, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []
checked = 0
reordered_count = 0  # scenarios whose manifests really moved


def run(cwd, args):
    proc = subprocess.run([PW, *args], cwd=cwd, capture_output=True, timeout=300)
    return proc.returncode, proc.stdout


def reorder(entries):
    """Reversed, then rotated by one: no file keeps its place when there are three or more."""
    out = list(reversed(entries))
    return out[1:] + out[:1] if len(out) > 2 else out


def scenario_files():
    for root, dirs, files in os.walk(os.path.join(SRC, "scenarios")):
        dirs.sort()
        if os.path.basename(root) == "manifests":
            continue
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                yield os.path.relpath(os.path.join(root, name), SRC)


def rewrite(tree, rel, doc):
    with open(os.path.join(tree, rel), "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)


with tempfile.TemporaryDirectory(prefix="pw-determinism-") as tmp:
    as_written, reordered = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    for tree in (as_written, reordered):
        shutil.copytree(os.path.join(SRC, "scenarios"), os.path.join(tree, "scenarios"))

    for rel in scenario_files():
        with open(os.path.join(SRC, rel), encoding="utf-8") as f:
            docs = list(yaml.safe_load_all(f))
        doc = docs[0] if len(docs) == 1 else None
        if not isinstance(doc, dict) or doc.get("kind") != "Scenario":
            continue  # a manifest kept beside the scenarios, or a lab's fix (kind: Fix)
        manifests = doc.get("manifests")
        rewrite(as_written, rel, doc)
        if isinstance(manifests, list) and len(manifests) > 1:
            doc = dict(doc, manifests=reorder(manifests))
            reordered_count += 1
        rewrite(reordered, rel, doc)

        args = ["run", rel, "-o", "json"]
        rc1, first = run(as_written, args)
        rc2, second = run(as_written, args)
        rc3, third = run(reordered, args)
        checked += 1
        if not first.strip():
            failures.append(f"{rel}: `packetwalk run -o json` printed nothing (exit {rc1})")
        if (rc1, first) != (rc2, second):
            failures.append(f"{rel}: a second run printed different bytes")
        if (rc1, first) != (rc3, third):
            failures.append(f"{rel}: reordering its manifests changed the output "
                            f"(exit {rc1} vs {rc3}; diff the outputs of `run -o json` on both orders)")

    # -f: the same files named in another order. A folder is read in name order, so name its
    # files one by one to give packetwalk a different order.
    for root, dirs, files in os.walk(os.path.join(SRC, "scenarios")):
        dirs.sort()
        if os.path.basename(root) != "manifests":
            continue
        names = sorted(os.path.relpath(os.path.join(root, n), SRC) for n in files if n.endswith(".yaml"))
        if len(names) < 2:
            continue
        flags = lambda order: [a for n in order for a in ("-f", n)]
        rc1, first = run(SRC, ["reach", *flags(names), "-o", "json"])
        rc2, second = run(SRC, ["reach", *flags(reorder(names)), "-o", "json"])
        checked += 1
        if rc1 not in (0, 1) or not first.strip():
            failures.append(f"{os.path.relpath(root, SRC)}: reach failed (exit {rc1})")
        elif (rc1, first) != (rc2, second):
            failures.append(f"{os.path.relpath(root, SRC)}: reach -f in another file order printed different bytes")

for f in failures:
    print("FAIL:", f)
print(f"{checked} inputs checked ({reordered_count} scenarios with their manifests reordered), "
      f"{len(failures)} not deterministic")
# Guards against a test that silently checks nothing (a moved folder, a renamed key).
sys.exit(1 if failures or checked < 50 or reordered_count < 10 else 0)
