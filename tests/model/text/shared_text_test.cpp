// SharedText is how a trace holds rule and route texts: copies share one string, and to the code
// that prints or searches them it must read exactly like the std::string it replaced.
#include "packetwalk/model/text/shared_text.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

// Interned texts are the names a trace repeats in every hop (nodes, namespaces, devices, hooks,
// chains, routes): one copy per distinct text for the whole process, whoever asks and from which
// thread (`packetwalk test` builds clusters on several threads at once).
TEST(SharedText, InternedTextsAreOneCopyPerTextAcrossThreads) {
  std::string source = "KUBE-SVC-TCOU7JCQXEZGVUNU";
  const SharedText first = SharedText::interned(source);
  source.assign("overwritten");  // the pool keeps its own copy, not a view of the caller's string
  EXPECT_EQ(first, "KUBE-SVC-TCOU7JCQXEZGVUNU");
  EXPECT_EQ(&SharedText::interned("KUBE-SVC-TCOU7JCQXEZGVUNU").str(), &first.str());
  EXPECT_NE(&SharedText::interned("KUBE-SVC-ERIFXISQEP7F7OF4").str(), &first.str());
  EXPECT_TRUE(SharedText::interned("").empty());

  std::vector<const std::string*> seen(2 * 200);
  auto work = [&](std::size_t offset) {
    for (std::size_t i = 0; i < 200; ++i) seen[offset + i] = &SharedText::interned("node-" + std::to_string(i)).str();
  };
  std::thread other(work, 200);
  work(0);
  other.join();
  for (std::size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(seen[i], seen[200 + i]) << "node-" << i << " was interned twice";
    EXPECT_EQ(*seen[i], "node-" + std::to_string(i));
  }
  // A copy of an interned text is the same characters, and compares like any other text.
  const SharedText copy = first;  // NOLINT(performance-unnecessary-copy-initialization): the point
  EXPECT_EQ(&copy.str(), &first.str());
  EXPECT_EQ(copy, SharedText(std::string("KUBE-SVC-TCOU7JCQXEZGVUNU")));
}

}  // namespace
}  // namespace packetwalk::model::text
