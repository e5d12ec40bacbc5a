// packetwalk rules: a node's netfilter tables exactly as the datapath walks them, printed the way
// `iptables-save` prints them on a real node.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "packetwalk/model/datapath/netfilter_save.h"

namespace packetwalk::ui::cli {

int cmd_rules(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use")(
      "node", po::value<std::string>(), "node whose tables to print (default: every node)")(
      "mode", po::value<std::string>(), "kube-proxy mode to print: iptables (default) | nftables | ipvs")(
      "table,t", po::value<std::string>(), "only this table: filter | nat | mangle | raw");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk rules -f PATH... [--node NODE] [--mode iptables] [-t TABLE]";
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
  for (const auto& name : nodes) {
    const auto& nf = c.topology().netns(*c.node_netns(name)).netfilter;
    if (nodes.size() > 1) out << "# node " << name << "\n";
    if (only) {
      out << model::datapath::save_table(nf.table(*only));
    } else {
      out << model::datapath::save_netfilter(nf);
    }
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
