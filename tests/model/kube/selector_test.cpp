#include "packetwalk/model/kube/selector.h"

#include <gtest/gtest.h>

namespace packetwalk::model::kube {
namespace {

LabelSelector selector(Labels match_labels, std::vector<LabelSelectorRequirement> expressions = {}) {
  return LabelSelector{std::move(match_labels), std::move(expressions)};
}

TEST(LabelSelector, EmptySelectorMatchesEverything) {
  LabelSelector s;
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.matches({}));
  EXPECT_TRUE(s.matches({{"app", "web"}}));
  EXPECT_EQ(s.to_string(), "");
}

TEST(LabelSelector, MatchLabelsNeedEveryPair) {
  auto s = selector({{"app", "api-server"}, {"tier", "backend"}});
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(s.matches({{"app", "api-server"}, {"tier", "backend"}, {"extra", "x"}}));
  EXPECT_FALSE(s.matches({{"app", "api-server"}}));
  EXPECT_FALSE(s.matches({{"app", "api-server"}, {"tier", "frontend"}}));
}

TEST(LabelSelector, OperatorsFollowTheApi) {
  auto in = selector({}, {{"tier", "In", {"a", "b"}}});
  EXPECT_TRUE(in.matches({{"tier", "b"}}));
  EXPECT_FALSE(in.matches({{"tier", "c"}}));
  EXPECT_FALSE(in.matches({}));

  auto not_in = selector({}, {{"tier", "NotIn", {"a"}}});
  EXPECT_TRUE(not_in.matches({{"tier", "b"}}));
  EXPECT_TRUE(not_in.matches({}));  // a missing key is "not in" any set
  EXPECT_FALSE(not_in.matches({{"tier", "a"}}));

  auto exists = selector({}, {{"gpu", "Exists", {}}});
  EXPECT_TRUE(exists.matches({{"gpu", ""}}));
  EXPECT_FALSE(exists.matches({}));

  auto absent = selector({}, {{"gpu", "DoesNotExist", {}}});
  EXPECT_TRUE(absent.matches({}));
  EXPECT_FALSE(absent.matches({{"gpu", "x"}}));

  auto invalid = selector({}, {{"tier", "Equals", {"a"}}});
  EXPECT_FALSE(invalid.matches({{"tier", "a"}}));  // reported by validation, never matches
}

TEST(LabelSelector, RequirementsAreAnded) {
  auto s = selector({{"app", "web"}}, {{"tier", "In", {"a"}}, {"canary", "DoesNotExist", {}}});
  EXPECT_TRUE(s.matches({{"app", "web"}, {"tier", "a"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"tier", "a"}, {"canary", "1"}}));
  EXPECT_FALSE(s.matches({{"app", "db"}, {"tier", "a"}}));
}

TEST(LabelSelector, PrintsLikeKubectl) {
  auto s = selector({{"app", "api-server"}}, {{"tier", "In", {"b", "a"}},
                                              {"env", "NotIn", {"dev"}},
                                              {"gone", "DoesNotExist", {}},
                                              {"has-key", "Exists", {}}});
  EXPECT_EQ(s.to_string(), "app=api-server,env notin (dev),!gone,has-key,tier in (a,b)");
}

TEST(LabelsMatch, IsTheServiceSelectorRule) {
  EXPECT_TRUE(labels_match({}, {{"a", "1"}}));
  EXPECT_TRUE(labels_match({{"a", "1"}}, {{"a", "1"}, {"b", "2"}}));
  EXPECT_FALSE(labels_match({{"a", "1"}}, {{"a", "2"}}));
}

}  // namespace
}  // namespace packetwalk::model::kube
