// The regular expressions users write in HTTPRoutes, ingress-nginx paths and Corefile rewrites.
#include "packetwalk/model/text/regex.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace packetwalk::model::text
