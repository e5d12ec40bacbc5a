// iptables-save output for the netfilter model. Each match module and target prints exactly what
// the corresponding libxtables extension's `save` callback prints (libxt_comment, libxt_tcp,
// libxt_mark, libxt_addrtype, libxt_statistic, libxt_recent, libxt_conntrack, libxt_set,
// libxt_nfacct, libxt_physdev, libxt_MARK, libxt_DNAT, libxt_MASQUERADE, libipt_REJECT), so
// that `packetwalk rules` can be diffed against a real node.

#include "packetwalk/model/datapath/netfilter_save.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace packetwalk::model::datapath {

namespace {

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

// Prefix length kept; host bits cleared, as iptables masks the address when it parses -s/-d.
std::string cidr_text(const net::Cidr& c) { return c.network().to_string() + "/" + std::to_string(c.prefix_length()); }

std::string port_range(const std::pair<net::Port, net::Port>& r) {
  return r.first == r.second ? std::to_string(r.first) : std::to_string(r.first) + ":" + std::to_string(r.second);
}

// libxt_conntrack print_state order.
std::string ct_states(std::uint8_t s) {
  struct Name { std::uint8_t bit; const char* text; };
  static constexpr Name kNames[] = {{kCtInvalid, "INVALID"},     {kCtNew, "NEW"},   {kCtRelated, "RELATED"},
                                    {kCtEstablished, "ESTABLISHED"}, {kCtSnat, "SNAT"}, {kCtDnat, "DNAT"}};
  std::string out;
  for (const auto& n : kNames) {
    if (!(s & n.bit)) continue;
    if (!out.empty()) out += ',';
    out += n.text;
  }
  return out;
}

std::string bang(bool negate) { return negate ? " !" : ""; }

struct ModulePrinter {
  std::string& out;

  void operator()(const CommentMatch& m) const { out += " -m comment --comment " + save_quoted(m.text); }
  void operator()(const PortMatch& m) const {
    out += " -m ";
    out += net::lower_name(m.protocol);
    if (m.sport) out += " --sport " + port_range(*m.sport);
    if (m.dport) out += bang(m.negate_dport) + " --dport " + port_range(*m.dport);
  }
  void operator()(const MarkMatch& m) const {
    out += " -m mark" + bang(m.negate) + " --mark " + hex(m.value);
    if (m.mask != 0xffffffffu) out += "/" + hex(m.mask);
  }
  void operator()(const AddrTypeMatch& m) const {
    out += " -m addrtype" + bang(m.negate) + (m.source ? " --src-type " : " --dst-type ") + m.type;
  }
  void operator()(const StatisticMatch& m) const {
    out += " -m statistic --mode random --probability " + saved_probability(m.threshold);
  }
  void operator()(const RecentMatch& m) const {
    out += " -m recent";
    if (m.set) {
      out += " --set";
    } else {
      out += " --rcheck";
      if (m.seconds) out += " --seconds " + std::to_string(m.seconds);
      if (m.reap) out += " --reap";
    }
    out += " --name " + m.name + " --mask 255.255.255.255 --rsource";
  }
  void operator()(const ConntrackMatch& m) const { out += " -m conntrack" + bang(m.negate) + " --ctstate " + ct_states(m.states); }
  void operator()(const SetMatch& m) const { out += " -m set" + bang(m.negate) + " --match-set " + m.set_name + " " + m.flags; }
  void operator()(const NfacctMatch& m) const { out += " -m nfacct --nfacct-name " + save_quoted(m.name); }
  void operator()(const PhysdevMatch& m) const {
    // The model's "is_bridged = false" is the same test as "! --physdev-is-bridged".
    out += " -m physdev" + bang(m.negate == m.is_bridged) + " --physdev-is-bridged";
  }
};

struct TargetPrinter {
  std::string& out;

