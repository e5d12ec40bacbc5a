#!/usr/bin/env python3
"""Every relative link and image in README.md and docs/*.md names a file of the repository.

docs/gui.md once showed two screenshots that had never been committed; a reader saw broken
images and nothing failed. usage: links_test.py SOURCE_DIR"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1]).resolve()
# [text](target) and ![alt](target); the target ends at a space (a title) or ')'.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~)")

failures = []
checked = 0
for doc in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]:
    in_code = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line.strip()):
            in_code = not in_code
            continue
        if in_code:
            continue
        # inline code spans are examples, not links
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # a URL (https:, mailto:) or an anchor in the same page
            path = (doc.parent / target.split("#", 1)[0]).resolve()
            checked += 1
            if not path.exists():
                failures.append(f"{doc.relative_to(root)}:{number}: {target}: no such file")
            elif root not in path.parents and path != root:
                failures.append(f"{doc.relative_to(root)}:{number}: {target}: outside the repository")

for f in failures:
    print("FAIL:", f)
print(f"{checked} relative links checked, {len(failures)} broken")
sys.exit(1 if failures or checked == 0 else 0)
