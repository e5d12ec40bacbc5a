// The whole ruleset of one node against a golden file written by hand from k8s-semantics.md §1
// (not produced by this code), in iptables-save dialect.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"
#include "test_services.h"

namespace packetwalk::model::kubeproxy {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ProxyConfig golden_config() {
  ProxyConfig c;
  c.cluster_cidr = kptest::cidr("10.244.0.0/16");
  return c;
}

TEST(IptablesGolden, SmallClusterNode1) {
  datapath::Netfilter nf;
  program_iptables(kptest::golden_services(), ProxyNode{"node-1", kptest::ip("192.168.0.11")}, golden_config(), nf);
  const std::string path = std::string(PACKETWALK_SOURCE_DIR) + "/tests/golden/kubeproxy/small_cluster_node1.iptables-save";
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << "missing golden file " << path;
  EXPECT_EQ(datapath::save_netfilter(nf), expected);
}

TEST(IptablesGolden, SecondSyncIsIdentical) {
  // kube-proxy resyncs every 30 s; the result must not grow or move.
  datapath::Netfilter nf;
  const auto services = kptest::golden_services();
  program_iptables(services, ProxyNode{"node-1", kptest::ip("192.168.0.11")}, golden_config(), nf);
  const std::string first = datapath::save_netfilter(nf);
  program_iptables(services, ProxyNode{"node-1", kptest::ip("192.168.0.11")}, golden_config(), nf);
  EXPECT_EQ(datapath::save_netfilter(nf), first);
}

TEST(IptablesGolden, ResyncDropsChainsOfRemovedServices) {
  datapath::Netfilter nf;
  auto services = kptest::golden_services();
  const ProxyNode node{"node-1", kptest::ip("192.168.0.11")};
  program_iptables(services, node, golden_config(), nf);
  ASSERT_NE(nf.nat.find("KUBE-SVC-CDGGSHYLG3RE2FKL"), nullptr);
  services.services.pop_back();  // default/web goes away
  program_iptables(services, node, golden_config(), nf);
  for (const auto& [name, chain] : nf.nat.chains) {
    EXPECT_EQ(name.find("CDGGSHYLG3RE2FKL"), std::string::npos) << name;
    for (const auto& r : chain.rules) EXPECT_EQ(datapath::rule_to_string(name, r).find("default/web"), std::string::npos);
  }
  EXPECT_EQ(nf.nat.find("KUBE-SEP-AFGSLHOD2HFNCBX4"), nullptr);
  EXPECT_NE(nf.nat.find("KUBE-SVC-BL4VTDSJDQ5TV32O"), nullptr);
}

}  // namespace
}  // namespace packetwalk::model::kubeproxy
