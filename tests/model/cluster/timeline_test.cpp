// The timeline played forward (model/cluster/timeline.h): what each change leaves in the cluster
// a later probe sees.
#include "packetwalk/model/cluster/timeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../load/test_data.h"

namespace packetwalk::model::cluster {
namespace {

using test::data_path;
using test::diagnostic_lines;

std::vector<const kube::PodInfo*> web_pods(const Cluster& c) {
  std::vector<const kube::PodInfo*> out;
  for (const auto& p : c.inventory().pods)
    if (p.owner_kind == "ReplicaSet" && p.name.rfind("web-", 0) == 0) out.push_back(&p);
  return out;
}

std::size_t ready_endpoints(const Cluster& c, const std::string& service) {
  const auto* svc = c.services().find("default", service);
  if (!svc) return 0;
  std::size_t n = 0;
  for (const auto& port : svc->ports)
    for (const auto& e : port.endpoints) n += e.ready ? 1 : 0;
  return n;
}

std::size_t service_chains(const Cluster& c, const std::string& node) {
  const auto& nat = c.topology().netns(*c.node_netns(node)).netfilter.nat;
  std::size_t n = 0;
  for (const auto& [name, chain] : nat.chains) n += name.rfind("KUBE-SVC-", 0) == 0 ? 1 : 0;
  return n;
}

class Timeline : public ::testing::Test {
protected:
  void SetUp() override {
    scenario_ = load::load_scenario(data_path("scenarios/timeline.yaml"), diags_);
    ASSERT_FALSE(diags_.has_errors()) << ::testing::PrintToString(diagnostic_lines(diags_));
  }
  std::vector<TimedCluster> at(std::vector<double> times) {
    auto out = build_timeline(scenario_, times, diags_);
    EXPECT_FALSE(diags_.has_errors()) << ::testing::PrintToString(diagnostic_lines(diags_));
    return out;
  }
  load::Diagnostics diags_;
  load::Scenario scenario_;
};

TEST_F(Timeline, EntriesAreSortedByTimeKeepingWrittenOrder) {
  ASSERT_EQ(scenario_.timeline.size(), 5u);
  EXPECT_EQ(scenario_.timeline[0].action, load::TimelineAction::StopKubeProxy);
  EXPECT_EQ(scenario_.timeline[1].action, load::TimelineAction::Scale);  // 1m, written before the fault
  EXPECT_EQ(scenario_.timeline[2].action, load::TimelineAction::Fault);
  EXPECT_EQ(scenario_.timeline[3].at, 90);
  EXPECT_EQ(scenario_.timeline[4].at, 120);
  EXPECT_EQ(scenario_.probes[0].at, 90);
}

TEST_F(Timeline, ScalingAddsPodsAndThoseThatRanKeepTheirAddresses) {
  auto c = at({0, 60});
  ASSERT_EQ(c.size(), 2u);
  auto before = web_pods(*c[0].cluster), after = web_pods(*c[1].cluster);
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(after.size(), 3u);
  for (const auto* p : before) {
    const auto* same = c[1].cluster->inventory().find_pod("default", p->name);
    ASSERT_NE(same, nullptr) << p->name;
    EXPECT_EQ(same->ip, p->ip) << p->name;
    EXPECT_EQ(same->node, p->node) << p->name;
  }
  EXPECT_EQ(ready_endpoints(*c[1].cluster, "web"), 3u);
  // Nothing changed between 0 and 30s: one cluster serves both.
  auto same = at({0, 30});
  EXPECT_EQ(same[0].cluster, same[1].cluster);
}

TEST_F(Timeline, StoppedKubeProxyKeepsTheRulesOfItsLastSync) {
  auto c = at({100});
  const auto& now = *c[0].cluster;
  ASSERT_NE(now.services().find("default", "late"), nullptr);
  EXPECT_EQ(service_chains(now, "node-3"), service_chains(now, "node-1") + 1);  // late, on node-3 only
  EXPECT_FALSE(now.topology().netns(*now.node_netns("node-1")).kube_proxy_running);
}

TEST_F(Timeline, FailedNodeLosesItsEndpointsAfterTheGracePeriodThenItsPods) {
  auto c = at({150, 165, 170, 470});
  auto on_node_2 = [](const Cluster& cl) {
    std::size_t n = 0;
    for (const auto* p : web_pods(cl)) n += p->node == "node-2" ? 1 : 0;
    return n;
  };
  ASSERT_GT(on_node_2(*c[0].cluster), 0u);
  // 30s after the failure: eth0 is down, the endpoints are still ready.
  EXPECT_FALSE(c[0].cluster->topology().iface(*c[0].cluster->topology().find_iface(*c[0].cluster->node_netns("node-2"), "eth0")).up);
  EXPECT_EQ(ready_endpoints(*c[0].cluster, "web"), 3u);
  // 45s after: still ready (the grace period is 50s since Kubernetes 1.32, no longer 40s).
  EXPECT_EQ(ready_endpoints(*c[1].cluster, "web"), 3u);
  // 50s after: NotReady, its pods left the endpoints.
  EXPECT_EQ(ready_endpoints(*c[2].cluster, "web"), 3u - on_node_2(*c[2].cluster));
  // 350s after: evicted and rescheduled elsewhere.
  EXPECT_EQ(on_node_2(*c[3].cluster), 0u);
  EXPECT_EQ(ready_endpoints(*c[3].cluster, "web"), 3u);
}

// A change naming what does not exist at its time is an error at its entry, and nothing is built.
TEST(TimelineErrors, MissingObjectOrNodeIsAnErrorAtTheEntry) {
  for (const auto& [file, message] :
       {std::pair<std::string, std::string>{"scenarios/timeline-missing.yaml",
                                            "scenarios/timeline-missing.yaml:4:5: error: timeline at 10s: scale: no "
                                            "Deployment default/nope at that time"},
        {"scenarios/timeline-no-node.yaml",
         "scenarios/timeline-no-node.yaml:4:5: error: timeline at 20s: no node \"node-9\" in the cluster"}}) {
    load::Diagnostics diags;
    auto scenario = load::load_scenario(data_path(file), diags);
    ASSERT_FALSE(diags.has_errors()) << file;
    EXPECT_TRUE(build_timeline(scenario, {0, 30}, diags).empty()) << file;
    EXPECT_THAT(diagnostic_lines(diags), ::testing::ElementsAre(message)) << file;
    // Before the entry's time the cluster builds.
    load::Diagnostics early;
    EXPECT_EQ(build_timeline(scenario, {0, 5}, early).size(), 2u) << file;
  }
}

}  // namespace
}  // namespace packetwalk::model::cluster
