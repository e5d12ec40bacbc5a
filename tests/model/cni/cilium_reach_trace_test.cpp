// reach under cni: cilium must give the verdicts of tracing each pair through Cilium's datapath
// (bpf_lxc's programs on the lxc devices): the randomised clusters of the Calico test
// (policy/reach_trace_test.cpp), with ipBlocks naming pod addresses, built under Cilium.
#include <gtest/gtest.h>

#include "../policy/random_cluster.h"

namespace packetwalk::model::policy_test {
namespace {

TEST(ReachEqualsTrace, RandomisedCiliumClusters) {
  const std::vector<query::ReachPort> ports = {tcp(80), tcp(81), udp(53), udp(80), sctp(80)};
  std::size_t cells = 0, denied = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    auto s = random_scenario(seed);
    s.cluster.cni = "cilium";
    auto c = build_random(s, seed);
    if (!c) continue;
    auto m = reach(*c, ports);
    query::ProbeRunner runner(c->topology(), seed);
    for (const auto& cell : m.results) {
      std::string why;
      const bool got = delivered(*c, runner, cell.from, cell.to, cell.port, &why);
      ++cells;
      denied += !cell.allowed;
      EXPECT_EQ(cell.allowed, got) << "seed " << seed << ": " << cell.from << " -> " << cell.to << " "
                                   << cell.port.to_string() << "\n  reach: " << cell.reason << "\n  trace: " << why;
    }
  }
  EXPECT_GT(cells, 1000u);
  EXPECT_GT(denied, 100u);  // the policies do deny: the comparison is not all "allowed"
}

}  // namespace
}  // namespace packetwalk::model::policy_test
