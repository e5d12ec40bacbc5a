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

  local commands="diagnose diff dns explain generate graph lint materialize reach routes rules run test trace verify version help"
  local common="-f --filename --cni --proxy-mode --seed -h --help"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi

  local cmd=${words[1]}
  case $prev in
    -f|--filename|--scenario|--junit|--requests-csv|--requests-json|--path)
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
        reach) COMPREPLY=($(compgen -W "table json csv md dot summary" -- "$cur")) ;;
        generate) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
        diff) COMPREPLY=($(compgen -W "text json md" -- "$cur")) ;;
        materialize) COMPREPLY=($(compgen -W "script teardown names" -- "$cur")) ;;
        dns|diagnose|routes|lint) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json mermaid" -- "$cur")) ;;
      esac
      return ;;
    --proxy-mode|--mode) COMPREPLY=($(compgen -W "iptables nftables ipvs" -- "$cur")); return ;;
    --cni|--against-cni) COMPREPLY=($(compgen -W "flannel calico cilium" -- "$cur")); return ;;
    -p|--protocol) COMPREPLY=($(compgen -W "tcp udp sctp" -- "$cur")); return ;;
    -t|--table|--type)
      if [[ $cmd == dns ]]; then COMPREPLY=($(compgen -W "A AAAA SRV PTR CNAME" -- "$cur"))
      else COMPREPLY=($(compgen -W "filter nat mangle raw" -- "$cur")); fi
      return ;;
    --nodes|--namespaces|--pods|--services|--policies|--label-variety) return ;;
    --seed|--from|--to|-n|--namespace|--node|--name|--port|--prefix|--runs|--timeout|--mutate) return ;;
    --request|--gateway|--client|--method|--header|--host|--shard|--filter|-j|--jobs) return ;;
  esac

  local flags
  case $cmd in
    trace) flags="$common --scenario --from --to -p --protocol -n --namespace --method --header --host --path -o --output --pcap -q --quiet -v --verbose" ;;
    run) flags="$common --scenario -o --output --pcap --requests-csv --requests-json -q --quiet -v --verbose" ;;
    rules) flags="$common --scenario --node --mode -t --table" ;;
    graph) flags="$common --scenario -n --namespace -o --output" ;;
    test) flags="--path --junit -j --jobs --shard --filter --update-golden --cni --proxy-mode --no-progress -h --help" ;;
    diagnose) flags="$common --scenario --from --to -p --protocol -n --namespace -o --output" ;;
    dns) flags="$common --scenario --from --name -t --type -n --namespace -o --output -q --quiet -v --verbose" ;;
    explain) flags="$common --scenario --from --to --port -n --namespace" ;;
    reach) flags="$common --scenario --port -n --namespace -A --all-namespaces --all-pairs --services -o --output --no-progress" ;;
    generate) flags="--nodes --namespaces --pods --services --policies --label-variety --seed -o --output -h --help" ;;
    diff) flags="--cni --against-cni --proxy-mode --seed --port --services -n --namespace -A --all-namespaces -o --output --no-progress --path -h --help" ;;
    lint) flags="$common --scenario -o --output" ;;
    routes) flags="$common --scenario --request --gateway --client --method --header --host --path -o --output" ;;
    materialize) flags="$common --scenario --prefix -o --output" ;;
    verify) flags="$common --scenario --runs --timeout --prefix --mutate -v --verbose -q --quiet --no-progress" ;;
    version|help) flags="" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ $cmd == run || $cmd == test || $cmd == materialize || $cmd == verify || $cmd == diff ]]; then
    COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
    compopt -o filenames 2>/dev/null
  fi
}
complete -F _packetwalk packetwalk
