#!/usr/bin/env python3
"""Refill the help blocks of docs/commands.md from the program (the reverse of commands_doc_test.sh).

Usage: update_commands_doc.py PACKETWALK docs/commands.md
Each fenced block after a `<!-- help: packetwalk ARGS -->` marker is replaced by what
`packetwalk ARGS` prints; the rest of the document is left as written.
"""
import re
import subprocess
import sys

pw, doc = sys.argv[1], sys.argv[2]
lines = open(doc, encoding="utf-8").read().split("\n")
out, i = [], 0
while i < len(lines):
    line = lines[i]
    out.append(line)
    m = re.match(r"^<!-- help: packetwalk (.*) -->$", line)
    i += 1
    if not m:
        continue
    while i < len(lines) and not lines[i].startswith("```"):
        out.append(lines[i])
        i += 1
    out.append(lines[i])  # opening fence
    i += 1
    while i < len(lines) and lines[i] != "```":
        i += 1
    text = subprocess.run([pw] + m.group(1).split(), capture_output=True, text=True)
    out.extend((text.stdout + text.stderr).rstrip("\n").split("\n"))
    out.append("```")
    i += 1
open(doc, "w", encoding="utf-8").write("\n".join(out))
