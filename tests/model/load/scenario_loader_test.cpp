#include "packetwalk/model/load/scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_data.h"

namespace packetwalk::model::load {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using test::data_path;
using test::diagnostic_lines;

net::Ipv4Address ip(const char* text) { return *net::Ipv4Address::parse(text); }
net::Cidr cidr(const char* text) { return *net::Cidr::parse(text); }

TEST(DefaultClusterSpec, ThreeFlannelNodesOnKubeadmRanges) {
  auto spec = default_cluster_spec();
  ASSERT_EQ(spec.nodes.size(), 3u);
  EXPECT_EQ(spec.nodes[0].name, "node-1");
  EXPECT_EQ(spec.nodes[0].ip, ip("192.168.0.11"));
  EXPECT_EQ(spec.nodes[0].pod_cidr, cidr("10.244.0.0/24"));
  EXPECT_EQ(spec.nodes[2].name, "node-3");
  EXPECT_EQ(spec.nodes[2].ip, ip("192.168.0.13"));
  EXPECT_EQ(spec.nodes[2].pod_cidr, cidr("10.244.2.0/24"));
  EXPECT_EQ(spec.node_network, cidr("192.168.0.0/24"));
  EXPECT_EQ(spec.pod_cidr, cidr("10.244.0.0/16"));
  EXPECT_EQ(spec.service_cidr, cidr("10.96.0.0/12"));
  EXPECT_EQ(spec.cluster_domain, "cluster.local");
  EXPECT_EQ(spec.cni, "flannel");
  EXPECT_EQ(spec.proxy_mode, "iptables");
  EXPECT_EQ(spec.seed, 1u);
  EXPECT_EQ(spec.mtu, 1500);
  EXPECT_FALSE(spec.set.nodes || spec.set.pod_cidr || spec.set.seed || spec.set.mtu);
}

TEST(NodeSubnets, FollowFlannelSubnetLen) {
  EXPECT_EQ(node_subnet_length(cidr("10.244.0.0/16")), 24);
  EXPECT_EQ(node_subnet_length(cidr("10.244.0.0/22")), 24);
  EXPECT_EQ(node_subnet_length(cidr("10.50.0.0/26")), 28);
  EXPECT_EQ(node_pod_cidr(cidr("10.244.0.0/16"), 255), cidr("10.244.255.0/24"));
  EXPECT_EQ(node_pod_cidr(cidr("10.244.0.0/16"), 256), std::nullopt);
  EXPECT_EQ(node_address(cidr("192.168.0.0/24"), 0), ip("192.168.0.11"));
  EXPECT_EQ(node_address(cidr("192.168.0.0/24"), 243), ip("192.168.0.254"));
  EXPECT_EQ(node_address(cidr("192.168.0.0/24"), 244), std::nullopt);  // never the broadcast address
}

// A node's own large pod range is stepped over as a whole: the next node gets the first block
// after it, and blocks between smaller ranges are still used.
TEST(NodeSubnets, SkipRangesOtherNodesAlreadyHold) {
  std::vector<NodeAddressing> nodes(4);
  nodes[0].pod_cidr = cidr("10.0.0.0/9");
  nodes[1].pod_cidr = cidr("10.128.1.0/26");
  fill_node_addressing(nodes, cidr("192.168.0.0/24"), cidr("10.0.0.0/8"));
  ASSERT_TRUE(nodes[2].pod_cidr && nodes[3].pod_cidr);
  EXPECT_EQ(nodes[2].pod_cidr, cidr("10.128.0.0/24"));
  EXPECT_EQ(nodes[3].pod_cidr, cidr("10.128.2.0/24"));

  std::vector<NodeAddressing> full(2);
  full[0].pod_cidr = cidr("10.0.0.0/8");
  fill_node_addressing(full, cidr("192.168.0.0/24"), cidr("10.0.0.0/8"));
  EXPECT_FALSE(full[1].pod_cidr) << "no block is left once one node holds the whole cluster range";
}

TEST(ScenarioLoader, MinimalScenarioGetsTheDefaults) {
  Diagnostics diags;
  auto s = load_scenario(data_path("scenarios/minimal.yaml"), diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.cluster.nodes.size(), 3u);
  EXPECT_EQ(s.cluster.nodes[1].ip, ip("192.168.0.12"));
  EXPECT_EQ(s.manifests.size(), 0u);
  EXPECT_TRUE(s.probes.empty());
}

TEST(ScenarioLoader, ReadsClusterManifestsAndProbes) {
  Diagnostics diags;
  auto s = load_scenario(data_path("scenarios/full.yaml"), diags);
  // The inline document's warning points into the scenario file, at the line of the field.
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("scenarios/full.yaml:34:13: warning: Pod default/inline-pod: unknown field "
                          "\"spec.containers[0].portz\""));
  EXPECT_EQ(s.name, "cross-node");
  EXPECT_EQ(s.description, "web-app talks to its sidecar and to a pod on another node");

