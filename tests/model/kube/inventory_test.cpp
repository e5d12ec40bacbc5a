#include "packetwalk/model/kube/inventory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "../load/test_data.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using test::data_path;
using test::diagnostic_lines;

load::ManifestSet load_files(const std::vector<std::string>& relative, load::Diagnostics& diags) {
  std::vector<std::string> paths;
  for (const auto& r : relative) paths.push_back(data_path(r));
  return load::load_manifest_paths(paths, diags);
}

Inventory inventory_of(const std::vector<std::string>& relative, load::Diagnostics& diags,
                       const load::ClusterSpec& cluster = load::default_cluster_spec()) {
  auto set = load_files(relative, diags);
  return build_inventory(cluster, set, diags);
}

std::vector<const PodInfo*> pods_owned_by(const Inventory& inv, std::string_view kind, std::string_view prefix) {
  std::vector<const PodInfo*> out;
  for (const auto& p : inv.pods)
    if (p.owner_kind == kind && p.owner_name.rfind(prefix, 0) == 0) out.push_back(&p);
  return out;
}

// "name node ip" for every pod, in inventory order.
std::vector<std::string> placement(const Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& p : inv.pods) out.push_back(p.namespace_ + "/" + p.name + " " + p.node + " " + p.ip.to_string());
  return out;
}

const std::string kRand = "[bcdfghjklmnpqrstvwxz2456789]";

