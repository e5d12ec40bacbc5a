#!/usr/bin/env python3
"""docs/tutorial.md shows real output: every ```console block starting `$ packetwalk ...` must be
what that command prints now (console_blocks.py says how blocks are read). Refill them with
tests/docs/update_tutorial.py after a deliberate change.

Usage: tutorial_test.py PACKETWALK REPO [DOC]
"""
import difflib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_blocks  # noqa: E402

pw, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
doc = sys.argv[3] if len(sys.argv) > 3 else os.path.join(repo, "docs", "tutorial.md")
lines = open(doc, encoding="utf-8").read().split("\n")
fails = 0
found = console_blocks.blocks(lines)
for start, end in found:
    command = lines[start]
    shown = lines[start + 1:end]
    actual, status = console_blocks.run(pw, repo, command)
    problems = []
    if status not in (0, 1):
        problems.append(f"exit status {status} (2: bad input, 3: internal error): the example is broken")
    if not console_blocks.matches(shown, actual):
        diff = difflib.unified_diff(shown, actual, "tutorial", "program", lineterm="", n=2)
        problems.append("\n".join(list(diff)[:60]))
    print(("FAIL " if problems else "ok   ") + f"{os.path.basename(doc)}:{start + 1}: {command}")
    for p in problems:
        print("     " + p.replace("\n", "\n     "))
    fails += bool(problems)
print(f"{len(found)} commands checked, {fails} differ")
sys.exit(0 if found and not fails else 1)
