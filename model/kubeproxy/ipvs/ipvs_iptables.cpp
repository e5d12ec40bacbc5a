// The iptables rules kube-proxy keeps in IPVS mode (createAndLinkKubeChain, writeIptablesRules,
// acceptIPVSTraffic): marking for masquerade by ipset membership, the NodePort and load-balancer
// chains, and KUBE-IPVS-FILTER, which rejects new connections to a Service IP on a port that is
// not one of its Service ports (the VIP is a local address, so otherwise the host would answer).

#include <algorithm>

#include "../iptables/iptables_internal.h"
#include "ipvs_internal.h"
#include "packetwalk/model/datapath/netfilter_save.h"

namespace packetwalk::model::kubeproxy::ipvsdetail {

namespace {

using datapath::NfTableKind;
using detail::RuleBuilder;

const std::string kServices = "KUBE-SERVICES";
const std::string kPostrouting = "KUBE-POSTROUTING";
const std::string kNodePort = "KUBE-NODE-PORT";
const std::string kLoadBalancer = "KUBE-LOAD-BALANCER";
const std::string kMarkMasq = "KUBE-MARK-MASQ";
const std::string kForward = "KUBE-FORWARD";
const std::string kProxyFirewall = "KUBE-PROXY-FIREWALL";
const std::string kSourceRangesFirewall = "KUBE-SOURCE-RANGES-FIREWALL";
const std::string kIpvsFilter = "KUBE-IPVS-FILTER";
const std::string kIpvsOutFilter = "KUBE-IPVS-OUT-FILTER";
const std::string kKubeletFirewall = "KUBE-FIREWALL";

const net::Cidr kLoopback{net::Ipv4Address::from_octets(127, 0, 0, 0), 8};

struct Jump {
  NfTableKind table;
  const char* from;
  const std::string* to;
  const char* comment;
};

// iptablesJumpChain, each prepended in turn (so the last one ends on top).
const Jump kJumps[] = {
    {NfTableKind::Nat, "OUTPUT", &kServices, "kubernetes service portals"},
    {NfTableKind::Nat, "PREROUTING", &kServices, "kubernetes service portals"},
    {NfTableKind::Nat, "POSTROUTING", &kPostrouting, "kubernetes postrouting rules"},
    {NfTableKind::Filter, "FORWARD", &kForward, "kubernetes forwarding rules"},
    {NfTableKind::Filter, "INPUT", &kNodePort, "kubernetes health check rules"},
    {NfTableKind::Filter, "INPUT", &kProxyFirewall, "kube-proxy firewall rules"},
    {NfTableKind::Filter, "FORWARD", &kProxyFirewall, "kube-proxy firewall rules"},
    {NfTableKind::Filter, "INPUT", &kIpvsFilter, "kubernetes ipvs access filter"},
    {NfTableKind::Filter, "OUTPUT", &kIpvsOutFilter, "kubernetes ipvs access filter"},
};

struct SetJump {
  const std::string* set;
  NfTableKind table;
  const std::string* from;
  const char* to;  // a chain or a verdict target name
  const char* flags;
  bool tcp = false, udp = false, sctp = false;
};

// ipsetWithIptablesChain: one rule each, only when the set has entries.
const SetJump kSetJumps[] = {
    {&kLoopBackSet, NfTableKind::Nat, &kPostrouting, "MASQUERADE", "dst,dst,src"},
    {&kLoadBalancerSet, NfTableKind::Nat, &kServices, "KUBE-LOAD-BALANCER", "dst,dst"},
    {&kLoadBalancerLocalSet, NfTableKind::Nat, &kLoadBalancer, "RETURN", "dst,dst"},
    {&kNodePortLocalTCPSet, NfTableKind::Nat, &kNodePort, "RETURN", "dst", true},
    {&kNodePortTCPSet, NfTableKind::Nat, &kNodePort, "KUBE-MARK-MASQ", "dst", true},
    {&kNodePortLocalUDPSet, NfTableKind::Nat, &kNodePort, "RETURN", "dst", false, true},
    {&kNodePortUDPSet, NfTableKind::Nat, &kNodePort, "KUBE-MARK-MASQ", "dst", false, true},
    {&kNodePortLocalSCTPSet, NfTableKind::Nat, &kNodePort, "RETURN", "dst,dst", false, false, true},
    {&kNodePortSCTPSet, NfTableKind::Nat, &kNodePort, "KUBE-MARK-MASQ", "dst,dst", false, false, true},
    {&kLoadBalancerFWSet, NfTableKind::Filter, &kProxyFirewall, "KUBE-SOURCE-RANGES-FIREWALL", "dst,dst"},
    {&kLoadBalancerSourceCIDRSet, NfTableKind::Filter, &kSourceRangesFirewall, "RETURN", "dst,dst,src"},
    {&kLoadBalancerSourceIPSet, NfTableKind::Filter, &kSourceRangesFirewall, "RETURN", "dst,dst,src"},
};

datapath::Target target_named(const std::string& to) {
  if (to == "RETURN") return datapath::ReturnTarget{};
  if (to == "ACCEPT") return datapath::AcceptTarget{};
  if (to == "MASQUERADE") return datapath::MasqueradeTarget{false};
  return datapath::JumpTarget{to, false};
}

datapath::SetMatch set_match(const std::string& name, const char* flags) { return datapath::SetMatch{name, flags, false}; }

// EnsureRule(Prepend): at the top unless an identical rule is already there.
void ensure_prepended(datapath::Table& table, const std::string& chain, datapath::Rule rule) {
  const std::string text = datapath::rule_spec_to_string(rule);
  const auto& rules = table.chain(chain).rules;
  bool present = std::any_of(rules.begin(), rules.end(),
                             [&](const datapath::Rule& r) { return datapath::rule_spec_to_string(r) == text; });
  if (!present) table.prepend(chain, std::move(rule));
}

}  // namespace

void write_iptables(SyncContext& ctx) {
  auto& nat = ctx.nf.nat;
  auto& filter = ctx.nf.filter;
  const bool nonempty_cluster = !ctx.sets.at(kClusterIPSet).empty();

  for (const auto* c : {&kServices, &kPostrouting, &kNodePort, &kLoadBalancer, &kMarkMasq}) detail::declare_chain(nat, *c);
  for (const auto* c : {&kForward, &kNodePort, &kProxyFirewall, &kSourceRangesFirewall, &kIpvsFilter, &kIpvsOutFilter})
    detail::declare_chain(filter, *c);

  // kubelet's anti-martian chain, present on every kubelet node whatever the proxy mode (the
  // iptables proxier models it the same way); kubelet starts first, so its jumps sit lowest.
  if (ctx.config.localhost_nodeports) {
    detail::declare_chain(filter, kKubeletFirewall);
    filter.append(kKubeletFirewall,
                  RuleBuilder{}
                      .comment("block incoming localnet connections")
                      .dst(kLoopback)
                      .src(kLoopback, true)
                      .module(datapath::ConntrackMatch{datapath::kCtRelated | datapath::kCtEstablished | datapath::kCtDnat, true})
                      .target(datapath::DropTarget{}));
    for (const char* from : {"INPUT", "OUTPUT"}) ensure_prepended(filter, from, RuleBuilder{}.jump(kKubeletFirewall));
  }
  for (const auto& j : kJumps)
    ensure_prepended(ctx.nf.table(j.table), j.from, RuleBuilder{}.comment(j.comment).jump(*j.to));

  // Connections from the host's loopback addresses are left alone.
  nat.append(kServices, RuleBuilder{}.src(kLoopback).target(datapath::ReturnTarget{}));

  for (const auto& j : kSetJumps) {
    const auto& set = ctx.sets.at(*j.set);
    if (set.empty()) continue;
    RuleBuilder b;
    if (j.tcp || j.udp || j.sctp) b.proto(j.tcp ? net::Protocol::Tcp : j.udp ? net::Protocol::Udp : net::Protocol::Sctp);
    datapath::Rule r = b.comment(set.comment).module(set_match(*j.set, j.flags)).target(target_named(j.to));
    // "-p tcp" alone (no "-m tcp"): the protocol field only, as kube-proxy writes it here.
    r.modules.erase(std::remove_if(r.modules.begin(), r.modules.end(),
                                   [](const datapath::MatchModule& m) { return std::holds_alternative<datapath::PortMatch>(m); }),
                    r.modules.end());
    ctx.nf.table(j.table).append(*j.from, std::move(r));
  }

  if (nonempty_cluster) {
    RuleBuilder b;
    b.comment(ctx.sets.at(kClusterIPSet).comment);
    if (ctx.config.masquerade_all) {
      b.module(set_match(kClusterIPSet, "dst,dst"));
    } else if (ctx.config.cluster_cidr) {
      // Off-cluster sources reaching a ClusterIP (a static route to the Service range) are masqueraded.
      b.module(set_match(kClusterIPSet, "dst,dst")).src(*ctx.config.cluster_cidr, true);
    } else {
      // Without a detector, the node's own connections (source = a VIP on kube-ipvs0) are masqueraded.
      b.module(set_match(kClusterIPSet, "src,dst"));
    }
    nat.append(kServices, b.jump(kMarkMasq));
  }
  if (!ctx.sets.at(kExternalIPSet).empty()) {
    auto base = [&]() {
      RuleBuilder b;
      b.comment(ctx.sets.at(kExternalIPSet).comment).module(set_match(kExternalIPSet, "dst,dst"));
      return b;
    };
    nat.append(kServices, base().jump(kMarkMasq));
    nat.append(kServices, base().module(datapath::AddrTypeMatch{true, "LOCAL", true}).target(datapath::AcceptTarget{}));
    nat.append(kServices, base().module(datapath::AddrTypeMatch{false, "LOCAL", false}).target(datapath::AcceptTarget{}));
  }
  if (!ctx.sets.at(kExternalIPLocalSet).empty()) {
    auto base = [&]() {
      RuleBuilder b;
      b.comment(ctx.sets.at(kExternalIPLocalSet).comment).module(set_match(kExternalIPLocalSet, "dst,dst"));
      return b;
    };
    nat.append(kServices, base().module(datapath::AddrTypeMatch{true, "LOCAL", true}).target(datapath::AcceptTarget{}));
    nat.append(kServices, base().module(datapath::AddrTypeMatch{false, "LOCAL", false}).target(datapath::AcceptTarget{}));
  }
  nat.append(kServices, RuleBuilder{}.module(datapath::AddrTypeMatch{false, "LOCAL", false}).jump(kNodePort));
  nat.append(kLoadBalancer, RuleBuilder{}.jump(kMarkMasq));
  filter.append(kSourceRangesFirewall, RuleBuilder{}.target(datapath::DropTarget{}));

  // acceptIPVSTraffic: the end of KUBE-SERVICES, so other rules cannot stop IPVS traffic.
  for (const auto* s : {&kClusterIPSet, &kLoadBalancerSet})
    if (!ctx.sets.at(*s).empty()) nat.append(kServices, RuleBuilder{}.module(set_match(*s, "dst,dst")).target(datapath::AcceptTarget{}));

  filter.append(kForward, RuleBuilder{}
                              .comment("kubernetes forwarding rules")
                              .module(datapath::MarkMatch{ctx.mark, ctx.mark, false})
                              .target(datapath::AcceptTarget{}));
  filter.append(kForward, RuleBuilder{}
                              .comment("kubernetes forwarding conntrack rule")
                              .module(datapath::ConntrackMatch{datapath::kCtRelated | datapath::kCtEstablished, false})
                              .target(datapath::AcceptTarget{}));
  filter.append(kNodePort, RuleBuilder{}
                               .comment(ctx.sets.at(kHealthCheckNodePortSet).comment)
                               .module(set_match(kHealthCheckNodePortSet, "dst"))
                               .target(datapath::AcceptTarget{}));

  for (const auto* s : {&kLoadBalancerSet, &kClusterIPSet, &kExternalIPSet, &kExternalIPLocalSet})
    filter.append(kIpvsFilter, RuleBuilder{}.module(set_match(*s, "dst,dst")).target(datapath::ReturnTarget{}));
  filter.append(kIpvsFilter, RuleBuilder{}.module(set_match(kHealthCheckNodePortSet, "dst")).target(datapath::ReturnTarget{}));
  filter.append(kIpvsFilter, RuleBuilder{}
                                 .module(datapath::ConntrackMatch{datapath::kCtNew, false})
                                 .module(set_match(kIPVSSet, "dst"))
                                 .target(datapath::RejectTarget{}));

  nat.append(kPostrouting, RuleBuilder{}.module(datapath::MarkMatch{ctx.mark, ctx.mark, true}).target(datapath::ReturnTarget{}));
  nat.append(kPostrouting, RuleBuilder{}.target(datapath::MarkTarget{datapath::MarkTarget::Op::Xor, ctx.mark}));
  nat.append(kPostrouting, RuleBuilder{}
                               .comment("kubernetes service traffic requiring SNAT")
                               .target(datapath::MasqueradeTarget{ctx.config.random_fully}));
  nat.append(kMarkMasq, RuleBuilder{}.target(datapath::MarkTarget{datapath::MarkTarget::Op::Or, ctx.mark}));
}

}  // namespace packetwalk::model::kubeproxy::ipvsdetail