TEST(Workloads, DeploymentPodsAreNamedAfterTheirReplicaSet) {
  load::Diagnostics diags;
  auto inv = inventory_of({"manifests/inventory/workloads.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  auto web = pods_owned_by(inv, "ReplicaSet", "web-");
  ASSERT_EQ(web.size(), 3u);
  // SafeEncodeString of a decimal uint32 only yields these ten characters.
  std::smatch m;
  ASSERT_TRUE(std::regex_match(web[0]->owner_name, m, std::regex("web-([456789bcdf]{1,10})")));
  std::string hash = m[1];
  for (const auto* p : web) {
    EXPECT_TRUE(std::regex_match(p->name, std::regex("web-" + hash + "-" + kRand + "{5}"))) << p->name;
    EXPECT_EQ(p->owner_name, "web-" + hash);
    EXPECT_EQ(p->labels.at("pod-template-hash"), hash);
    EXPECT_EQ(p->labels.at("app"), "web");
  }
  EXPECT_NE(web[0]->name, web[1]->name);

  // Same template, same names, every time; another template, another hash.
  load::Diagnostics again_diags;
  auto again = inventory_of({"manifests/inventory/workloads.yaml"}, again_diags);
  EXPECT_EQ(placement(again), placement(inv));
  load::Diagnostics v2_diags;
  auto v2 = inventory_of({"manifests/inventory/web-v2.yaml"}, v2_diags);
  auto web2 = pods_owned_by(v2, "ReplicaSet", "web-");
  ASSERT_EQ(web2.size(), 3u);
  EXPECT_NE(web2[0]->owner_name, web[0]->owner_name);
}

TEST(Workloads, StatefulSetPodsHaveStableIdentities) {
  load::Diagnostics diags;
  auto inv = inventory_of({"manifests/inventory/workloads.yaml"}, diags);
  const auto* db0 = inv.find_pod("data", "db-0");
  const auto* db1 = inv.find_pod("data", "db-1");
  ASSERT_TRUE(db0 && db1);
  EXPECT_EQ(inv.find_pod("data", "db-2"), nullptr);
  EXPECT_EQ(db0->hostname, "db-0");
  EXPECT_EQ(db0->subdomain, "db");
  EXPECT_EQ(db1->labels.at("statefulset.kubernetes.io/pod-name"), "db-1");
  EXPECT_EQ(db1->labels.at("apps.kubernetes.io/pod-index"), "1");
  EXPECT_TRUE(std::regex_match(db1->labels.at("controller-revision-hash"), std::regex("db-[456789bcdf]{1,10}")));
  EXPECT_EQ(db0->owner_kind, "StatefulSet");
  EXPECT_EQ(db0->owner_name, "db");
}

TEST(Workloads, JobsReplicaSetsAndDaemonSets) {
  load::Diagnostics diags;
  auto cluster = load::default_cluster_spec();
  cluster.nodes[0].labels["role"] = "edge";
  cluster.nodes[2].labels["role"] = "edge";
  auto inv = inventory_of({"manifests/inventory/workloads.yaml"}, diags, cluster);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());

  auto jobs = pods_owned_by(inv, "Job", "migrate");
  ASSERT_EQ(jobs.size(), 2u);  // min(parallelism 3, completions 2)
  EXPECT_TRUE(std::regex_match(jobs[0]->name, std::regex("migrate-" + kRand + "{5}")));
  EXPECT_EQ(jobs[0]->labels.at("job-name"), "migrate");

  auto cache = pods_owned_by(inv, "ReplicaSet", "cache");
  ASSERT_EQ(cache.size(), 1u);
  EXPECT_TRUE(std::regex_match(cache[0]->name, std::regex("cache-" + kRand + "{5}")));

  // One agent per node whose labels match the DaemonSet's nodeSelector.
  auto agents = pods_owned_by(inv, "DaemonSet", "agent");
  ASSERT_EQ(agents.size(), 2u);
  std::vector<std::string> nodes = {agents[0]->node, agents[1]->node};
  std::sort(nodes.begin(), nodes.end());
  EXPECT_THAT(nodes, ElementsAre("node-1", "node-3"));
  EXPECT_EQ(agents[0]->namespace_, "kube-system");
}

TEST(Scheduler, SpreadsPodsHonouringNodeNameAndNodeSelector) {
  load::Diagnostics diags;
  auto cluster = load::default_cluster_spec();
  cluster.nodes[1].labels["disk"] = "ssd";
  auto inv = inventory_of({"manifests/inventory/placement.yaml"}, diags, cluster);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  // Pinned pods first (host-agent, zz-restored on node-1, pinned on node-3), then the others in
  // name order, each to the least loaded node (ties: first by name).
  EXPECT_THAT(placement(inv), ElementsAre("default/host-agent node-1 192.168.0.11",
                                          "default/p1 node-2 10.244.1.2",
                                          "default/p2 node-2 10.244.1.3",
                                          "default/p3 node-3 10.244.2.2",
                                          "default/p4 node-1 10.244.0.2",
                                          "default/p5 node-2 10.244.1.4",
                                          "default/p6 node-3 10.244.2.3",
                                          "default/pinned node-3 10.244.2.4",
                                          "default/wants-ssd node-2 10.244.1.5",
                                          "default/zz-restored node-1 10.244.0.3"));
  std::map<std::string, int> per_node;
  for (const auto& p : inv.pods) ++per_node[p.node];
  EXPECT_EQ(per_node, (std::map<std::string, int>{{"node-1", 3}, {"node-2", 4}, {"node-3", 3}}));
  EXPECT_TRUE(inv.find_pod("default", "host-agent")->host_network);
}

TEST(Scheduler, ErrorsNameThePodAndTheField) {
  load::Diagnostics diags;
  auto inv = inventory_of({"bad_input/unknown-node-name.yaml", "bad_input/no-matching-node.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("bad_input/no-matching-node.yaml:7:5: error: Pod default/gpu-job: spec.nodeSelector: no "
                          "node matches {accelerator=nvidia} (3 nodes)",
                          "bad_input/unknown-node-name.yaml:6:13: error: Pod default/pinned: spec.nodeName: node "
                          "\"node-9\" does not exist"));
  EXPECT_TRUE(inv.pods.empty());  // neither pod could be placed
}

TEST(Scheduler, ResultDoesNotDependOnInputOrder) {
  load::Diagnostics d1, d2;
  auto a = inventory_of({"manifests/inventory/workloads.yaml", "manifests/inventory/placement.yaml",
                         "manifests/order1"},
                        d1);
  auto b = inventory_of({"manifests/order2", "manifests/inventory/placement.yaml",
                         "manifests/inventory/workloads.yaml"},
                        d2);
  EXPECT_EQ(diagnostic_lines(d1).size(), diagnostic_lines(d2).size());
  EXPECT_EQ(placement(a), placement(b));
  EXPECT_GT(a.pods.size(), 15u);
}

TEST(Ipam, HonoursStatusPodIpAndReportsConflicts) {
  load::Diagnostics diags;
  auto inv = inventory_of({"bad_input/pod-ip-outside-cidr.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("bad_input/pod-ip-outside-cidr.yaml:9:10: error: Pod default/moved: status.podIP: "
                          "10.244.1.9 is outside the pod CIDR 10.244.0.0/24 of node \"node-1\"",
                          "bad_input/pod-ip-outside-cidr.yaml:29:10: error: Pod default/twin-b: status.podIP: "
                          "10.244.1.7 is already used by another pod"));
  // The pods keep going with fresh addresses so later stages can still report on them.
  EXPECT_THAT(placement(inv), ElementsAre("default/moved node-1 10.244.0.2", "default/twin-a node-2 10.244.1.7",
                                          "default/twin-b node-2 10.244.1.2"));
}

TEST(Ipam, ExhaustedPodCidrIsAnError) {
  load::Diagnostics diags;
  auto cluster = load::default_cluster_spec();
  cluster.nodes.resize(1);
  cluster.nodes[0].pod_cidr = *net::Cidr::parse("10.244.0.0/28");  // .2 to .14: 13 pods
  // 21 pods that need an address (pinned and wants-ssd find no node in this cluster).
  auto inv = inventory_of({"manifests/inventory/workloads.yaml", "manifests/inventory/placement.yaml",
                           "manifests/tree", "manifests/order1"},
                          diags, cluster);
  EXPECT_EQ(inv.pods.size(), 14u);  // 13 addressed pods + the hostNetwork one
  int exhausted = 0;
  for (const auto& line : diagnostic_lines(diags))
    exhausted += line.find("no free pod IP left in 10.244.0.0/28 on node \"node-1\"") != std::string::npos;
  EXPECT_EQ(exhausted, 8);
}

TEST(Nodes, NodeObjectsReplaceTheScenarioNodes) {
  load::Diagnostics diags;
  auto inv = inventory_of({"manifests/inventory/nodes.yaml", "manifests/inventory/placement.yaml"}, diags);
  ASSERT_EQ(inv.nodes.size(), 2u);
  const auto* a = inv.find_node("worker-a");
  const auto* b = inv.find_node("worker-b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->internal_ip, *net::Ipv4Address::parse("192.168.0.50"));
  EXPECT_EQ(b->pod_cidr, *net::Cidr::parse("10.244.7.0/24"));
  // worker-a wrote neither: it gets the first free default address and subnet.
  EXPECT_EQ(a->internal_ip, *net::Ipv4Address::parse("192.168.0.11"));
  EXPECT_EQ(a->pod_cidr, *net::Cidr::parse("10.244.0.0/24"));
  EXPECT_EQ(a->labels.at("kubernetes.io/hostname"), "worker-a");
  EXPECT_EQ(a->labels.at("kubernetes.io/os"), "linux");
  EXPECT_EQ(inv.find_node("node-1"), nullptr);
  // Pods naming a node the manifests replaced are reported; wants-ssd lands on worker-b.
  EXPECT_EQ(inv.find_pod("default", "wants-ssd")->node, "worker-b");
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("manifests/inventory/placement.yaml:7:13: error: Pod default/pinned: spec.nodeName: node "
                          "\"node-3\" does not exist",
                          "manifests/inventory/placement.yaml:22:13: error: Pod default/host-agent: spec.nodeName: "
                          "node \"node-1\" does not exist",
                          "manifests/inventory/placement.yaml:29:13: error: Pod default/zz-restored: spec.nodeName: "
                          "node \"node-1\" does not exist"));
}

TEST(Namespaces, ExplicitAndImpliedOnesCarryTheirNameLabel) {
  load::Diagnostics diags;
  auto inv = inventory_of({"manifests/list.yaml", "manifests/inventory/workloads.yaml"}, diags);
  std::vector<std::string> names;
  for (const auto& ns : inv.namespaces) names.push_back(ns.meta.name);
  EXPECT_THAT(names, ElementsAre("data", "default", "kube-system", "prod"));
  const auto* prod = inv.find_namespace("prod");
  ASSERT_TRUE(prod);
  EXPECT_EQ(prod->meta.labels.at("team"), "payments");
  EXPECT_EQ(prod->meta.labels.at("kubernetes.io/metadata.name"), "prod");
  EXPECT_EQ(inv.find_namespace("data")->meta.labels.at("kubernetes.io/metadata.name"), "data");
}

TEST(Inventory, KubectlDumpIsNotExpandedTwice) {
  load::Diagnostics diags;
  auto inv = inventory_of({"manifests/kubectl-dump.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  EXPECT_THAT(placement(inv), ElementsAre("default/api-server-7d4b9c8f5d-x7k2p worker-1 10.244.1.7"));
}

}  // namespace
}  // namespace packetwalk::model::kube
