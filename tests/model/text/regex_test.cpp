// The regular expressions users write in HTTPRoutes, ingress-nginx paths and Corefile rewrites.
#include "packetwalk/model/text/regex.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace packetwalk::model::text {
namespace {

TEST(Regex, FullMatchNeedsTheWholeValue) {
  const Regex re("/api/v[0-9]+");
  EXPECT_TRUE(re.full_match("/api/v2"));
  EXPECT_FALSE(re.full_match("/api/v2/users"));
  EXPECT_FALSE(re.full_match("/v1/api/v2"));
}

TEST(Regex, SearchReturnsTheGroupsAndAnAbsentGroupAsEmpty) {
  const Regex re("^(.*)\\.cluster\\.local\\.$|(nothing)");
  auto m = re.search("web.default.svc.cluster.local.");
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[0], "web.default.svc.cluster.local.");
  EXPECT_EQ((*m)[1], "web.default.svc");
  EXPECT_EQ((*m)[2], "");
}

TEST(Regex, AnchoredSearchIsNginxLocationMatching) {
  // `location ~* ^/app(/|$)(.*)`: a prefix of the URI, case-insensitive.
  const Regex re("/app(/|$)(.*)", {.case_insensitive = true});
  EXPECT_TRUE(re.search("/APP/users", /*anchored_at_start=*/true).has_value());
  EXPECT_FALSE(re.search("/other/app/users", /*anchored_at_start=*/true).has_value());
  EXPECT_TRUE(re.search("/other/app/users").has_value());
  EXPECT_FALSE(Regex("/app").search("/APP"));
}

TEST(Regex, ABadPatternIsReportedAndMatchesNothing) {
  const Regex re("/v1/(unclosed");
  EXPECT_FALSE(re.ok());
  EXPECT_NE(re.error().find("missing )"), std::string::npos) << re.error();
  EXPECT_FALSE(re.full_match("/v1/(unclosed"));
  EXPECT_FALSE(re.search("/v1/(unclosed"));
  // RE2 refuses backreferences, as Envoy and Go's regexp do.
  EXPECT_FALSE(Regex("(a)\\1").ok());
}

TEST(Regex, PatternsThatBacktrackingEnginesChokeOnStillAnswer) {
  // A backtracking engine needs about 2^n steps for (a|aa)*c against n a's, and std::regex recursed
  // once per character of a long path; the fuzzer found both (tests/fuzz/regressions/ingress).
  const std::string many(60, 'a');
  EXPECT_FALSE(Regex("/(a|aa)*c").full_match("/" + many));
  const std::string long_path = "/" + std::string(100000, 'a');
  EXPECT_TRUE(Regex("/(a|b)*").full_match(long_path));
}

TEST(Regex, CompiledIsOneCopyPerPatternAndCaseOption) {
  // A pattern is compiled once however often a trace matches it; the case option is part of the
  // pattern's identity, so nginx's case-insensitive copy never answers for a gateway's exact one.
  const Regex& exact = Regex::compiled("/App(/|$)(.*)");
  const Regex& again = Regex::compiled(std::string("/App(/|$)(.*)"));
  const Regex& folded = Regex::compiled("/App(/|$)(.*)", {.case_insensitive = true});
  EXPECT_EQ(&exact, &again);
  EXPECT_NE(&exact, &folded);
  EXPECT_FALSE(exact.full_match("/app/x"));
  EXPECT_TRUE(folded.full_match("/app/x"));
  EXPECT_TRUE(exact.full_match("/App/x"));

  // A bad pattern's kept copy still says why and matches nothing.
  const Regex& bad = Regex::compiled("/api/(v1");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("missing )"), std::string::npos) << bad.error();
  EXPECT_FALSE(bad.full_match("/api/(v1"));
}

TEST(Regex, CompiledCopiesAreSharedAcrossThreads) {
  // `packetwalk test` runs scenarios on several threads: each must get the same copy, and matching
  // it at once from all of them gives the same answers.
  constexpr int kThreads = 4;
  std::vector<const Regex*> seen(kThreads);
  std::vector<int> matches(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 200; ++n) {
        const Regex& re = Regex::compiled("^/v[0-9]+/items/([a-z]+)$");
        seen[i] = &re;
        matches[i] += re.full_match("/v" + std::to_string(n) + "/items/shoe") ? 1 : 0;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(seen[i], seen[0]);
    EXPECT_EQ(matches[i], 200);
  }
}

}  // namespace
}  // namespace packetwalk::model::text
