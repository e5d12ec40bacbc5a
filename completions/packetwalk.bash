# bash completion for packetwalk. Install as /usr/share/bash-completion/completions/packetwalk
# (cmake --install does), or source it from ~/.bashrc.
# Flags mirror each command's --help; tests/ui/cli_manners_test.sh checks that they agree.

_packetwalk() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion || return
  else
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi

  local commands="diagnose graph rules run test trace version help"
  local common="-f --filename --cni --proxy-mode --seed -h --help"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi

  local cmd=${words[1]}
  case $prev in
    -f|--filename|--scenario|--junit)
      COMPREPLY=($(compgen -f -- "$cur"))
      compopt -o filenames 2>/dev/null
      return ;;
    --pcap)
      COMPREPLY=($(compgen -f -- "$cur"))
      compopt -o filenames 2>/dev/null
      return ;;
    -o|--output)
      case $cmd in
        graph) COMPREPLY=($(compgen -W "dot mermaid" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json mermaid" -- "$cur")) ;;
      esac
      return ;;
    --proxy-mode|--mode) COMPREPLY=($(compgen -W "iptables nftables ipvs" -- "$cur")); return ;;
    --cni) COMPREPLY=($(compgen -W "flannel" -- "$cur")); return ;;
    -p|--protocol) COMPREPLY=($(compgen -W "tcp udp sctp" -- "$cur")); return ;;
    -t|--table) COMPREPLY=($(compgen -W "filter nat mangle raw" -- "$cur")); return ;;
    --seed|--from|--to|-n|--namespace|--node) return ;;
  esac

  local flags
  case $cmd in
    trace) flags="$common --scenario --from --to -p --protocol -n --namespace -o --output --pcap -q --quiet -v --verbose" ;;
    run) flags="$common -o --output --pcap -q --quiet -v --verbose" ;;
    rules) flags="$common --scenario --node --mode -t --table" ;;
    graph) flags="$common --scenario -n --namespace -o --output" ;;
    test) flags="--junit -j --jobs --shard --filter --update-golden --cni --proxy-mode -h --help" ;;
    diagnose) flags="$common --scenario --from --to -p --protocol -n --namespace -o --output" ;;
    version|help) flags="" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ $cmd == run || $cmd == test ]]; then
    COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
    compopt -o filenames 2>/dev/null
  fi
}
complete -F _packetwalk packetwalk
