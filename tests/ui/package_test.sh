#!/usr/bin/env bash
# Builds the Debian package from a finished build tree into a scratch directory, checks its
# dependencies name Debian runtime packages, unpacks it into a scratch root with dpkg -x and runs
# the installed packetwalk from there: version, one shipped scenario, the man page, completions.
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$1
if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
  echo "skip: cpack, dpkg-deb or dpkg-shlibdeps missing"
  exit 77
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1 || { cat "$scratch/cpack.log"; exit 1; }
deb=$(ls "$scratch"/out/*.deb)
echo "built $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for p in libyaml-cpp0.7 libboost-program-options1.74.0 libstdc++6 libc6; do
  grep -q "$p" <<<"$depends" || { echo "FAIL: Depends lacks $p"; exit 1; }
done
dpkg -x "$deb" "$scratch/root"
bin="$scratch/root/usr/bin/packetwalk"
"$bin" version | grep -q "^packetwalk [0-9]" || { echo "FAIL: version"; exit 1; }
share="$scratch/root/usr/share"
"$bin" run -q "$share/packetwalk/scenarios/seed/pod-to-pod-cross-node.yaml" | tee "$scratch/run.txt"
grep -q "passed, 0 failed" "$scratch/run.txt"
for f in man/man1/packetwalk.1 bash-completion/completions/packetwalk zsh/vendor-completions/_packetwalk \
         doc/packetwalk/README.md doc/packetwalk/json-output.md; do
  [ -s "$share/$f" ] || { echo "FAIL: $f missing from the package"; exit 1; }
done
grep -q '^\.SS "packetwalk trace"' "$share/man/man1/packetwalk.1"
echo "package: all passed"
