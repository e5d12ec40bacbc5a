// reach under cni: cilium must give the verdicts of tracing each pair through Cilium's datapath
// (bpf_lxc's programs on the lxc devices): the randomised clusters of the Calico test
// (policy/reach_trace_test.cpp), with ipBlocks naming pod addresses, built under Cilium.
#include <gtest/gtest.h>

#include "../policy/random_cluster.h"

namespace packetwalk::model::policy_test {
namespace {

TEST(ReachEqualsTrace, RandomisedCiliumClusters) { expect_reach_equals_traces("cilium"); }

}  // namespace
}  // namespace packetwalk::model::policy_test
