// The fixed part of kube-proxy's nftables table (setupNFTables): base chains, the chains they
// jump to, the dispatch, masquerade and no-endpoint chains, and the sets and verdict maps the
// per-service part fills.

#include "nft_internal.h"

namespace packetwalk::model::kubeproxy::nftdetail {

namespace {

using datapath::NftBaseHook;
using datapath::NftChainType;
using datapath::NftDataType;
using datapath::NftField;
using datapath::NfHook;

struct BaseChain {
  const char* name;
  NftChainType type;
  NfHook hook;
  int priority;
};

// nftablesBaseChains: the filter chains that must see pre-DNAT addresses run at dstnat - 10.
const BaseChain kBaseChains[] = {
    {"filter-prerouting-pre-dnat", NftChainType::Filter, NfHook::Prerouting, -110},
    {"filter-output-pre-dnat", NftChainType::Filter, NfHook::Output, -110},
    {"filter-input", NftChainType::Filter, NfHook::Input, 0},
    {"filter-forward", NftChainType::Filter, NfHook::Forward, 0},
    {"filter-output", NftChainType::Filter, NfHook::Output, 0},
    {"nat-prerouting", NftChainType::Nat, NfHook::Prerouting, -100},
    {"nat-output", NftChainType::Nat, NfHook::Output, -100},
    {"nat-postrouting", NftChainType::Nat, NfHook::Postrouting, 100},
};

struct JumpChain {
  const std::string* to;
  const char* from;
  bool ct_new;
};

// nftablesJumpChains, in upstream order (which is the rule order within each base chain).
const JumpChain kJumpChains[] = {
    {&kNodePortEndpointsCheckChain, "filter-input", true},
    {&kServiceEndpointsCheckChain, "filter-input", true},
    {&kServiceEndpointsCheckChain, "filter-forward", true},
    {&kServiceEndpointsCheckChain, "filter-output", true},
    {&kFirewallCheckChain, "filter-prerouting-pre-dnat", true},
    {&kFirewallCheckChain, "filter-output-pre-dnat", true},
    {&kServicesChain, "nat-output", false},
    {&kServicesChain, "nat-prerouting", false},
    {&kMasqueradingChain, "nat-postrouting", false},
    {&kClusterIPsCheckChain, "filter-forward", true},
    {&kClusterIPsCheckChain, "filter-output", true},
};

void declare_map(datapath::NftTable& t, const std::string& name, std::vector<NftDataType> type, const char* comment) {
  auto& m = t.set(name);
  m.key_type = std::move(type);
  m.is_map = true;
  m.comment = comment;
}

const net::Cidr kLoopback{net::Ipv4Address::from_octets(127, 0, 0, 0), 8};

}  // namespace

NftVerdict jump_to(const std::string& chain) { return NftVerdict{NftVerdict::Kind::Jump, chain}; }
NftVerdict goto_chain(const std::string& chain) { return NftVerdict{NftVerdict::Kind::Goto, chain}; }
NftVerdict verdict(NftVerdict::Kind k) { return NftVerdict{k, {}}; }

void write_setup(SyncContext& ctx, const std::vector<net::Cidr>& service_cidrs) {
  auto& t = ctx.table;
  t.comment = "rules for kube-proxy";
  for (const auto& b : kBaseChains) t.base_chain(b.name, NftBaseHook{b.type, b.hook, b.priority, false});
  for (const auto& j : kJumpChains) {
    t.chain(*j.to);
    Rule r;
    if (j.ct_new) r.ct_new();
    t.add_rule(j.from, r.then(jump_to(*j.to)));
  }
  for (const auto* name : {&kServicesChain, &kClusterIPsCheckChain, &kMasqueradingChain, &kMarkMasqChain}) t.chain(*name);

  t.add_rule(kMarkMasqChain, Rule{}.add(datapath::NftMarkSet{datapath::NftMarkSet::Op::Or, ctx.mark}).done());
  t.add_rule(kMasqueradingChain, Rule{}.mark_clear(ctx.mark).then(verdict(NftVerdict::Kind::Return)));
  t.add_rule(kMasqueradingChain, Rule{}.add(datapath::NftMarkSet{datapath::NftMarkSet::Op::Xor, ctx.mark}).done());
  t.add_rule(kMasqueradingChain, Rule{}.add(datapath::NftMasquerade{ctx.config.random_fully}).done());

  auto& cluster_ips = t.set(kClusterIPsSet);
  cluster_ips.key_type = {NftDataType::Ipv4Addr};
  cluster_ips.comment = "Active ClusterIPs";
  // A packet still addressed to a ClusterIP after DNAT asked for a port the Service lacks.
  t.add_rule(kClusterIPsCheckChain, Rule{}
                                        .in_set(false, kClusterIPsSet)
                                        .add(datapath::NftReject{})
                                        .comment("Reject traffic to invalid ports of ClusterIPs")
                                        .done());
  if (!service_cidrs.empty())
    t.add_rule(kClusterIPsCheckChain, Rule{}
                                          .daddr_in(service_cidrs)
                                          .comment("Drop traffic to unallocated ClusterIPs")
                                          .then(verdict(NftVerdict::Kind::Drop)));

  if (!ctx.match_all_nodeport_addresses) {
    auto& s = t.set(kNodePortIPsSet);
    s.key_type = {NftDataType::Ipv4Addr};
    s.comment = "IPs that accept NodePort traffic";
    // Node addresses inside --nodeport-addresses; localhost NodePorts do not exist in this mode.
    if (ctx.node.ip)
      for (const auto& c : ctx.config.node_port_addresses)
        if (c.contains(*ctx.node.ip)) {
          t.add_element(kNodePortIPsSet, datapath::NftElement{{{ctx.node.ip->value(), 0, 0}, 1}, {}, {}});
          break;
        }
  }

  declare_map(t, kNoEndpointServicesMap, {NftDataType::Ipv4Addr, NftDataType::InetProto, NftDataType::InetService},
              "vmap to drop or reject packets to services with no endpoints");
  declare_map(t, kNoEndpointNodePortsMap, {NftDataType::InetProto, NftDataType::InetService},
              "vmap to drop or reject packets to service nodeports with no endpoints");
  t.chain(kRejectChain).comment = "helper for @no-endpoint-services / @no-endpoint-nodeports";
  t.add_rule(kRejectChain, Rule{}.add(datapath::NftReject{}).done());
  t.add_rule(kServiceEndpointsCheckChain,
             Rule{}.vmap({NftField::IpDaddr, NftField::L4Proto, NftField::ThDport}, kNoEndpointServicesMap).done());
  if (ctx.match_all_nodeport_addresses)
    t.add_rule(kNodePortEndpointsCheckChain,
               Rule{}.daddr(kLoopback, true).vmap({NftField::L4Proto, NftField::ThDport}, kNoEndpointNodePortsMap).done());
  else
    t.add_rule(kNodePortEndpointsCheckChain, Rule{}
                                                 .in_set(false, kNodePortIPsSet)
                                                 .vmap({NftField::L4Proto, NftField::ThDport}, kNoEndpointNodePortsMap)
                                                 .done());

  declare_map(t, kFirewallIPsMap, {NftDataType::Ipv4Addr, NftDataType::InetProto, NftDataType::InetService},
              "destinations that are subject to LoadBalancerSourceRanges");
  t.add_rule(kFirewallCheckChain,
             Rule{}.vmap({NftField::IpDaddr, NftField::L4Proto, NftField::ThDport}, kFirewallIPsMap).done());

  declare_map(t, kServiceIPsMap, {NftDataType::Ipv4Addr, NftDataType::InetProto, NftDataType::InetService},
              "ClusterIP, ExternalIP and LoadBalancer IP traffic");
  declare_map(t, kServiceNodePortsMap, {NftDataType::InetProto, NftDataType::InetService}, "NodePort traffic");
  t.add_rule(kServicesChain, Rule{}.vmap({NftField::IpDaddr, NftField::L4Proto, NftField::ThDport}, kServiceIPsMap).done());
  if (ctx.match_all_nodeport_addresses)
    t.add_rule(kServicesChain, Rule{}
                                   .fib_local(false)
                                   .daddr(kLoopback, true)
                                   .vmap({NftField::L4Proto, NftField::ThDport}, kServiceNodePortsMap)
                                   .done());
  else
    t.add_rule(kServicesChain, Rule{}
                                   .in_set(false, kNodePortIPsSet)
                                   .vmap({NftField::L4Proto, NftField::ThDport}, kServiceNodePortsMap)
                                   .done());
}

}  // namespace packetwalk::model::kubeproxy::nftdetail
