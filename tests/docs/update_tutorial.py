#!/usr/bin/env python3
"""Refill docs/tutorial.md's command output from the program (the reverse of tutorial_test.py).

Usage: update_tutorial.py PACKETWALK REPO [DOC]
Each ```console block starting `$ packetwalk ...` gets what the command prints now; an abridged
block (a `...` line) keeps as many first and last lines as it had. Prose is left as written:
read the diff, since the text around an example may need to change with it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_blocks  # noqa: E402

pw, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
doc = sys.argv[3] if len(sys.argv) > 3 else os.path.join(repo, "docs", "tutorial.md")
lines = open(doc, encoding="utf-8").read().split("\n")
out, last = [], 0
for start, end in console_blocks.blocks(lines):
    actual, status = console_blocks.run(pw, repo, lines[start])
    if status not in (0, 1):
        print(f"{os.path.basename(doc)}:{start + 1}: exit status {status}: {lines[start]}", file=sys.stderr)
    out += lines[last:start + 1] + console_blocks.refill(lines[start + 1:end], actual)
    last = end
out += lines[last:]
open(doc, "w", encoding="utf-8").write("\n".join(out))
