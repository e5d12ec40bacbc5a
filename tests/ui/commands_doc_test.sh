#!/usr/bin/env bash
# docs/commands.md quotes each command's help. Every fenced block preceded by a line
# `<!-- help: packetwalk ARGS -->` must be exactly what `packetwalk ARGS` prints, so the
# reference cannot drift from the program.
# Usage: commands_doc_test.sh PACKETWALK COMMANDS_MD
set -uo pipefail
pw=$1
doc=$2
fails=0 checked=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmd="" in_block=0
while IFS= read -r line; do
  if [[ $in_block -eq 1 ]]; then
    if [[ $line == '```' ]]; then
      in_block=0
      # shellcheck disable=SC2086
      "$pw" $cmd >"$tmp/actual" 2>&1
      if diff -u "$tmp/doc" "$tmp/actual" >"$tmp/diff"; then
        echo "ok   packetwalk $cmd"
      else
        echo "FAIL packetwalk $cmd: docs/commands.md differs from the program (- doc, + program)"
        cat "$tmp/diff"
        fails=$((fails + 1))
      fi
      checked=$((checked + 1))
      cmd=""
    else
      printf '%s\n' "$line" >>"$tmp/doc"
    fi
  elif [[ $line =~ ^\<\!--\ help:\ packetwalk\ (.*)\ --\>$ ]]; then
    cmd=${BASH_REMATCH[1]}
  elif [[ -n $cmd && $line == '```'* ]]; then
    in_block=1
    : >"$tmp/doc"
  fi
done <"$doc"
echo "$checked help texts checked, $fails differ"
[[ $checked -gt 0 && $fails -eq 0 ]]