  void operator()(const NoTarget&) const {}
  void operator()(const JumpTarget& t) const { out += (t.go_to ? " -g " : " -j ") + t.chain; }
  void operator()(const AcceptTarget&) const { out += " -j ACCEPT"; }
  void operator()(const DropTarget&) const { out += " -j DROP"; }
  void operator()(const ReturnTarget&) const { out += " -j RETURN"; }
  void operator()(const RejectTarget& t) const {
    out += " -j REJECT --reject-with " + (t.with.empty() ? std::string("icmp-port-unreachable") : t.with);
  }
  void operator()(const DnatTarget& t) const {
    out += " -j DNAT --to-destination " + t.address.to_string();
    if (t.port) out += ":" + std::to_string(*t.port);
  }
  void operator()(const SnatTarget& t) const { out += " -j SNAT --to-source " + t.address.to_string(); }
  void operator()(const MasqueradeTarget& t) const { out += t.random_fully ? " -j MASQUERADE --random-fully" : " -j MASQUERADE"; }
  void operator()(const MarkTarget& t) const {
    std::uint32_t mask = 0;
    switch (t.op) {
      case MarkTarget::Op::Set: mask = 0xffffffffu; break;
      case MarkTarget::Op::Or: mask = t.value; break;
      case MarkTarget::Op::Xor: mask = 0; break;
      case MarkTarget::Op::SetXmark: mask = t.mask; break;
    }
    out += " -j MARK --set-xmark " + hex(t.value) + "/" + hex(mask);
  }
};

int builtin_rank(const std::string& name) {
  static constexpr std::string_view kOrder[] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};
  for (int i = 0; i < 5; ++i)
    if (kOrder[i] == name) return i;
  return 5;
}

// kube-proxy's proxier_test.go sortIPTablesRules order for user chains.
int user_rank(const std::string& name) {
  if (name == "KUBE-NODEPORTS") return 0;
  if (name == "KUBE-SERVICES") return 1;
  if (name.rfind("KUBE-", 0) == 0) return 2;
  return 3;
}

bool canonical_less(const Chain* a, const Chain* b) {
  if (a->builtin != b->builtin) return a->builtin;
  if (a->builtin) return builtin_rank(a->name) < builtin_rank(b->name);
  int ra = user_rank(a->name), rb = user_rank(b->name);
  if (ra != rb) return ra < rb;
  return a->name < b->name;
}

}  // namespace

std::string save_quoted(std::string_view value) {
  auto bare_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  if (!value.empty() && std::all_of(value.begin(), value.end(), bare_char)) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::uint32_t statistic_threshold(double probability) {
  return static_cast<std::uint32_t>(std::lround(probability * 2147483648.0));
}

std::string saved_probability(std::uint32_t threshold) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.11f", static_cast<double>(threshold) / 2147483648.0);
  return buf;
}

std::string rule_spec_to_string(const Rule& rule) {
  std::string out;
  if (rule.source) out += bang(rule.source->negate) + " -s " + cidr_text(rule.source->value);
  if (rule.destination) out += bang(rule.destination->negate) + " -d " + cidr_text(rule.destination->value);
  if (rule.in_iface) out += bang(rule.in_iface->negate) + " -i " + rule.in_iface->value;
  if (rule.out_iface) out += bang(rule.out_iface->negate) + " -o " + rule.out_iface->value;
  if (rule.protocol) out += bang(rule.protocol->negate) + " -p " + std::string(net::lower_name(rule.protocol->value));
  for (const auto& m : rule.modules) std::visit(ModulePrinter{out}, m);
  std::visit(TargetPrinter{out}, rule.target);
  if (!out.empty()) out.erase(0, 1);  // every piece starts with a space
  return out;
}

std::string rule_to_string(const std::string& chain, const Rule& rule) {
  std::string spec = rule_spec_to_string(rule);
  return spec.empty() ? "-A " + chain : "-A " + chain + " " + spec;
}

std::vector<const Chain*> canonical_chain_order(const Table& table) {
  std::vector<const Chain*> out;
  out.reserve(table.chains.size());
  for (const auto& [name, chain] : table.chains) out.push_back(&chain);
  std::sort(out.begin(), out.end(), canonical_less);
  return out;
}

bool table_is_modified(const Table& table) {
  for (const auto& [name, chain] : table.chains) {
    if (!chain.builtin || !chain.rules.empty() || chain.policy != "ACCEPT") return true;
  }
  return false;
}

std::string save_table(const Table& table) {
  const auto chains = canonical_chain_order(table);
  std::string out = "*" + std::string(table_name(table.kind)) + "\n";
  for (const Chain* c : chains) out += ":" + c->name + " " + (c->builtin ? c->policy : std::string("-")) + " [0:0]\n";
  for (const Chain* c : chains)
    for (const Rule& r : c->rules) out += rule_to_string(c->name, r) + "\n";
  out += "COMMIT\n";
  return out;
}

std::string save_netfilter(const Netfilter& nf) {
  std::string out = save_table(nf.filter) + save_table(nf.nat);
  if (table_is_modified(nf.mangle)) out += save_table(nf.mangle);
  if (table_is_modified(nf.raw)) out += save_table(nf.raw);
  return out;
}

std::string iptables_restore_input(const Netfilter& nf) { return save_netfilter(nf); }

}  // namespace packetwalk::model::datapath