  const auto& c = s.cluster;
  EXPECT_TRUE(c.set.nodes && c.set.node_network && c.set.pod_cidr && c.set.service_cidr && c.set.cluster_domain &&
              c.set.proxy_mode && c.set.seed && c.set.mtu);
  EXPECT_FALSE(c.set.cni);
  EXPECT_EQ(c.cluster_domain, "example.internal");
  EXPECT_EQ(c.proxy_mode, "nftables");
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.mtu, 9000);
  ASSERT_EQ(c.nodes.size(), 3u);
  // Missing values are filled from the scenario's ranges, skipping those written explicitly.
  EXPECT_EQ(c.nodes[0].name, "alpha");
  EXPECT_EQ(c.nodes[0].ip, ip("10.0.0.11"));
  EXPECT_EQ(c.nodes[0].pod_cidr, cidr("10.100.0.0/24"));
  EXPECT_EQ(c.nodes[0].labels.at("disk"), "ssd");
  EXPECT_EQ(c.nodes[1].name, "beta");
  EXPECT_EQ(c.nodes[1].ip, ip("10.0.0.50"));
  EXPECT_EQ(c.nodes[1].pod_cidr, cidr("10.100.9.0/24"));
  EXPECT_EQ(c.nodes[2].name, "node-3");
  EXPECT_EQ(c.nodes[2].ip, ip("10.0.0.12"));
  EXPECT_EQ(c.nodes[2].pod_cidr, cidr("10.100.1.0/24"));

  // Paths are relative to the scenario; inline documents are loaded too (text and YAML forms).
  EXPECT_THAT(s.manifest_paths, ElementsAre(data_path("manifests/web-app.yaml"), data_path("manifests/tree")));
  std::vector<std::string> pods;
  for (const auto& p : s.manifests.pods) pods.push_back(p.ref());
  EXPECT_THAT(pods, ElementsAre("Pod default/inline-pod", "Pod default/tree-a", "Pod default/tree-b",
                                "Pod default/tree-c", "Pod default/web-app"));
  EXPECT_EQ(s.manifests.pods[0].meta.pos, (SourcePos{data_path("scenarios/full.yaml"), 25, 7}));
  ASSERT_EQ(s.manifests.config_maps.size(), 1u);
  EXPECT_EQ(s.manifests.config_maps[0].meta.pos.line, 36);

  ASSERT_EQ(s.probes.size(), 3u);
  const auto& p0 = s.probes[0];
  EXPECT_EQ(p0.name, "sidecar-localhost");
  EXPECT_EQ(p0.from, "default/web-app");
  EXPECT_EQ(p0.container, "app");
  EXPECT_EQ(p0.to, "localhost:9090");
  EXPECT_EQ(p0.protocol, "TCP");
  EXPECT_TRUE(p0.expect.present);
  EXPECT_EQ(p0.expect.outcome, "connected");
  EXPECT_EQ(p0.pos.line, 41);
  const auto& p1 = s.probes[1];
  EXPECT_EQ(p1.name, "probe-2");
  EXPECT_EQ(p1.protocol, "UDP");
  EXPECT_EQ(p1.expect.outcome, "timeout");
  EXPECT_THAT(p1.expect.via, ElementsAre("flannel.1", "DNAT"));
  EXPECT_EQ(p1.expect.backend, "default/inline-pod");
  EXPECT_FALSE(s.probes[2].expect.present);
}

TEST(ScenarioLoader, BadValuesAreErrorsAtTheirLines) {
  Diagnostics diags;
  auto s = load_scenario(data_path("scenarios/bad.yaml"), diags);
  EXPECT_THAT(
      diagnostic_lines(diags),
      ElementsAre(
          "scenarios/bad.yaml:5:3: warning: unknown field \"metadata.owner\"",
          "scenarios/bad.yaml:7:10: error: cluster.nodes: must be between 1 and 1000, got 0",
          "scenarios/bad.yaml:8:12: error: cluster.podCIDR: must be a valid IPv4 CIDR (e.g. 10.244.0.0/16), got "
          "\"10.244.0.0/33\"",
          "scenarios/bad.yaml:9:16: error: cluster.serviceCIDR: must be a network address without host bits (e.g. "
          "10.96.0.0/12), got \"10.96.0.1/12\"",
          "scenarios/bad.yaml:10:14: error: cluster.proxyMode: Unsupported value: \"userspace\": supported values: "
          "\"iptables\", \"ipvs\", \"nftables\"",
          "scenarios/bad.yaml:11:8: error: cluster.mtu: expected an integer, got \"1500\" (remove the quotes)",
          "scenarios/bad.yaml:13:5: error: manifests[0]: the path \"../manifests/does-not-exist.yaml\" does not "
          "exist (looked for manifests/does-not-exist.yaml)",
          "scenarios/bad.yaml:16:5: error: missing required field \"probes[0].to\"",
          "scenarios/bad.yaml:18:13: error: probes[0].expect: Unsupported value: \"works\": supported values: "
          "\"connected\", \"dropped\", \"nxdomain\", \"refused\", \"timeout\", \"unreachable\"",
          "scenarios/bad.yaml:19:5: error: missing required field \"probes[1].from\"",
          "scenarios/bad.yaml:19:5: error: probes[1].name: duplicate probe name \"p\""));
  // The manifest that exists is still loaded.
  EXPECT_EQ(s.manifests.pods.size(), 1u);
}

TEST(ScenarioLoader, TooManyNodesForThePodCidr) {
  Diagnostics diags;
  auto s = load_scenario(data_path("scenarios/small-pod-cidr.yaml"), diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("scenarios/small-pod-cidr.yaml:6:10: error: cluster.nodes: too many nodes for nodeNetwork "
                          "192.168.0.0/24 and podCIDR 10.50.0.0/26 (no address or pod subnet left for node "
                          "\"node-5\")"));
  ASSERT_EQ(s.cluster.nodes.size(), 4u);
  EXPECT_EQ(s.cluster.nodes[3].pod_cidr, cidr("10.50.0.48/28"));
}

TEST(ScenarioLoader, MissingScenarioFile) {
  Diagnostics diags;
  load_scenario(data_path("scenarios/nope.yaml"), diags);
  EXPECT_THAT(diagnostic_lines(diags), ElementsAre("error: the scenario file \"scenarios/nope.yaml\" does not exist"));
}

}  // namespace
}  // namespace packetwalk::model::load
