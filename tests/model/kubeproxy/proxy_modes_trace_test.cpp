// The three kube-proxy modes through the packet engine: where the DNAT happens and what the
// trace records (netfilter hops with rules tested and lookups, the deciding rule of each NAT).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::kubeproxy {
namespace {

using trace::HopAction;

std::unique_ptr<cluster::Cluster> build(const std::string& mode) {
  load::Diagnostics diags;
  load::Scenario s =
      load::load_scenario(std::string(PACKETWALK_SOURCE_DIR) + "/scenarios/services/spread-3.yaml", diags);
  s.cluster.proxy_mode = mode;
  std::unique_ptr<cluster::Cluster> c;
  if (!diags.has_errors()) c = cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all())
    if (d.severity == load::Severity::Error) ADD_FAILURE() << load::format_diagnostic(d);
  return c;
}

query::ProbeResult probe(cluster::Cluster& c, const char* service, net::Port port = 80, const char* from = "client") {
  query::ProbeRunner runner(c.topology(), c.spec().seed);
  runner.set_applications(&c.applications());
  query::ProbeTarget t;
  t.from = *c.pod_netns("default", from);
  t.dst = *c.services().find("default", service)->cluster_ip;
  t.port = port;
  return runner.run(t);
}

const trace::Hop* find_hop(const trace::Trace& tr, HopAction a, const std::string& detail_prefix, std::size_t leg = 0) {
  for (const auto& h : tr.legs.at(leg).hops)
    if (h.action == a && h.detail.rfind(detail_prefix, 0) == 0) return &h;
  return nullptr;
}

TEST(ProxyModesTrace, NftablesDnatsInNatPrerouting) {
  auto c = build("nftables");
  ASSERT_TRUE(c);
  auto r = probe(*c, "web");
  ASSERT_EQ(r.trace.disposition, trace::Disposition::Connected) << r.trace.reason;
  const auto* nat = find_hop(r.trace, HopAction::Netfilter, "ip kube-proxy nat-prerouting");
  ASSERT_TRUE(nat);
  EXPECT_EQ(nat->hook, "PREROUTING");
  EXPECT_GE(nat->lookups, 2u);  // @service-ips, numgen map
  ASSERT_GE(nat->rules.size(), 3u);
  EXPECT_EQ(nat->rules[0].chain, "nat-prerouting");
  EXPECT_EQ(nat->rules[1].chain, "services");
  EXPECT_NE(nat->rules[1].text.find("# " + c->services().find("default", "web")->cluster_ip->to_string() + " . tcp . 80 : goto service-"),
            std::string::npos)
      << nat->rules[1].text;
  const auto* dnat = find_hop(r.trace, HopAction::Dnat, "add rule ip kube-proxy endpoint-");
  ASSERT_TRUE(dnat);
  EXPECT_EQ(dnat->hook, "PREROUTING");
  // The filter chains ran too (ct state new jumps), and no iptables KUBE-* chain exists.
  EXPECT_TRUE(find_hop(r.trace, HopAction::Netfilter, "ip kube-proxy filter-forward"));
  for (const auto& leg : r.trace.legs)
    for (const auto& h : leg.hops)
      for (const auto& rule : h.rules) EXPECT_EQ(rule.chain.rfind("KUBE-", 0), std::string::npos) << rule.text;
}

TEST(ProxyModesTrace, IpvsDnatsAtInput) {
  auto c = build("ipvs");
  ASSERT_TRUE(c);
  auto r = probe(*c, "web");
  ASSERT_EQ(r.trace.disposition, trace::Disposition::Connected) << r.trace.reason;
  const auto* ipvs = find_hop(r.trace, HopAction::Netfilter, "IPVS");
  ASSERT_TRUE(ipvs);
  EXPECT_EQ(ipvs->hook, "INPUT");
  EXPECT_EQ(ipvs->lookups, 2u);
  const auto* dnat = find_hop(r.trace, HopAction::Dnat, "IPVS TCP  ");
  ASSERT_TRUE(dnat);
  EXPECT_EQ(dnat->hook, "INPUT");
  EXPECT_EQ(dnat->before->dst, *c->services().find("default", "web")->cluster_ip);
  // Nothing DNATs in PREROUTING; the SYN-ACK gets the VIP back at FORWARD (ip_vs_out) on node-1.
  for (const auto& h : r.trace.legs[0].hops) EXPECT_FALSE(h.action == HopAction::Dnat && h.hook == "PREROUTING");
  bool restored = false;
  for (const auto& h : r.trace.legs.at(1).hops)
    restored = restored || (h.action == HopAction::Snat && h.hook == "FORWARD" && h.detail.rfind("IPVS", 0) == 0);
  EXPECT_TRUE(restored);
  // The ACK is translated from IPVS's connection table, again at INPUT.
  bool ack_dnat = false;
  for (const auto& h : r.trace.legs.at(2).hops)
    ack_dnat = ack_dnat || (h.action == HopAction::Dnat && h.detail.find("(connection table)") != std::string::npos);
  EXPECT_TRUE(ack_dnat);
}

TEST(ProxyModesTrace, IpvsServiceIpIsLocalAndWrongPortIsRejected) {
  auto c = build("ipvs");
  ASSERT_TRUE(c);
  auto r = probe(*c, "web", 81);
  EXPECT_EQ(r.trace.disposition, trace::Disposition::Refused) << r.trace.reason;
  const auto* drop = find_hop(r.trace, HopAction::Drop, "-A KUBE-IPVS-FILTER");
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->drop_reason, trace::DropReason::NetfilterReject);
}

TEST(ProxyModesTrace, NoEndpointsAreRefusedInEveryMode) {
  for (const char* mode : {"iptables", "nftables", "ipvs"}) {
    auto c = build(mode);
    ASSERT_TRUE(c);
    auto r = probe(*c, "empty");
    EXPECT_EQ(r.trace.disposition, trace::Disposition::Refused) << mode << ": " << r.trace.reason;
  }
}

TEST(ProxyModesTrace, IptablesCountsRulesNftablesCountsLookups) {
  auto ipt = build("iptables");
  auto nft = build("nftables");
  ASSERT_TRUE(ipt && nft);
  auto a = probe(*ipt, "web");
  auto b = probe(*nft, "web");
  const auto* nat = find_hop(a.trace, HopAction::Netfilter, "nat");
  ASSERT_TRUE(nat);
  EXPECT_EQ(nat->lookups, 0u);
  EXPECT_GT(nat->rules_evaluated, 3u);
  // The hop's time includes its cost: per_rule each rule, per_lookup each lookup.
  const datapath::EngineCosts costs;
  const auto* nft_nat = find_hop(b.trace, HopAction::Netfilter, "ip kube-proxy nat-prerouting");
  ASSERT_TRUE(nft_nat);
  EXPECT_GT(nft_nat->lookups, 0u);
  (void)costs;
}

}  // namespace
}  // namespace packetwalk::model::kubeproxy
