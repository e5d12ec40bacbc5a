// reach's verdicts (the NetworkPolicy evaluator) must equal what the Calico datapath does with the
// first packet. Randomised small clusters, seeded so failures reproduce: random namespaces and
// labels, random pods (some hostNetwork), random policies using every feature; every ordered pair
// of pods on several ports is traced through the datapath with a ProbeRunner.
#include <gtest/gtest.h>

#include "packetwalk/model/query/reach_groups.h"
#include "random_cluster.h"

namespace packetwalk::model::policy_test {
namespace {

TEST(ReachEqualsTrace, RandomisedCalicoClusters) { expect_reach_equals_traces("calico"); }

// `reach` prints the matrix computed from the control plane alone (no datapath built): it must
// be compute_reach's on the built cluster, cell for cell, reasons included.
TEST(ReachEqualsTrace, MatrixWithoutDatapathEqualsBuiltCluster) {
  const std::vector<query::ReachPort> ports = {tcp(80), tcp(81), udp(53), udp(4789), sctp(80)};
  std::size_t cells = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    auto s = random_scenario(seed);
    auto c = build_random(s, seed);
    if (!c) continue;
    load::Diagnostics diags;
    auto world = query::build_reach_world(s, diags);
    ASSERT_TRUE(world) << "seed " << seed;
    for (bool explicit_ports : {true, false}) {
      query::ReachOptions o;
      if (explicit_ports) o.ports = ports;
      const auto built = query::compute_reach(*c, o);
      const auto plain = query::compute_reach(world->inputs(), o);
      EXPECT_EQ(plain.pods, built.pods) << "seed " << seed;
      EXPECT_EQ(plain.ports, built.ports) << "seed " << seed;
      ASSERT_EQ(plain.results.size(), built.results.size()) << "seed " << seed;
      for (std::size_t i = 0; i < built.results.size(); ++i) {
        const auto& a = built.results[i];
        const auto& b = plain.results[i];
        ++cells;
        EXPECT_TRUE(a.from == b.from && a.to == b.to && a.port == b.port && a.allowed == b.allowed && a.listening == b.listening &&
                    a.reason == b.reason)
            << "seed " << seed << ": " << a.from << " -> " << a.to << " " << a.port.to_string() << "\n  built: " << a.allowed
            << " " << a.reason << "\n  plain: " << b.from << " -> " << b.to << " " << b.allowed << " " << b.reason;
      }
    }
  }
  EXPECT_GT(cells, 1000u);
}

TEST(ReachEqualsTrace, GroupingEvaluatesLessThanEveryPair) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  EXPECT_EQ(m.results.size(), 81u);
  // Pods of one namespace are alike here: 3 groups, so at most 9 evaluations for 72 non-self pairs.
  EXPECT_LE(m.evaluations, 9u);
}

}  // namespace
}  // namespace packetwalk::model::policy_test
