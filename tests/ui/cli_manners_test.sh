#!/usr/bin/env bash
# Command-line manners, checked on the real binary: exit codes (0 ok, 1 expectation failed,
# 2 bad input), results on stdout and errors on stderr, colour only on a terminal and never with
# NO_COLOR, every command's flags in both completion scripts, `help CMD` = `CMD --help`.
# Usage: cli_manners_test.sh PACKETWALK SOURCE_DIR
set -uo pipefail
pw=$1
src=$2
cd "$src"
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {  # check NAME CONDITION-RESULT
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

m=scenarios/services/manifests/api-server.yaml
"$pw" trace -f $m --from pod-a --to api-server:80 >"$tmp/out" 2>"$tmp/err"
check "trace exits 0" $?
[ -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; check "trace: result on stdout, stderr empty" $?
! grep -q $'\033' "$tmp/out"; check "no colour when stdout is not a terminal" $?

"$pw" trace -f no-such-file.yaml --from a --to b:1 >"$tmp/out" 2>"$tmp/err"
check "missing file exits 2" $([ $? -eq 2 ]; echo $?)
[ ! -s "$tmp/out" ] && grep -q "no-such-file.yaml" "$tmp/err"; check "missing file: named on stderr, stdout empty" $?

"$pw" trace -f $m --from pod-a --to api-server:80 --bogus >"$tmp/out" 2>"$tmp/err"
check "unknown flag exits 2" $([ $? -eq 2 ]; echo $?)
"$pw" frobnicate >"$tmp/out" 2>"$tmp/err"
check "unknown command exits 2" $([ $? -eq 2 ]; echo $?)

# A scenario whose expectation fails exits 1.
cat >"$tmp/fail.yaml" <<YAML
apiVersion: packetwalk/v1
kind: Scenario
metadata:
  name: fails
manifests:
  - $src/$m
probes:
  - name: wrong-expectation
    from: default/pod-a
    to: api-server:80
    expect: refused
YAML
"$pw" run -q "$tmp/fail.yaml" >"$tmp/out" 2>"$tmp/err"
check "failed expectation exits 1" $([ $? -eq 1 ]; echo $?)
grep -q "^FAIL wrong-expectation" "$tmp/out"; check "failure reported on stdout" $?

# Colour on a terminal (script(1) gives the program a pty), none with NO_COLOR.
if command -v script >/dev/null 2>&1; then
  script -qec "$pw trace -f $m --from pod-a --to api-server:80" /dev/null >"$tmp/tty" 2>&1 </dev/null
  grep -q $'\033\\[32mconnected' "$tmp/tty"; check "verdict coloured on a terminal" $?
  NO_COLOR=1 script -qec "$pw trace -f $m --from pod-a --to api-server:80" /dev/null >"$tmp/tty" 2>&1 </dev/null
  ! grep -q $'\033' "$tmp/tty"; check "NO_COLOR turns colour off on a terminal" $?
else
  echo "skip colour on a terminal: script(1) not installed"
fi

# A bare path is a scenario file (as --scenario) or manifests (as -f), for every command that
# reads both: the same output either way, and two scenario files are refused.
lab=scenarios/labs/kube-proxy-down.yaml
"$pw" diagnose $lab --from default/client --to default/api:80 >"$tmp/pos" 2>&1
rc_pos=$?
"$pw" diagnose --scenario $lab --from default/client --to default/api:80 >"$tmp/flag" 2>&1
[ $rc_pos -eq $? ] && [ -s "$tmp/pos" ] && cmp -s "$tmp/pos" "$tmp/flag"; check "diagnose SCENARIO = diagnose --scenario SCENARIO" $?
"$pw" reach scenarios/services/manifests -o csv >"$tmp/pos" 2>&1
"$pw" reach -f scenarios/services/manifests -o csv >"$tmp/flag" 2>&1
[ -s "$tmp/pos" ] && cmp -s "$tmp/pos" "$tmp/flag"; check "reach DIR = reach -f DIR" $?
"$pw" trace $m --from pod-a --to api-server:80 >"$tmp/pos" 2>&1
"$pw" trace -f $m --from pod-a --to api-server:80 >"$tmp/flag" 2>&1
[ -s "$tmp/pos" ] && cmp -s "$tmp/pos" "$tmp/flag"; check "trace FILE = trace -f FILE" $?
"$pw" reach $lab scenarios/labs/kube-proxy-down.yaml >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "give one scenario file" "$tmp/err"; check "two scenario files: exit 2, said why" $?
"$pw" lint --help | grep -q "A bare PATH is a scenario file"; check "lint --help explains bare paths" $?

# help CMD is CMD --help; every flag of every command is completed by bash and zsh.
for cmd in diagnose diff dns explain generate graph lint materialize reach routes rules run test trace verify version; do
  diff <("$pw" help $cmd) <("$pw" $cmd --help) >/dev/null; check "help $cmd = $cmd --help" $?
  for flag in $("$pw" $cmd --help | grep -oE '^  (-[a-z] \[ )?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
    [ "$flag" = --help ] && continue
    # The flag must be in this command's own list (or the common flags it includes).
    line=$(grep -E "^    $cmd\) flags=" completions/packetwalk.bash)
    [[ $line == *'$common'* ]] && line+=" $(grep -E '^  local common=' completions/packetwalk.bash)"
    [[ " ${line//\"/ } " == *" $flag "* ]]; check "bash completion knows $cmd $flag" $?
    grep -q -- "$flag" completions/_packetwalk; check "zsh completion knows $cmd $flag" $?
  done
done
bash -n completions/packetwalk.bash; check "bash completion parses" $?
if command -v zsh >/dev/null 2>&1; then zsh -n completions/_packetwalk; check "zsh completion parses" $?; fi
# The bash completion completes subcommands and -o values.
out=$(bash -c "source completions/packetwalk.bash; COMP_WORDS=(packetwalk gr); COMP_CWORD=1; _packetwalk; echo \${COMPREPLY[*]}")
[ "$out" = graph ]; check "bash completes 'gr' to graph" $?
out=$(bash -c "source completions/packetwalk.bash; COMP_WORDS=(packetwalk graph -o ''); COMP_CWORD=3; _packetwalk; echo \${COMPREPLY[*]}")
[ "$out" = "dot mermaid" ]; check "bash completes graph -o to dot mermaid" $?

[ $fails -eq 0 ] && echo "cli manners: all passed" || echo "cli manners: $fails failed"
exit $(( fails > 0 ))
