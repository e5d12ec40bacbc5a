// kube-proxy's endpoint choice, run through the whole datapath with query::ProbeRunner:
//  - iptables (statistic cascade) and nftables (numgen) spread 10,000 connections uniformly over
//    3 and 7 endpoints: a chi-square goodness-of-fit test against 1/n must not reject at
//    p = 0.001 (critical values 13.816 for 2 and 22.458 for 6 degrees of freedom);
//  - IPVS rr splits them exactly (each endpoint n/k rounded down or up, in a fixed cycle);
//  - sessionAffinity: ClientIP pins one client to one backend in all three modes, once the
//    runner keeps conntrack, recent lists / affinity sets and IPVS templates between probes.
// The kube-proxy random stream is per node and seeded, so every run of this test is identical.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::kubeproxy {
namespace {

const char* kManifests = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: three}
spec:
  replicas: 3
  selector: {matchLabels: {app: three}}
  template:
    metadata: {labels: {app: three}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: seven}
spec:
  replicas: 7
  selector: {matchLabels: {app: seven}}
  template:
    metadata: {labels: {app: seven}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: three}
spec: {selector: {app: three}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: seven}
spec: {selector: {app: seven}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: three}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: node-1, containers: [{name: c, image: curl}]}
)";

std::unique_ptr<cluster::Cluster> build(const std::string& mode) {
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "test";
  s.cluster = load::default_cluster_spec();
  s.cluster.proxy_mode = mode;
  s.manifests = load::load_manifest_text(kManifests, "lb.yaml", 0, diags);
  load::remove_duplicates(s.manifests, diags);
  std::unique_ptr<cluster::Cluster> c;
  if (!diags.has_errors()) c = cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all())
    if (d.severity == load::Severity::Error) ADD_FAILURE() << load::format_diagnostic(d);
  return c;
}

query::ProbeTarget to_service(const cluster::Cluster& c, const char* service) {
  query::ProbeTarget t;
  t.from = *c.pod_netns("default", "client");
  t.dst = *c.services().find("default", service)->cluster_ip;
  t.port = 80;
  return t;
}

// Backend pod -> connections, over `n` fresh connections.
std::map<std::string, int> spread(cluster::Cluster& c, const char* service, int n, bool keep_state = false) {
  query::ProbeRunner runner(c.topology(), c.spec().seed);
  runner.set_applications(&c.applications());
  runner.keep_state(keep_state);
  std::map<std::string, int> counts;
  const auto target = to_service(c, service);
  for (int i = 0; i < n; ++i) {
    auto r = runner.run(target);
    EXPECT_EQ(r.trace.disposition, trace::Disposition::Connected) << r.trace.reason;
    ++counts[r.answered_by];
  }
  return counts;
}

double chi_square(const std::map<std::string, int>& counts, int n, int k) {
  const double expected = static_cast<double>(n) / k;
  double chi2 = 0;
  for (const auto& [pod, observed] : counts) chi2 += (observed - expected) * (observed - expected) / expected;
  chi2 += (k - static_cast<int>(counts.size())) * expected;  // endpoints never chosen
  return chi2;
}

constexpr int kConnections = 10000;

class RandomModes : public ::testing::TestWithParam<std::string> {};

TEST_P(RandomModes, UniformOverThreeAndSevenEndpoints) {
  auto c = build(GetParam());
  ASSERT_TRUE(c);
  struct Case {
    const char* service;
    int endpoints;
    double critical;  // chi-square, p = 0.001
  };
  for (const Case& k : {Case{"three", 3, 13.816}, Case{"seven", 7, 22.458}}) {
    const auto counts = spread(*c, k.service, kConnections);
    EXPECT_EQ(static_cast<int>(counts.size()), k.endpoints) << k.service;
    const double chi2 = chi_square(counts, kConnections, k.endpoints);
    EXPECT_LT(chi2, k.critical) << GetParam() << " " << k.service << ": chi-square " << chi2;
    RecordProperty(std::string(k.service) + "_chi2", std::to_string(chi2));
  }
}

INSTANTIATE_TEST_SUITE_P(KubeProxy, RandomModes, ::testing::Values("iptables", "nftables"));

TEST(IpvsRoundRobin, ExactSplitInAFixedCycle) {
  auto c = build("ipvs");
  ASSERT_TRUE(c);
  for (auto [service, k] : {std::pair{"three", 3}, std::pair{"seven", 7}}) {
    query::ProbeRunner runner(c->topology(), c->spec().seed);
    runner.set_applications(&c->applications());
    const auto target = to_service(*c, service);
    std::vector<std::string> order;
    std::map<std::string, int> counts;
    for (int i = 0; i < kConnections; ++i) {
      auto r = runner.run(target);
      ASSERT_EQ(r.trace.disposition, trace::Disposition::Connected) << r.trace.reason;
      ++counts[r.answered_by];
      if (i < k) order.push_back(r.answered_by);
      else ASSERT_EQ(r.answered_by, order[static_cast<std::size_t>(i % k)]) << "connection " << i;
    }
    ASSERT_EQ(static_cast<int>(counts.size()), k);
    for (const auto& [pod, n] : counts) {
      EXPECT_GE(n, kConnections / k) << pod;
      EXPECT_LE(n, kConnections / k + 1) << pod;
    }
  }
}

class AffinityModes : public ::testing::TestWithParam<std::string> {};

TEST_P(AffinityModes, ClientIpPinsOneBackend) {
  auto c = build(GetParam());
  ASSERT_TRUE(c);
  const auto pinned = spread(*c, "sticky", 200, /*keep_state=*/true);
  EXPECT_EQ(pinned.size(), 1u) << GetParam() << ": one client must stay on one backend";
  // Without kept state every connection starts afresh and spreads again.
  const auto fresh = spread(*c, "sticky", 60, /*keep_state=*/false);
  EXPECT_GT(fresh.size(), 1u) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(KubeProxy, AffinityModes, ::testing::Values("iptables", "nftables", "ipvs"));

}  // namespace
}  // namespace packetwalk::model::kubeproxy
