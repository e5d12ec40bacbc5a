// Calico's datapath and Felix's rule rendering: names, routes, chain layout, and a trace whose
// drop names the policy that decided.
#include "packetwalk/model/cni/calico.h"

#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/query/expectation.h"
#include "policy_test_util.h"

namespace packetwalk::model::policy_test {
namespace {

std::unique_ptr<cluster::Cluster> scenario_cluster(const std::string& path, load::Diagnostics& diags) {
  auto s = load::load_scenario(source_path(path), diags);
  if (diags.has_errors()) return nullptr;
  return cluster::Cluster::build(s, diags);
}

TEST(Calico, VethNameIsCaliPlusSha1OfNamespaceDotPod) {
  EXPECT_EQ(cni::calico_veth_name("default", "frontend"), "cali9b723216629");
  EXPECT_EQ(cni::calico_veth_name("x", "a"), "cali456b416f2bf");
}

TEST(Calico, PolicyChainNamesFitIptablesLimit) {
  kube::NetworkPolicy p;
  p.meta.namespace_ = "x";
  p.meta.name = "deny";
  EXPECT_EQ(cni::calico_policy_chain(policy::Direction::Ingress, p), "cali-pi-x/deny");
  EXPECT_EQ(cni::calico_policy_chain(policy::Direction::Egress, p), "cali-po-x/deny");
  p.meta.name = "a-much-longer-policy-name";
  auto name = cni::calico_policy_chain(policy::Direction::Ingress, p);
  EXPECT_EQ(name.size(), 28u);
  EXPECT_EQ(name.rfind("cali-pi-_", 0), 0u);
}

TEST(Calico, PodAndHostRoutingAsCalicoProgramsIt) {
  load::Diagnostics diags;
  auto c = scenario_cluster("scenarios/policy/api-server-policy.yaml", diags);
  ASSERT_TRUE(c) << (diags.all().empty() ? "" : load::format_diagnostic(diags.all().front()));
  const auto& t = c->topology();
  auto pod_ns = *c->pod_netns("default", "frontend");
  std::vector<std::string> routes;
  for (const auto& r : t.netns(pod_ns).routes.routes()) routes.push_back(t.describe_route(r));
  EXPECT_EQ(routes, (std::vector<std::string>{"169.254.1.1/32 dev eth0 scope link", "default via 169.254.1.1 dev eth0"}));
  auto node_ns = *c->node_netns("node-1");
  auto cali = t.find_iface(node_ns, "cali9b723216629");
  ASSERT_TRUE(cali);
  EXPECT_TRUE(t.iface(*cali).proxy_arp);
  EXPECT_EQ(t.iface(*cali).mac.to_string(), "ee:ee:ee:ee:ee:ee");
  EXPECT_TRUE(t.iface(*cali).addresses.empty());
  auto vx = t.find_iface(node_ns, "vxlan.calico");
  ASSERT_TRUE(vx);
  EXPECT_EQ(t.iface(*vx).vni, 4096u);
  EXPECT_EQ(t.iface(*vx).vxlan_port, 4789);
  EXPECT_EQ(t.iface(*vx).mtu, 1450u);
  bool remote_block = false;
  for (const auto& r : t.netns(node_ns).routes.routes())
    remote_block |= t.describe_route(r) == "10.244.1.0/24 via 10.244.1.0 dev vxlan.calico onlink";
  EXPECT_TRUE(remote_block);
  EXPECT_FALSE(t.find_iface(node_ns, "cni0"));
}

TEST(Calico, FelixChainsGateForwardAndNameThePolicy) {
  load::Diagnostics diags;
  auto c = scenario_cluster("scenarios/policy/api-server-policy.yaml", diags);
  ASSERT_TRUE(c);
  const auto& nf = c->topology().netns(*c->node_netns("node-2")).netfilter;
  const auto& forward = nf.filter.find("FORWARD")->rules;
  ASSERT_FALSE(forward.empty());
  EXPECT_NE(datapath::rule_spec_to_string(forward.front()).find("-j cali-FORWARD"), std::string::npos);
  const std::string tw = "cali-tw-" + cni::calico_veth_name("default", "api-server");
  const auto* chain = nf.filter.find(tw);
  ASSERT_TRUE(chain);
  std::string text;
  for (const auto& r : chain->rules) text += datapath::rule_to_string(tw, r) + "\n";
  kube::NetworkPolicy p;
  p.meta.namespace_ = "default";
  p.meta.name = "api-server-policy";
  const auto pi = cni::calico_policy_chain(policy::Direction::Ingress, p);
  EXPECT_NE(text.find("-m mark --mark 0x0/0x20000 -j " + pi), std::string::npos) << text;
  EXPECT_NE(text.find("ingress of default/api-server is isolated by NetworkPolicy default/api-server-policy"), std::string::npos)
      << text;
  const auto* policy_chain = nf.filter.find(pi);
  ASSERT_TRUE(policy_chain);
  std::string rules;
  for (const auto& r : policy_chain->rules) rules += datapath::rule_to_string(pi, r) + "\n";
  EXPECT_NE(rules.find("NetworkPolicy default/api-server-policy ingress rule 0 from[0] ports[0]"), std::string::npos) << rules;
  EXPECT_NE(rules.find("-p tcp -m") , std::string::npos) << rules;
  EXPECT_NE(rules.find("--dport 8080 -j MARK --set-xmark 0x10000/0x10000"), std::string::npos) << rules;
  // Same input, same text: nothing depends on construction order or addresses.
  auto again = scenario_cluster("scenarios/policy/api-server-policy.yaml", diags);
  EXPECT_EQ(datapath::save_netfilter(nf), datapath::save_netfilter(again->topology().netns(*again->node_netns("node-2")).netfilter));
}

TEST(Calico, DeniedTraceDropsInTheEndpointChainNamingThePolicy) {
  load::Diagnostics diags;
  auto c = scenario_cluster("scenarios/policy/api-server-policy.yaml", diags);
  ASSERT_TRUE(c);
  query::ProbeRunner runner(c->topology(), 1);
  query::ProbeTarget t;
  t.from = *c->pod_netns("default", "batch");
  t.dst = c->inventory().find_pod("default", "api-server")->ip;
  t.port = 8080;
  auto r = runner.run(t);
  EXPECT_EQ(r.trace.disposition, trace::Disposition::Timeout);
  const trace::Hop* drop = nullptr;
  for (const auto& h : r.trace.legs.front().hops)
    if (h.action == trace::HopAction::Drop) drop = &h;
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->netns, "node-2");
  EXPECT_EQ(drop->drop_reason, trace::DropReason::NetfilterDrop);
  EXPECT_NE(drop->detail.find("-A cali-tw-"), std::string::npos) << drop->detail;
  load::Expectation e;
  e.dropped_by = "NetworkPolicy/api-server-policy";
  EXPECT_TRUE(query::check_expectation(e, r).passed);
  e.dropped_by = "NetworkPolicy/default/api-server-policy";
  EXPECT_TRUE(query::check_expectation(e, r).passed);
  e.dropped_by = "NetworkPolicy/api-server";
  EXPECT_FALSE(query::check_expectation(e, r).passed);

  // frontend -> api-server:8080 is allowed; the netfilter hop lists the rule that accepted it.
  t.from = *c->pod_netns("default", "frontend");
  auto ok = runner.run(t);
  EXPECT_EQ(ok.trace.disposition, trace::Disposition::Connected);
  bool named = false;
  for (const auto& h : ok.trace.legs.front().hops)
    for (const auto& rule : h.rules) named |= rule.text.find("NetworkPolicy default/api-server-policy ingress rule 0") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(Calico, FlannelWarnsThatEveryPolicyHasNoEffect) {
  load::Diagnostics diags;
  auto c = scenario_cluster("scenarios/policy/api-server-policy-flannel.yaml", diags);
  ASSERT_TRUE(c);
  std::size_t warnings = 0;
  for (const auto& d : diags.all()) {
    if (d.severity == load::Severity::Warning && d.object == "NetworkPolicy default/api-server-policy" &&
        d.message.find("does not enforce NetworkPolicy") != std::string::npos)
      ++warnings;
  }
  EXPECT_EQ(warnings, 1u);
}

}  // namespace
}  // namespace packetwalk::model::policy_test
