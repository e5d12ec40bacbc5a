// The iptables proxier rule by rule: the cases of k8s-semantics.md §1.1-1.4 and §8 that the
// golden file does not already pin down.

#include <algorithm>

#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kubeproxy/chain_names.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"
#include "test_services.h"

namespace packetwalk::model::kubeproxy {
namespace {

using namespace kptest;  // NOLINT: test helpers
using kube::ServiceType;
using net::Protocol;

const ProxyNode kNode1{"node-1", ip("192.168.0.11")};

ProxyConfig config() {
  ProxyConfig c;
  c.cluster_cidr = cidr("10.244.0.0/16");
  return c;
}

datapath::Netfilter program(const kube::ServiceState& s, const ProxyConfig& c = config(), const ProxyNode& n = kNode1) {
  datapath::Netfilter nf;
  program_iptables(s, n, c, nf);
  return nf;
}

std::vector<std::string> lines(const datapath::Table& t, const std::string& chain) {
  std::vector<std::string> out;
  if (const auto* c = t.find(chain))
    for (const auto& r : c->rules) out.push_back(datapath::rule_to_string(chain, r));
  return out;
}

bool any_line_has(const std::vector<std::string>& ls, const std::string& needle) {
  return std::any_of(ls.begin(), ls.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

kube::ServiceState one(kube::ServiceInfo s) {
  kube::ServiceState st;
  st.services.push_back(std::move(s));
  return st;
}

TEST(Proxier, EndpointsTakeProbabilitiesInStringOrder) {
  auto nf = program(golden_services());
  const std::string svc = svc_chain("default/web:http", Protocol::Tcp);
  const auto& rules = nf.nat.find(svc)->rules;
  ASSERT_EQ(rules.size(), 4u);  // masquerade + 3 endpoints
  auto target = [](const datapath::Rule& r) { return std::get<datapath::JumpTarget>(r.target).chain; };
  EXPECT_EQ(target(rules[1]), sep_chain("default/web:http", Protocol::Tcp, "10.244.1.12:8080"));
  EXPECT_EQ(target(rules[2]), sep_chain("default/web:http", Protocol::Tcp, "10.244.1.5:8080"));
  EXPECT_EQ(target(rules[3]), sep_chain("default/web:http", Protocol::Tcp, "10.244.2.7:8080"));
  auto written = [](const datapath::Rule& r) -> std::string {
    for (const auto& m : r.modules)
      if (auto* s = std::get_if<datapath::StatisticMatch>(&m)) return s->written;
    return "";
  };
  EXPECT_EQ(written(rules[1]), "0.3333333333");
  EXPECT_EQ(written(rules[2]), "0.5000000000");
  EXPECT_EQ(written(rules[3]), "");  // the last one is always taken
}

TEST(Proxier, NoEndpointsRejectsAndMakesNoNatChains) {
  auto nf = program(one(service("ns6", "svc6", ServiceType::ClusterIP, "172.30.0.46",
                                {port("p80", Protocol::Tcp, 80, 80, {})})));
  EXPECT_EQ(lines(nf.filter, "KUBE-SERVICES"),
            std::vector<std::string>{"-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment "
                                     "\"ns6/svc6:p80 has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with "
                                     "icmp-port-unreachable"});
  for (const auto& [name, chain] : nf.nat.chains) EXPECT_EQ(name.find("KUBE-SVC-"), std::string::npos) << name;
  EXPECT_EQ(lines(nf.nat, "KUBE-SERVICES").size(), 1u);  // only the KUBE-NODEPORTS tail
}

TEST(Proxier, InternalLocalWithoutLocalEndpointsDrops) {
  auto s = service("ns", "itp", ServiceType::ClusterIP, "10.96.0.50", {port("", Protocol::Tcp, 80, 80, {ep("10.244.2.5", 80, "node-2")})});
  s.internal_traffic_policy_local = true;
  auto nf = program(one(s));
  EXPECT_EQ(lines(nf.filter, "KUBE-SERVICES"),
            std::vector<std::string>{"-A KUBE-SERVICES -d 10.96.0.50/32 -p tcp -m comment --comment \"ns/itp has no "
                                     "local endpoints\" -m tcp --dport 80 -j DROP"});
  EXPECT_EQ(nf.nat.find(svl_chain("ns/itp", Protocol::Tcp)), nullptr);
  EXPECT_EQ(nf.nat.find(svc_chain("ns/itp", Protocol::Tcp)), nullptr);
  EXPECT_EQ(nf.nat.find(sep_chain("ns/itp", Protocol::Tcp, "10.244.2.5:80")), nullptr);
}

TEST(Proxier, InternalLocalWithLocalEndpointUsesSvl) {
  auto s = service("ns", "itp", ServiceType::ClusterIP, "10.96.0.50",
                   {port("", Protocol::Tcp, 80, 80, {ep("10.244.1.5", 80, "node-1"), ep("10.244.2.5", 80, "node-2")})});
  s.internal_traffic_policy_local = true;
  auto nf = program(one(s));
  const std::string svl = svl_chain("ns/itp", Protocol::Tcp);
  EXPECT_TRUE(any_line_has(lines(nf.nat, "KUBE-SERVICES"), "-j " + svl));
  auto svl_rules = lines(nf.nat, svl);
  ASSERT_EQ(svl_rules.size(), 2u);  // the masquerade rule goes to the internal (SVL) chain
  EXPECT_NE(svl_rules[0].find("! -s 10.244.0.0/16"), std::string::npos);
  EXPECT_NE(svl_rules[1].find(sep_chain("ns/itp", Protocol::Tcp, "10.244.1.5:80")), std::string::npos);
  EXPECT_EQ(nf.nat.find(sep_chain("ns/itp", Protocol::Tcp, "10.244.2.5:80")), nullptr);
}

TEST(Proxier, ExternalLocalWithoutLocalEndpointsDropsButShortCircuitsPods) {
  auto s = service("ns2", "svc2", ServiceType::NodePort, "172.30.0.42",
                   {port("p80", Protocol::Tcp, 80, 80, {ep("10.180.0.2", 80, "node-2")}, 3001)});
  s.external_traffic_policy_local = true;
  s.external_ips = {ip("192.168.99.22")};
  auto nf = program(one(s));
  EXPECT_EQ(lines(nf.filter, "KUBE-EXTERNAL-SERVICES"),
            (std::vector<std::string>{
                "-A KUBE-EXTERNAL-SERVICES -d 192.168.99.22/32 -p tcp -m comment --comment \"ns2/svc2:p80 has no local "
                "endpoints\" -m tcp --dport 80 -j DROP",
                "-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m "
                "addrtype --dst-type LOCAL -m tcp --dport 3001 -j DROP"}));
  const std::string ext = ext_chain("ns2/svc2:p80", Protocol::Tcp);
  auto ext_rules = lines(nf.nat, ext);
  ASSERT_EQ(ext_rules.size(), 3u);  // pod short-circuit, LOCAL masquerade, LOCAL route; no final jump
  EXPECT_NE(ext_rules[0].find("-s 10.244.0.0/16"), std::string::npos);
  EXPECT_EQ(ext_rules.back().find("KUBE-SVL"), std::string::npos);
  EXPECT_TRUE(any_line_has(lines(nf.nat, "KUBE-SERVICES"), "\"ns2/svc2:p80 external IP\""));
}

TEST(Proxier, LargeClusterModeDropsPerEndpointComments) {
  auto c = config();
  c.large_cluster_threshold = 2;  // the golden services have more endpoints than that
  auto nf = program(golden_services(), c);
  const std::string svc = svc_chain("default/web:http", Protocol::Tcp);
  auto rules = lines(nf.nat, svc);
  EXPECT_NE(rules[0].find("\"default/web:http cluster IP\""), std::string::npos);
  EXPECT_EQ(rules[1].find("--comment"), std::string::npos);
  EXPECT_EQ(lines(nf.nat, sep_chain("default/web:http", Protocol::Tcp, "10.244.1.5:8080"))[0],
            "-A " + sep_chain("default/web:http", Protocol::Tcp, "10.244.1.5:8080") + " -s 10.244.1.5/32 -j KUBE-MARK-MASQ");
}

TEST(Proxier, MasqueradeRuleFollowsLocalDetector) {
  const auto services = golden_services();
  const std::string svc = svc_chain("default/web:http", Protocol::Tcp);
  auto none = config();
  none.cluster_cidr.reset();
  EXPECT_FALSE(any_line_has(lines(program(services, none).nat, svc), "KUBE-MARK-MASQ"));
  auto all = none;
  all.masquerade_all = true;
  auto rules = lines(program(services, all).nat, svc);
  EXPECT_EQ(rules[0], "-A " + svc +
                          " -d 10.96.100.10/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp "
                          "--dport 80 -j KUBE-MARK-MASQ");
  // Without a detector ETP Local has no pod short-circuit rule either.
  EXPECT_FALSE(any_line_has(lines(program(services, none).nat, ext_chain("default/lb:web", Protocol::Tcp)), "pod traffic"));
}

TEST(Proxier, CniRulesAddedBeforeStayAfterKubeProxyJumps) {
  datapath::Netfilter nf;
  datapath::Rule flannel;
  flannel.modules = {datapath::CommentMatch{"flanneld forward"}};
  flannel.target = datapath::JumpTarget{"FLANNEL-FWD"};
  nf.filter.append("FORWARD", flannel);
  datapath::Rule kubelet;  // kubelet's own jump, already in place
  kubelet.target = datapath::JumpTarget{"KUBE-FIREWALL"};
  nf.filter.append("INPUT", kubelet);
  program_iptables(golden_services(), kNode1, config(), nf);
  auto forward = lines(nf.filter, "FORWARD");
  ASSERT_EQ(forward.size(), 5u);
  EXPECT_NE(forward.back().find("FLANNEL-FWD"), std::string::npos);
  auto input = lines(nf.filter, "INPUT");
  EXPECT_EQ(std::count_if(input.begin(), input.end(),
                          [](const std::string& l) { return l.find("KUBE-FIREWALL") != std::string::npos; }),
            1);
  EXPECT_EQ(input.back(), "-A INPUT -j KUBE-FIREWALL");
}

TEST(Proxier, ServicesWithoutClusterIpAreSkipped) {
  auto headless = service("ns", "db", ServiceType::ClusterIP, "10.96.0.1", {port("", Protocol::Tcp, 5432, 5432, {ep("10.244.1.9", 5432, "node-1")})});
  headless.cluster_ip.reset();
  headless.headless = true;
  auto nf = program(one(headless));
  EXPECT_EQ(lines(nf.nat, "KUBE-SERVICES").size(), 1u);
  EXPECT_TRUE(lines(nf.filter, "KUBE-SERVICES").empty());
}

TEST(Proxier, AffinityRulesComeBeforeRandomOnes) {
  auto nf = program(golden_services());
  const std::string svc = svc_chain("default/sticky", Protocol::Udp);
  auto rules = lines(nf.nat, svc);
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_NE(rules[1].find("--rcheck --seconds 10800 --reap"), std::string::npos);
  EXPECT_NE(rules[2].find("--rcheck --seconds 10800 --reap"), std::string::npos);
  EXPECT_NE(rules[3].find("--probability 0.50000000000"), std::string::npos);
  EXPECT_EQ(rules[4].find("statistic"), std::string::npos);
}

TEST(Proxier, DnatGoesToTheEndpointPortNotTheServicePort) {
  auto nf = program(golden_services());
  const std::string sep = sep_chain("default/web:http", Protocol::Tcp, "10.244.1.5:8080");
  auto rules = lines(nf.nat, sep);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_NE(rules[1].find("--to-destination 10.244.1.5:8080"), std::string::npos);
}

TEST(Proxier, ServingTerminatingEndpointsAreAFallback) {
  auto e = ep("10.244.1.7", 80, "node-1", false);
  e.serving = true;
  e.terminating = true;
  auto s = service("ns", "drain", ServiceType::ClusterIP, "10.96.0.60", {port("", Protocol::Tcp, 80, 80, {e})});
  auto nf = program(one(s));
  EXPECT_NE(nf.nat.find(sep_chain("ns/drain", Protocol::Tcp, "10.244.1.7:80")), nullptr);
  // Not serving: nothing usable, REJECT.
  s.ports[0].endpoints[0].serving = false;
  auto nf2 = program(one(s));
  EXPECT_TRUE(any_line_has(lines(nf2.filter, "KUBE-SERVICES"), "has no endpoints"));
}

TEST(Proxier, FirewallAllowsTheNodeItselfWhenItsRangeHoldsTheNodeIp) {
  auto golden = golden_services();
  golden.services[2].load_balancer_source_ranges.push_back(cidr("192.168.0.0/24"));
  auto nf = program(golden);
  auto fw = lines(nf.nat, fw_chain("default/lb:web", Protocol::Tcp));
  ASSERT_EQ(fw.size(), 4u);
  EXPECT_NE(fw[2].find("-s 203.0.113.10/32"), std::string::npos);
}

TEST(Proxier, NodePortAddressesAndNoLocalhost) {
  auto c = config();
  c.node_port_addresses = {cidr("192.168.0.0/24")};
  auto nf = program(golden_services(), c);
  auto services = lines(nf.nat, "KUBE-SERVICES");
  EXPECT_NE(services.back().find("-d 192.168.0.11/32"), std::string::npos);
  EXPECT_FALSE(any_line_has(lines(nf.nat, "KUBE-NODEPORTS"), "127.0.0.0/8"));  // localhost NodePorts off
  EXPECT_TRUE(lines(nf.filter, "KUBE-FIREWALL").empty());

  auto no_local = config();
  no_local.localhost_nodeports = false;
  auto tail = lines(program(golden_services(), no_local).nat, "KUBE-SERVICES").back();
  EXPECT_NE(tail.find("! -d 127.0.0.0/8"), std::string::npos);
}

TEST(Proxier, HealthCheckNodePortAcceptedWithoutLocalEndpoints) {
  auto golden = golden_services();
  auto nf = program(golden, config(), ProxyNode{"node-3", ip("192.168.0.13")});
  EXPECT_TRUE(any_line_has(lines(nf.filter, "KUBE-NODEPORTS"), "--dport 32000 -j ACCEPT"));
  EXPECT_TRUE(any_line_has(lines(nf.filter, "KUBE-EXTERNAL-SERVICES"), "\"default/lb:web has no local endpoints\""));
}

TEST(Categorize, LocalAndClusterLists) {
  auto s = service("ns", "x", ServiceType::NodePort, "10.96.0.9",
                   {port("", Protocol::Tcp, 80, 80,
                         {ep("10.244.1.1", 80, "node-1"), ep("10.244.1.2", 80, "node-1", false), ep("10.244.2.1", 80, "node-2")},
                         30000)});
  s.external_traffic_policy_local = true;
  auto c = categorize_endpoints(s, s.ports[0], "node-1");
  EXPECT_TRUE(c.has_any);
  ASSERT_EQ(c.cluster.size(), 2u);
  ASSERT_EQ(c.local.size(), 1u);
  EXPECT_EQ(c.local[0]->to_string(), "10.244.1.1:80");
  EXPECT_EQ(c.reachable.size(), 2u);
  // A ClusterIP-only Service with Cluster policy never uses the local list.
  auto plain = service("ns", "y", ServiceType::ClusterIP, "10.96.0.8", {port("", Protocol::Tcp, 80, 80, {ep("10.244.1.1", 80, "node-1")})});
  auto pc = categorize_endpoints(plain, plain.ports[0], "node-1");
  EXPECT_TRUE(pc.local.empty());
  EXPECT_EQ(pc.reachable.size(), 1u);
}

TEST(Categorize, LocalTerminatingEndpointsAreMergedIn) {
  auto term = ep("10.244.1.3", 80, "node-1", false);
  term.serving = true;
  term.terminating = true;
  auto s = service("ns", "x", ServiceType::NodePort, "10.96.0.9",
                   {port("", Protocol::Tcp, 80, 80, {term, ep("10.244.2.1", 80, "node-2")}, 30000)});
  s.external_traffic_policy_local = true;
  auto c = categorize_endpoints(s, s.ports[0], "node-1");
  ASSERT_EQ(c.cluster.size(), 1u);
  ASSERT_EQ(c.local.size(), 1u);
  ASSERT_EQ(c.reachable.size(), 2u);
  EXPECT_EQ(c.reachable[0]->to_string(), "10.244.1.3:80");
}

}  // namespace
}  // namespace packetwalk::model::kubeproxy
