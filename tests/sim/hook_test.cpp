#include "packetwalk/sim/hook.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace packetwalk::sim {
namespace {

TEST(HookTest, CallsInConnectionOrderWithArguments) {
  Hook<int, const std::string&> hook;
  EXPECT_TRUE(hook.empty());
  std::vector<std::pair<char, int>> log;
  std::string seen;
  hook.connect([&](int n, const std::string& s) {
    log.emplace_back('a', n);
    seen += s;
  });
  hook.connect([&](int n, const std::string& s) {
    log.emplace_back('b', n);
    seen += s;
  });
  EXPECT_FALSE(hook.empty());
  hook.fire(7, "x");
  EXPECT_EQ(log, (std::vector<std::pair<char, int>>{{'a', 7}, {'b', 7}}));
  EXPECT_EQ(seen, "xx");
}

TEST(HookTest, FireWithoutObserversIsANoOp) {
  Hook<> hook;
  hook.fire();
  EXPECT_TRUE(hook.empty());
}

TEST(HookTest, DisconnectStopsCallsAndIgnoresUnknownTokens) {
  Hook<int> hook;
  int a = 0;
  int b = 0;
  const auto ta = hook.connect([&](int n) { a += n; });
  const auto tb = hook.connect([&](int n) { b += n; });
  EXPECT_NE(ta, tb);
  hook.fire(1);
  hook.disconnect(ta);
  hook.disconnect(ta);     // twice: ignored
  hook.disconnect(12345);  // unknown: ignored
  hook.fire(10);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 11);
  hook.disconnect(tb);
  EXPECT_TRUE(hook.empty());
}

TEST(HookTest, DisconnectDuringFire) {
  Hook<> hook;
  std::vector<int> log;
  std::size_t t1 = 0;
  std::size_t t3 = 0;
  t1 = hook.connect([&] {
    log.push_back(1);
    hook.disconnect(t1);  // itself
    hook.disconnect(t3);  // a later observer: must not be called even in this fire
  });
  hook.connect([&] { log.push_back(2); });
  t3 = hook.connect([&] { log.push_back(3); });
  hook.fire();
  hook.fire();
  EXPECT_EQ(log, (std::vector<int>{1, 2, 2}));
}

TEST(HookTest, ConnectDuringFireTakesEffectNextTime) {
  Hook<> hook;
  int added_calls = 0;
  bool connected = false;
  hook.connect([&] {
    if (!connected) {
      connected = true;
      // Enough connections to force the entry vector to reallocate mid-fire.
      for (int i = 0; i < 64; ++i) {
        hook.connect([&] { ++added_calls; });
      }
    }
  });
  hook.fire();
  EXPECT_EQ(added_calls, 0);
  hook.fire();
  EXPECT_EQ(added_calls, 64);
}

TEST(HookTest, RejectsEmptyCallback) {
  Hook<int> hook;
  EXPECT_THROW(hook.connect(nullptr), std::invalid_argument);
}

TEST(HookTest, IsMovable) {
  Hook<int> a;
  int sum = 0;
  a.connect([&](int n) { sum += n; });
  Hook<int> b = std::move(a);
  b.fire(5);
  EXPECT_EQ(sum, 5);
}

}  // namespace
}  // namespace packetwalk::sim
