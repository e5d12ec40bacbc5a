"""The runnable examples of a Markdown document: ```console blocks whose first line is
`$ packetwalk ARGS`. The lines after it are what the command prints (stdout, then stderr as the
program interleaves them on one pipe), run from the repository root. A line that is exactly `...`
stands for any number of lines, so a long trace can be shown abridged: the lines before the first
`...` must be the output's first lines, those after the last its last lines, and each run of
lines between two must appear in the output in that order.

Shared by tutorial_test.py (checks) and update_tutorial.py (refills).
"""
import re
import shlex
import subprocess

FENCE = re.compile(r"^```console[ \t]*$")


def blocks(lines):
    """(index of the `$ packetwalk` line, index of the closing fence) for each runnable block."""
    out, i = [], 0
    while i < len(lines):
        if FENCE.match(lines[i]) and i + 1 < len(lines) and lines[i + 1].startswith("$ packetwalk "):
            end = i + 2
            while end < len(lines) and lines[end] != "```":
                end += 1
            out.append((i + 1, end))
            i = end
        i += 1
    return out


def run(pw, repo, command_line):
    """Runs `$ packetwalk ARGS` with the built binary; (output lines, exit status)."""
    args = shlex.split(command_line[2:])[1:]
    p = subprocess.run([pw] + args, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    return p.stdout.rstrip("\n").split("\n"), p.returncode


def matches(shown, actual):
    """Whether the block's lines `shown` describe `actual` (see `...` above)."""
    segments = split(shown)
    if len(segments) == 1:
        return shown == actual
    head, middle, tail = segments[0], segments[1:-1], segments[-1]
    if len(actual) < len(head) + len(tail) or actual[:len(head)] != head:
        return False
    if tail and actual[len(actual) - len(tail):] != tail:
        return False
    at, stop = len(head), len(actual) - len(tail)
    for seg in middle:  # leftmost match of each in turn
        while at + len(seg) <= stop and actual[at:at + len(seg)] != seg:
            at += 1
        if at + len(seg) > stop:
            return False
        at += len(seg)
    return True


def split(shown):
    segments, current = [], []
    for line in shown:
        if line == "...":
            segments.append(current)
            current = []
        else:
            current.append(line)
    return segments + [current]


def refill(shown, actual):
    """New block lines: unchanged while they still describe the output; else all of `actual`, or
    as many first and last lines as the block had around its ellipses (re-abridge by hand)."""
    if matches(shown, actual):
        return shown
    segments = split(shown)
    if len(segments) == 1:
        return actual
    head, tail = len(segments[0]), len(segments[-1])
    if head + tail >= len(actual):
        return actual
    return actual[:head] + ["..."] + (actual[len(actual) - tail:] if tail else [])
