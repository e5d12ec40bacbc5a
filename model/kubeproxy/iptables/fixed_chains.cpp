// kube-proxy's fixed chains: the jump rules in built-in chains (iptablesJumpChains,
// iptablesKubeletJumpChains), the chains every sync declares, and the rules that do not depend
// on any Service (KUBE-POSTROUTING, KUBE-MARK-MASQ, KUBE-FORWARD, KUBE-FIREWALL, the
// KUBE-NODEPORTS tail of nat KUBE-SERVICES).

#include <algorithm>

#include "iptables_internal.h"
#include "packetwalk/model/datapath/netfilter_save.h"

namespace packetwalk::model::kubeproxy::detail {

namespace {

using datapath::NfTableKind;

const net::Cidr kLoopback{net::Ipv4Address::from_octets(127, 0, 0, 0), 8};

struct JumpRule {
  NfTableKind table;
  const std::string* to;
  const char* from;
  const char* comment;  // empty: none
  bool ct_new;          // "-m conntrack --ctstate NEW" before the comment
};

// In upstream order: each is prepended in turn, so in a built-in chain the last one ends on top.
const JumpRule kJumpRules[] = {
    {NfTableKind::Filter, &kExternalServicesChain, "INPUT", "kubernetes externally-visible service portals", true},
    {NfTableKind::Filter, &kExternalServicesChain, "FORWARD", "kubernetes externally-visible service portals", true},
    {NfTableKind::Filter, &kNodePortsChain, "INPUT", "kubernetes health check service ports", false},
    {NfTableKind::Filter, &kServicesChain, "FORWARD", "kubernetes service portals", true},
    {NfTableKind::Filter, &kServicesChain, "OUTPUT", "kubernetes service portals", true},
    {NfTableKind::Filter, &kForwardChain, "FORWARD", "kubernetes forwarding rules", false},
    {NfTableKind::Filter, &kProxyFirewallChain, "INPUT", "kubernetes load balancer firewall", true},
    {NfTableKind::Filter, &kProxyFirewallChain, "OUTPUT", "kubernetes load balancer firewall", true},
    {NfTableKind::Filter, &kProxyFirewallChain, "FORWARD", "kubernetes load balancer firewall", true},
    {NfTableKind::Nat, &kServicesChain, "OUTPUT", "kubernetes service portals", false},
    {NfTableKind::Nat, &kServicesChain, "PREROUTING", "kubernetes service portals", false},
    {NfTableKind::Nat, &kPostroutingChain, "POSTROUTING", "kubernetes postrouting rules", false},
};

// kubelet's anti-martian chain; kubelet starts first, so its jumps are already in place (below
// kube-proxy's) by the time kube-proxy ensures them.
const JumpRule kKubeletJumpRules[] = {
    {NfTableKind::Filter, &kKubeletFirewallChain, "INPUT", "", false},
    {NfTableKind::Filter, &kKubeletFirewallChain, "OUTPUT", "", false},
};

// EnsureRule(Prepend): insert at the top unless an identical rule is already in the chain.
void ensure_prepended(datapath::Table& table, const std::string& chain, datapath::Rule rule) {
  const std::string text = datapath::rule_spec_to_string(rule);
  const auto& rules = table.chain(chain).rules;
  bool present = std::any_of(rules.begin(), rules.end(),
                             [&](const datapath::Rule& r) { return datapath::rule_spec_to_string(r) == text; });
  if (!present) table.prepend(chain, std::move(rule));
}

void ensure_jump(datapath::Netfilter& nf, const JumpRule& j) {
  datapath::Table& table = nf.table(j.table);
  table.chain(*j.to);  // EnsureChain
  RuleBuilder b;
  if (j.ct_new) b.module(datapath::ConntrackMatch{datapath::kCtNew, false});
  if (*j.comment) b.comment(j.comment);
  ensure_prepended(table, j.from, b.jump(*j.to));
}

}  // namespace

void write_jump_rules(SyncContext& ctx) {
  for (const auto& j : kKubeletJumpRules) ensure_jump(ctx.nf, j);
  for (const auto& j : kJumpRules) ensure_jump(ctx.nf, j);
}

void write_fixed_chains(SyncContext& ctx) {
  auto& filter = ctx.nf.filter;
  auto& nat = ctx.nf.nat;
  for (const auto* name : {&kServicesChain, &kExternalServicesChain, &kForwardChain, &kNodePortsChain,
                           &kProxyFirewallChain})
    declare_chain(filter, *name);
  for (const auto* name : {&kServicesChain, &kNodePortsChain, &kPostroutingChain, &kMarkMasqChain})
    declare_chain(nat, *name);
  // ipt.Monitor keeps an empty canary chain in each of these tables to notice external flushes.
  for (auto* table : {&ctx.nf.mangle, &nat, &filter}) table->chain(kProxyCanaryChain);
  filter.chain(kKubeletFirewallChain);  // EnsureChain for the kubelet jump

  // KUBE-POSTROUTING: masquerade what KUBE-MARK-MASQ marked, clearing the bit first so a packet
  // that traverses the stack again is not masqueraded twice.
  nat.append(kPostroutingChain, RuleBuilder{}
                                    .module(datapath::MarkMatch{ctx.mark, ctx.mark, true})
                                    .target(datapath::ReturnTarget{}));
  nat.append(kPostroutingChain, RuleBuilder{}.target(datapath::MarkTarget{datapath::MarkTarget::Op::Xor, ctx.mark}));
  nat.append(kPostroutingChain, RuleBuilder{}
                                    .comment("kubernetes service traffic requiring SNAT")
                                    .target(datapath::MasqueradeTarget{ctx.config.random_fully}));
  nat.append(kMarkMasqChain, RuleBuilder{}.target(datapath::MarkTarget{datapath::MarkTarget::Op::Or, ctx.mark}));

  if (ctx.localhost_nodeports) {
    // route_localnet=1 opens 127/8 to the outside; this rule (kubelet writes the same) closes it.
    declare_chain(filter, kKubeletFirewallChain);
    filter.append(kKubeletFirewallChain,
                  RuleBuilder{}
                      .comment("block incoming localnet connections")
                      .dst(kLoopback)
                      .src(kLoopback, true)
                      .module(datapath::ConntrackMatch{datapath::kCtRelated | datapath::kCtEstablished | datapath::kCtDnat, true})
                      .target(datapath::DropTarget{}));
  }

  if (!ctx.config.conntrack_tcp_be_liberal) {
    RuleBuilder b;
    b.module(datapath::ConntrackMatch{datapath::kCtInvalid, false});
    if (ctx.config.nfacct) b.module(datapath::NfacctMatch{"ct_state_invalid_dropped_pkts"});
    filter.append(kForwardChain, b.target(datapath::DropTarget{}));
  }
  filter.append(kForwardChain, RuleBuilder{}
                                   .comment("kubernetes forwarding rules")
                                   .module(datapath::MarkMatch{ctx.mark, ctx.mark, false})
                                   .target(datapath::AcceptTarget{}));
  filter.append(kForwardChain, RuleBuilder{}
                                   .comment("kubernetes forwarding conntrack rule")
                                   .module(datapath::ConntrackMatch{datapath::kCtRelated | datapath::kCtEstablished, false})
                                   .target(datapath::AcceptTarget{}));
}

void write_nodeports_tail(SyncContext& ctx) {
  static const std::string kComment = "kubernetes service nodeports; NOTE: this must be the last rule in this chain";
  auto& nat = ctx.nf.nat;
  if (ctx.config.node_port_addresses.empty()) {
    RuleBuilder b;
    b.comment(kComment).module(datapath::AddrTypeMatch{false, "LOCAL", false});
    if (!ctx.localhost_nodeports) b.dst(kLoopback, true);
    nat.append(kServicesChain, b.jump(kNodePortsChain));
    return;
  }
  // --nodeport-addresses: one rule per node address inside the given CIDRs. Our node has its
  // InternalIP and loopback.
  std::vector<net::Ipv4Address> addresses;
  auto matches = [&](net::Ipv4Address a) {
    return std::any_of(ctx.config.node_port_addresses.begin(), ctx.config.node_port_addresses.end(),
                       [&](const net::Cidr& c) { return c.contains(a); });
  };
  const auto loopback = net::Ipv4Address::from_octets(127, 0, 0, 1);
  if (matches(loopback) && ctx.localhost_nodeports) addresses.push_back(loopback);
  if (ctx.node.ip && matches(*ctx.node.ip)) addresses.push_back(*ctx.node.ip);
  std::sort(addresses.begin(), addresses.end());
  for (auto a : addresses) nat.append(kServicesChain, RuleBuilder{}.comment(kComment).dst(a).jump(kNodePortsChain));
}

}  // namespace packetwalk::model::kubeproxy::detail
