// The conntrack table: a connection is found from either direction, a NAT rewrites what its reply
// looks like, and an entry the kernel never confirms goes away. A probe's table holds a few
// entries; a run that keeps state can hold many more, and both sizes must answer alike.
#include <gtest/gtest.h>

#include "packetwalk/model/datapath/conntrack.h"

namespace packetwalk::model::datapath {
namespace {

net::FiveTuple tuple(std::uint32_t client, net::Port sport) {
  return {net::Protocol::Tcp, net::Ipv4Address(0x0af40002u + client), net::Ipv4Address(0x0a60000au), sport, 80};
}

// A client reaching a ClusterIP, DNATed to a backend: the reply comes from the backend.
net::FiveTuple reply_after_dnat(const net::FiveTuple& original) {
  net::FiveTuple reply = original.reversed();
  reply.src = net::Ipv4Address(0x0af40105u);
  reply.sport = 8080;
  return reply;
}

class ConntrackSizes : public ::testing::TestWithParam<int> {};

TEST_P(ConntrackSizes, EveryConnectionIsFoundFromBothDirectionsAfterItsDnat) {
  Conntrack ct;
  const int n = GetParam();
  std::vector<ConntrackEntry*> made;
  for (int i = 0; i < n; ++i) {
    ConntrackEntry& e = ct.create(tuple(static_cast<std::uint32_t>(i), static_cast<net::Port>(40000 + i)), {});
    ct.update_reply(e, reply_after_dnat(e.original));
    made.push_back(&e);
  }
  ASSERT_EQ(ct.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto original = tuple(static_cast<std::uint32_t>(i), static_cast<net::Port>(40000 + i));
    auto there = ct.find(original);
    EXPECT_EQ(there.entry, made[i]) << "connection " << i << " not found by its first packet's tuple";
    EXPECT_EQ(there.direction, CtDirection::Original);
    auto back = ct.find(reply_after_dnat(original));
    EXPECT_EQ(back.entry, made[i]) << "the backend's reply of connection " << i << " not matched";
    EXPECT_EQ(back.direction, CtDirection::Reply);
    // Before the DNAT the reply would have come from the ClusterIP: that tuple is no longer expected.
    EXPECT_EQ(ct.find(original.reversed()).entry, nullptr) << "connection " << i << " still expects the old reply";
  }
}

TEST_P(ConntrackSizes, AnErasedEntryIsGoneAndTheOthersStay) {
  Conntrack ct;
  const int n = GetParam();
  for (int i = 0; i < n; ++i) ct.create(tuple(static_cast<std::uint32_t>(i), 40000), {});
  const auto victim = tuple(static_cast<std::uint32_t>(n / 2), 40000);
  const std::uint64_t id = ct.find(victim).entry->id;
  ct.erase(id);
  ct.erase(id);  // twice: nothing more happens
  EXPECT_EQ(ct.size(), static_cast<std::size_t>(n - 1));
  EXPECT_EQ(ct.find(victim).entry, nullptr);
  EXPECT_EQ(ct.find(victim.reversed()).entry, nullptr);
  std::size_t seen = 0;
  ct.for_each([&](const ConntrackEntry& e) {
    EXPECT_NE(e.id, id);
    ++seen;
  });
  EXPECT_EQ(seen, static_cast<std::size_t>(n - 1));
  EXPECT_NE(ct.find(tuple(0, 40000)).entry, nullptr);
  // The same connection can be tracked again, as a new entry.
  EXPECT_NE(ct.create(victim, {}).id, id);
  EXPECT_NE(ct.find(victim).entry, nullptr);
}

TEST_P(ConntrackSizes, ClearingForgetsEveryConnectionAndKeepsTheLimit) {
  Conntrack ct;
  ct.max_entries = 7;  // configuration (the conntrackFull fault), not state
  const int n = GetParam();
  for (int i = 0; i < n; ++i) ct.create(tuple(static_cast<std::uint32_t>(i), 40000), {});
  ct.clear();
  EXPECT_EQ(ct.size(), 0u);
  EXPECT_EQ(ct.max_entries, 7u);
  for (int i = 0; i < n; ++i) EXPECT_EQ(ct.find(tuple(static_cast<std::uint32_t>(i), 40000)).entry, nullptr);
  // A probe after the clear sees ids from 1 again, as its trace would on a fresh table.
  EXPECT_EQ(ct.create(tuple(1, 40001), {}).id, 1u);
  EXPECT_NE(ct.find(tuple(1, 40001).reversed()).entry, nullptr);
}

// 3: a probe's table. 500: well past the point where the table indexes tuples in maps.
INSTANTIATE_TEST_SUITE_P(SmallAndLarge, ConntrackSizes, ::testing::Values(3, 500));

}  // namespace
}  // namespace packetwalk::model::datapath
