// packetwalk rules: a node's netfilter tables exactly as the datapath walks them, printed the way
// `iptables-save` prints them on a real node; in nftables mode kube-proxy's table first as
// `nft list ruleset` prints it, in IPVS mode the virtual servers (`ipvsadm -Ln`) and ipsets
// (`ipset list`) first. Under cni cilium each endpoint's eBPF policy map follows, as
// `cilium-dbg bpf policy get` lists it.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "packetwalk/model/cni/cilium.h"
#include "packetwalk/model/datapath/ipset.h"
#include "packetwalk/model/datapath/ipvs.h"
#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/datapath/nft_print.h"
#include "packetwalk/model/kubeproxy/ipvs_proxier.h"

namespace packetwalk::ui::cli {

namespace {

// How many iptables rules use an ipset (`ipset list` shows it as References).
std::size_t ipset_references(const model::datapath::Netfilter& nf, const std::string& set) {
  std::size_t n = 0;
  for (const auto* t : {&nf.raw, &nf.mangle, &nf.nat, &nf.filter})
    for (const auto& [name, chain] : t->chains)
      for (const auto& r : chain.rules)
        for (const auto& m : r.modules)
          if (const auto* s = std::get_if<model::datapath::SetMatch>(&m); s && s->set_name == set) ++n;
  return n;
}

}  // namespace

int cmd_rules(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use")(
      "node", po::value<std::string>(), "node whose tables to print (default: every node)")(
      "mode", po::value<std::string>(), "kube-proxy mode to build and print: iptables | nftables | ipvs (default: the scenario's)")(
      "table,t", po::value<std::string>(), "only this table: filter | nat | mangle | raw");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk rules -f PATH... [--node NODE] [--mode iptables|nftables|ipvs] [-t TABLE]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk rules: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  Overrides o = overrides_from(vm);
  if (vm.count("mode")) o.proxy_mode = vm["mode"].as<std::string>();
  auto loaded = load_cluster(scenario, files_from(vm), o, err);
  if (!loaded.cluster) return loaded.exit_code;
  const auto& c = *loaded.cluster;

  std::vector<std::string> nodes;
  if (vm.count("node")) {
    const auto name = vm["node"].as<std::string>();
    if (!c.node_netns(name)) {
      err << "packetwalk rules: no node named \"" << name << "\" (nodes:";
      for (const auto& n : c.inventory().nodes) err << " " << n.name;
      err << ")\n";
      return kBadInput;
    }
    nodes.push_back(name);
  } else {
    for (const auto& n : c.inventory().nodes) nodes.push_back(n.name);
  }
  std::optional<model::datapath::NfTableKind> only;
  if (vm.count("table")) {
    const auto t = vm["table"].as<std::string>();
    if (t == "filter") only = model::datapath::NfTableKind::Filter;
    else if (t == "nat") only = model::datapath::NfTableKind::Nat;
    else if (t == "mangle") only = model::datapath::NfTableKind::Mangle;
    else if (t == "raw") only = model::datapath::NfTableKind::Raw;
    else {
      err << "packetwalk rules: unknown table \"" << t << "\" (filter, nat, mangle, raw)\n";
      return kBadInput;
    }
  }
  const std::string& mode = c.spec().proxy_mode;
  for (const auto& name : nodes) {
    const auto& ns = c.topology().netns(*c.node_netns(name));
    const auto& nf = ns.netfilter;
    if (nodes.size() > 1) out << "# node " << name << "\n";
    if (only) {
      out << model::datapath::save_table(nf.table(*only));
      continue;
    }
    if (mode == "nftables") {
      // kube-proxy's table; the iptables rules other components keep (Flannel) follow.
      out << "# nft list ruleset\n" << model::datapath::nft_list_ruleset(ns.nft) << "# iptables-save\n";
    } else if (mode == "ipvs") {
      out << "# ipvsadm -Ln\n" << model::datapath::ipvsadm_list_text(ns.ipvs) << "# ipset list\n";
      bool first = true;
      for (const auto& set_name : model::kubeproxy::ipvs_ipset_names()) {
        auto it = ns.ipsets.find(set_name);
        if (it == ns.ipsets.end()) continue;
        if (!first) out << "\n";
        first = false;
        out << model::datapath::ipset_list_text(set_name, it->second, ipset_references(nf, set_name));
      }
      out << "# iptables-save\n";
    }
    out << model::datapath::save_netfilter(nf);
    if (c.spec().cni == "cilium") {
      // Cilium enforces NetworkPolicy in eBPF: its iptables above hold masquerading only.
      out << "# cni cilium: no iptables policy chains; NetworkPolicy lives in each endpoint's eBPF policy map\n"
          << model::cni::cilium_policy_listing(c.scenario().manifests.network_policies, c.inventory(), name);
    }
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
