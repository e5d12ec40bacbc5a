// Load-balancing probabilities in both dialects (k8s-semantics.md §1.3 rule 4, §8 vector 2):
// what kube-proxy writes ("%0.10f" of 1/n) and what iptables-save shows back (the kernel's
// threshold round(P * 2^31) printed as threshold / 2^31 with "%.11f"). The restore test checks
// the second column against the real iptables as well.

#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"

namespace packetwalk::model::kubeproxy {
namespace {

struct ProbabilityRow {
  std::size_t remaining;
  const char* written;
  const char* saved;
  std::uint32_t threshold;
};

class Probabilities : public ::testing::TestWithParam<ProbabilityRow> {};

TEST_P(Probabilities, BothDialects) {
  const auto& row = GetParam();
  EXPECT_EQ(probability_text(row.remaining), row.written);
  datapath::StatisticMatch m = statistic_for(row.remaining);
  EXPECT_EQ(m.written, row.written);
  EXPECT_EQ(m.threshold, row.threshold);
  EXPECT_EQ(datapath::saved_probability(m.threshold), row.saved);
}

INSTANTIATE_TEST_SUITE_P(OneOverN, Probabilities,
                         ::testing::Values(ProbabilityRow{2, "0.5000000000", "0.50000000000", 1073741824},
                                           ProbabilityRow{3, "0.3333333333", "0.33333333349", 715827883},
                                           ProbabilityRow{4, "0.2500000000", "0.25000000000", 536870912},
                                           ProbabilityRow{5, "0.2000000000", "0.20000000019", 429496730},
                                           ProbabilityRow{6, "0.1666666667", "0.16666666651", 357913941},
                                           ProbabilityRow{7, "0.1428571429", "0.14285714272", 306783378},
                                           ProbabilityRow{8, "0.1250000000", "0.12500000000", 268435456},
                                           ProbabilityRow{9, "0.1111111111", "0.11111111101", 238609294},
                                           ProbabilityRow{10, "0.1000000000", "0.10000000009", 214748365}));

}  // namespace
}  // namespace packetwalk::model::kubeproxy
