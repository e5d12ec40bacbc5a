// SharedText is how a trace holds rule and route texts: copies share one string, and to the code
// that prints or searches them it must read exactly like the std::string it replaced.
#include "packetwalk/model/text/shared_text.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace packetwalk::model::text {
namespace {

TEST(SharedText, CopiesShareOneStringAndReadLikeIt) {
  const SharedText rule(std::string("-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -j KUBE-SVC-TCOU7JCQXEZGVUNU"));
  const SharedText copy = rule;  // NOLINT(performance-unnecessary-copy-initialization): the point
  EXPECT_EQ(&copy.str(), &rule.str());  // the same characters, not a second copy of them
  EXPECT_EQ(copy, rule);
  EXPECT_EQ(copy, "-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -j KUBE-SVC-TCOU7JCQXEZGVUNU");
  EXPECT_TRUE(copy.view().starts_with("-A KUBE-SERVICES"));
  EXPECT_EQ(copy.find("KUBE-SVC-"), 44u);
  EXPECT_EQ(copy.substr(3, 13), "KUBE-SERVICES");
  EXPECT_EQ(copy[0], '-');
  std::ostringstream out;
  out << copy;
  EXPECT_EQ(out.str(), rule.str());
  EXPECT_EQ("rule: " + copy, "rule: " + rule.str());
  const std::string& as_string = copy;  // code written for std::string keeps working
  EXPECT_EQ(as_string.size(), copy.size());
}

TEST(SharedText, EmptyAndUnsetAreTheSame) {
  const SharedText unset;
  const SharedText empty(std::string{});
  EXPECT_TRUE(unset.empty());
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(unset, empty);
  EXPECT_EQ(unset.str(), "");
  EXPECT_EQ(unset.size(), 0u);
  EXPECT_NE(unset, SharedText("filter"));
  EXPECT_LT(SharedText("filter"), SharedText("nat"));  // ordered by text, as std::string is
}

}  // namespace
}  // namespace packetwalk::model::text
