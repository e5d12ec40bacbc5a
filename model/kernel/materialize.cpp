// Renders the datapath as a shell script (see materialize.h). The script is written in phases so
// that every command finds what it needs: namespaces, then links (bridges before their ports,
// underlay devices before the VXLAN devices bound to them), then link settings, addresses,
// routes, neighbour/FDB entries, sysctls and finally netfilter.
#include "packetwalk/model/kernel/materialize.h"

#include <map>
#include <set>
#include <sstream>

#include "materialize_parts.h"
#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/datapath/nft_print.h"

namespace packetwalk::model::kernel {

using datapath::IfaceId;
using datapath::IfaceKind;
using datapath::NetnsId;
using datapath::NetnsKind;

std::string sh_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::optional<std::string> check_prefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > 20) return "the prefix must be 1 to 20 characters long";
  if (prefix[0] < 'a' || prefix[0] > 'z') return "the prefix must start with a lower-case letter";
  for (char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return "the prefix may hold only a-z, 0-9 and '-'";
  }
  return std::nullopt;
}

std::string Materialized::real_name(NetnsId id) const {
  for (const auto& n : namespaces) {
    if (n.model == id && id != datapath::kNone) return n.real_name;
  }
  return "";
}

namespace detail {

namespace {

// A node name is used as is when it is plainly a DNS label (so `ip netns list` reads well) and
// cannot be mistaken for one of the generated names.
bool usable_node_name(const std::string& name) {
  if (name.empty() || name.size() > 40 || name == "sw") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  if ((name[0] == 'p' || name[0] == 'x' || name[0] == 'n') && name.size() > 1 &&
      name.find_first_not_of("0123456789", 1) == std::string::npos)
    return false;
  return name[0] != '-' && name[0] != '.';
}

}  // namespace

std::vector<NamespaceName> name_namespaces(const datapath::Topology& t, const std::string& prefix) {
  std::vector<NamespaceName> out;
  out.push_back({datapath::kNone, "", prefix + "-sw"});
  std::set<std::string> taken{prefix + "-sw"};
  std::uint32_t pods = 0, outside = 0, nodes = 0;
  for (const auto& ns : t.all_netns()) {
    std::string name;
    switch (ns.kind) {
      case NetnsKind::Node:
        ++nodes;
        name = usable_node_name(ns.name) ? prefix + "-" + ns.name : prefix + "-n" + std::to_string(nodes);
        if (taken.count(name)) name = prefix + "-n" + std::to_string(nodes);
        break;
      case NetnsKind::Pod: name = prefix + "-p" + std::to_string(++pods); break;
      case NetnsKind::External: name = prefix + "-x" + std::to_string(++outside); break;
    }
    taken.insert(name);
    out.push_back({ns.id, ns.name, name});
  }
  return out;
}

}  // namespace detail

Materialized materialize(const cluster::Cluster& cluster, const MaterializeOptions& options) {
  const auto& t = cluster.topology();
  Materialized m;
  m.prefix = options.prefix;
  m.namespaces = detail::name_namespaces(t, options.prefix);
  detail::ScriptContext ctx{t, m};

  const auto& spec = cluster.spec();
  if (spec.proxy_mode == "ipvs") {
    m.limitations.push_back("kube-proxy mode ipvs is not materialized (IPVS virtual servers, kube-ipvs0 and ipsets are "
                            "out of scope): only the iptables rules are loaded, so Service traffic is not checkable");
  }

  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "# packetwalk materialize: scenario " << cluster.scenario().name << ", prefix " << options.prefix << "\n"
    << "# Builds the model's datapath in real network namespaces. Every command is scoped to one of\n"
    << "# the namespaces below (ip -n / bridge -n / ip netns exec); nothing touches the namespace this\n"
    << "# script runs in. Remove everything with the matching teardown script (-o teardown).\n"
    << "#\n# Namespaces (real name <- model):\n";
  for (const auto& n : m.namespaces) {
    s << "#   " << n.real_name << std::string(n.real_name.size() < 24 ? 24 - n.real_name.size() : 1, ' ') << "<- "
      << (n.model == datapath::kNone ? std::string("(switch: one bridge per L2 segment)") : n.model_name) << "\n";
  }
  for (const auto& l : m.limitations) s << "# limitation: " << l << "\n";
  s << "set -eu\n\n";
  detail::write_guard_and_trap(s, m);
  detail::write_namespaces(s, ctx);
  detail::write_links(s, ctx);
  detail::write_addresses_and_routes(s, ctx);
  detail::write_neighbours(s, ctx);
  detail::write_sysctls(s, ctx);

  // nftables before iptables: base chains of equal priority (kube-proxy's filter-forward and
  // iptables' filter FORWARD are both at "filter") run the most recently registered one first,
  // and packetwalk walks iptables' chains (Calico, Flannel) before kube-proxy's nftables ones.
  bool any_nft = false;
  for (const auto& ns : t.all_netns()) {
    if (ns.nft.empty()) continue;
    if (!any_nft) s << "\n# --- nftables (kube-proxy nftables mode): exactly what `packetwalk rules` prints, via nft -f\n";
    any_nft = true;
    const std::string text = datapath::nft_list_ruleset(ns.nft);
    std::string eof = "PW_NFT_EOF";
    while (text.find(eof) != std::string::npos) eof += "_";
    s << "# " << ns.name << "\n"
      << "ip netns exec " << sh_quote(m.real_name(ns.id)) << " nft -f - <<'" << eof << "'\n"
      << text << (text.empty() || text.back() == '\n' ? "" : "\n") << eof << "\n";
  }
  s << "\n# --- netfilter: exactly what `packetwalk rules` prints, via iptables-restore\n";
  for (const auto& ns : t.all_netns()) {
    const auto& nf = ns.netfilter;
    bool modified = false;
    for (auto k : {datapath::NfTableKind::Filter, datapath::NfTableKind::Nat, datapath::NfTableKind::Mangle,
                   datapath::NfTableKind::Raw})
      modified = modified || datapath::table_is_modified(nf.table(k));
    if (!modified) continue;
    const std::string text = datapath::iptables_restore_input(nf);
    std::string eof = "PW_RULES_EOF";
    while (text.find(eof) != std::string::npos) eof += "_";
    s << "# " << ns.name << "\n";
    detail::write_nfacct_counters(s, ctx, ns);
    detail::write_ipsets(s, ctx, ns);
    s << "ip netns exec " << sh_quote(m.real_name(ns.id)) << " iptables-restore <<'" << eof << "'\n"
      << text << eof << "\n";
  }
  s << "\ntrap - EXIT INT TERM\n"
    << "echo " << sh_quote("packetwalk: built " + std::to_string(m.namespaces.size()) + " namespaces with prefix " +
                           options.prefix)
    << " >&2\n";
  m.setup_script = s.str();
  m.teardown_script = detail::teardown_script(m);
  return m;
}

}  // namespace packetwalk::model::kernel
