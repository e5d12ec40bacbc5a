#!/usr/bin/env python3
"""The progress bar of `packetwalk reach`, `test`, `diff` and `verify` (ui/cli/progress.h), on
real pseudo-terminals.

Usage: progress_test.py PACKETWALK REPO

stdout and stderr each get their own pty (raw mode, so the bytes arrive as written), so the test
sees exactly what a person's terminal would, and can compare stdout with a redirected run's.
PACKETWALK_PROGRESS_AFTER_MS stands in for a workload slow enough to pass the 1 s delay.
`verify` builds the cluster in network namespaces: its bar is checked where that works (root,
netns; otherwise verify exits 4 and only its acceptance of --no-progress is checked).
"""
import json
import os
import re
import pty
import select
import subprocess
import sys
import tty

PW, REPO = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = 0


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else "\n     " + detail))
    if not ok:
        failures += 1


def run(args, out_tty, err_tty, delay_ms=None):
    """Runs packetwalk with stdout/stderr on a pty or a pipe; returns (stdout, stderr, status)."""
    env = dict(os.environ)
    env.pop("PACKETWALK_PROGRESS_AFTER_MS", None)
    env["NO_COLOR"] = "1"  # colour on a terminal would change stdout for a reason unrelated to the bar
    if delay_ms is not None:
        env["PACKETWALK_PROGRESS_AFTER_MS"] = str(delay_ms)
    masters, slaves = {}, {}
    for name, want in (("out", out_tty), ("err", err_tty)):
        if want:
            m, s = pty.openpty()
            tty.setraw(s)  # no \n -> \r\n translation: compare bytes as written
            masters[name], slaves[name] = m, s
    p = subprocess.Popen([PW] + args, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                         stdout=slaves.get("out", subprocess.PIPE), stderr=slaves.get("err", subprocess.PIPE))
    for s in slaves.values():
        os.close(s)
    data = {"out": b"", "err": b""}
    streams = {masters[n]: n for n in masters}
    if p.stdout:
        streams[p.stdout.fileno()] = "out"
    if p.stderr:
        streams[p.stderr.fileno()] = "err"
    while streams:
        ready, _, _ = select.select(list(streams), [], [], 30)
        if not ready:
            p.kill()
            raise RuntimeError("packetwalk " + " ".join(args) + ": no output for 30 s")
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the pty's other side is closed
                chunk = b""
            if chunk:
                data[streams[fd]] += chunk
            else:
                del streams[fd]
    status = p.wait()
    for m in masters.values():
        os.close(m)
    return data["out"], data["err"], status


BAR = b"\r\x1b[K"  # each drawing starts by returning to the line's start and erasing it

reach = ["reach", "--scenario", "scenarios/policy/api-server-policy.yaml"]
suite = ["test", "scenarios/services", "-j", "2"]
diff_versions = ["tests/data/diff/shop.yaml", "tests/data/diff/shop-db-policy.yaml", "--cni", "calico"]
diff = ["diff"] + diff_versions + ["--services"]
# One prefix for every verify run: it is in verify's first line, which must read the same each time.
verify = ["verify", "-q", "--prefix", f"pwpb{os.getpid() % 100000}", "scenarios/verify/clusterip-no-endpoints.yaml"]
# Work that ends well within the real 1 s delay, even in the sanitizer build (several times slower).
# verify takes longer than that (it builds namespaces): it has no such check.
quick = {"reach": reach, "test": ["test", "scenarios/seed/pod-to-pod-same-node.yaml"], "diff": diff}

commands = [("reach", reach), ("test", suite), ("diff", diff)]
_, verify_err, verify_status = run(verify + ["--no-progress"], False, False)
check(verify_status != 2, "verify: accepts --no-progress", verify_err.decode(errors="replace")[-300:])
if verify_status == 4:  # not root, or no network namespaces here: verify says why
    print("skip verify: it cannot run here: " + verify_err.decode(errors="replace").strip()[-200:])
else:
    commands.append(("verify", verify))

for label, args in commands:
    plain_out, plain_err, plain_status = run(args, False, False)

    out, err, status = run(args, True, True, delay_ms=0)
    check(f"{label}  [".encode() in err and b"/" in err,
          f"{label}: a bar on a terminal once the delay has passed", repr(err[-300:]))
    check(err.endswith(BAR), f"{label}: the bar is erased before the command ends", repr(err[-80:]))
    check(out == plain_out and status == plain_status,
          f"{label}: stdout on a terminal with the bar is byte for byte the redirected stdout",
          f"status {status} vs {plain_status}\n{out[:300]!r}\n{plain_out[:300]!r}")
    check(BAR not in out, f"{label}: nothing of the bar on stdout", repr(out[:200]))

    if label in quick:
        _, err, _ = run(quick[label], True, True)  # the real delay
        check(label.encode() + b"  [" not in err, f"{label}: no bar for work that ends within 1 s", repr(err[-200:]))

    _, err, _ = run(args + ["--no-progress"], True, True, delay_ms=0)
    check(BAR not in err, f"{label}: --no-progress shows none", repr(err[-200:]))

    out, err, _ = run(args, False, True, delay_ms=0)
    check(BAR not in err and out == plain_out, f"{label}: stdout redirected: no bar", repr(err[-200:]))

    out, err, _ = run(args, True, False, delay_ms=0)
    check(BAR not in err and out == plain_out, f"{label}: stderr redirected: no bar", repr(err[-200:]))

    check(BAR not in plain_err, f"{label}: both redirected: no bar", repr(plain_err[-200:]))

# The bar counts: with the delay at 0 the last drawing of `test` before the end says N/N.
out, err, _ = run(suite, True, True, delay_ms=0)
total = int(re.search(rb"^(\d+) scenarios?:", out, re.M).group(1))  # the summary line
drawings = [d for d in err.split(BAR) if d.startswith(b"test  [")]
check(bool(drawings) and drawings[-1].split()[-2] == f"{total}/{total}".encode(),
      "test: the bar counts scenarios up to their number", repr(drawings[-3:]))

# diff counts both versions' pods (reach's pod lists), then one step per version's Service flows.
pods = sum(len(json.loads(run(["reach", "-f", v, "--cni", "calico", "-o", "json"], False, False)[0])["pods"])
           for v in diff_versions[:2])
for args, total in ((diff, pods + 2), (diff[:-1], pods)):
    _, err, _ = run(args, True, True, delay_ms=0)
    drawings = [d for d in err.split(BAR) if d.startswith(b"diff  [")]
    check(bool(drawings) and drawings[-1].split()[-2] == f"{total}/{total}".encode(),
          f"diff{' --services' if args is diff else ''}: the bar counts both versions' pods"
          f"{' and their Services' if args is diff else ''} up to {total}", repr(drawings[-3:]))

if verify_status != 4:
    # verify prints as it goes: the bar is erased before each line, and counts probes.
    out, err, _ = run(verify[:1] + verify[2:], True, True, delay_ms=0)  # not -q: a line per probe
    probes = int(re.search(rb": (\d+) probes,", out).group(1))
    drawings = [d for d in err.split(BAR) if d.startswith(b"verify  [")]
    check(bool(drawings) and drawings[-1].split()[-2] == f"{probes}/{probes}".encode(),
          "verify: the bar counts probes up to their number", repr(drawings[-3:]))

print(f"{failures} failed")
sys.exit(1 if failures else 0)
