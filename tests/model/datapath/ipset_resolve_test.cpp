// A rule's --match-set is resolved to its set once and kept (as the kernel keeps a set's index in
// the rule). What is kept must never outlive the set: kube-proxy's sets are removed and created
// again (the kubeProxyDown fault, a re-sync), nodes are copied, and a set can appear after a rule
// naming it was first walked.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

#include "packetwalk/model/datapath/ipset.h"

namespace packetwalk::model::datapath {
namespace {

net::Packet to(const char* address, net::Protocol protocol, net::Port port) {
  net::Packet p;
  p.dst = *net::Ipv4Address::parse(address);
  p.protocol = protocol;
  p.dport = port;
  return p;
}

TEST(IpSetResolve, KeptUntilASetMayHaveGoneAndNeverAcrossTables) {
  IpSets sets;
  const SetMatch m{"KUBE-CLUSTER-IP", "dst,dst", false};
  EXPECT_EQ(sets.resolve(m), nullptr);  // not there yet, and a miss is not kept

  sets["KUBE-CLUSTER-IP"] = IpSet(IpSetType::HashIpPort, "Kubernetes service cluster ip + port for masquerade purpose");
  sets["KUBE-CLUSTER-IP"].add_ip_port(*net::Ipv4Address::parse("10.96.0.10"), net::Protocol::Udp, 53);
  const IpSet* first = sets.resolve(m);
  ASSERT_EQ(first, &sets.at("KUBE-CLUSTER-IP"));
  EXPECT_TRUE(first->matches(m.flags, to("10.96.0.10", net::Protocol::Udp, 53)));

  // More sets and more entries move no set: what was kept is still the table's own.
  for (int i = 0; i < 64; ++i) sets["KUBE-EXTRA-" + std::to_string(i)].add_port(static_cast<net::Port>(30000 + i));
  sets["KUBE-CLUSTER-IP"].add_ip_port(*net::Ipv4Address::parse("10.96.0.1"), net::Protocol::Tcp, 443);
  EXPECT_EQ(sets.resolve(m), &sets.at("KUBE-CLUSTER-IP"));

  // kube-proxy's sets removed: the rule now names nothing. Created again with other members: the
  // rule tests the new set.
  sets.erase_if([](const auto& entry) { return entry.first.rfind("KUBE-", 0) == 0; });
  EXPECT_EQ(sets.resolve(m), nullptr);
  sets["KUBE-CLUSTER-IP"] = IpSet(IpSetType::HashIpPort, "");
  sets["KUBE-CLUSTER-IP"].add_ip_port(*net::Ipv4Address::parse("10.96.0.20"), net::Protocol::Tcp, 80);
  const IpSet* again = sets.resolve(m);
  ASSERT_EQ(again, &sets.at("KUBE-CLUSTER-IP"));
  EXPECT_TRUE(again->matches(m.flags, to("10.96.0.20", net::Protocol::Tcp, 80)));
  EXPECT_FALSE(again->matches(m.flags, to("10.96.0.10", net::Protocol::Udp, 53)));

  // A copied table (a copied node) resolves to its own sets, and the original keeps its own.
  const IpSets copy = sets;
  EXPECT_EQ(copy.resolve(m), &copy.at("KUBE-CLUSTER-IP"));
  EXPECT_EQ(sets.resolve(m), &sets.at("KUBE-CLUSTER-IP"));
  // A table moved elsewhere (a node's namespaces growing) is found where it now is, and the table
  // it left never hands out the set it no longer owns.
  const IpSet* kept = sets.resolve(m);  // kept by the rule for `sets`, just before the move
  ASSERT_EQ(kept, &sets.at("KUBE-CLUSTER-IP"));
  IpSets moved = std::move(sets);
  EXPECT_NE(sets.resolve(m), kept);  // NOLINT(bugprone-use-after-move): valid, unspecified, and not the owner
  EXPECT_EQ(moved.resolve(m), &moved.at("KUBE-CLUSTER-IP"));
}

// Assigning a table may reuse the old sets' memory for other sets: nothing kept may survive it.
TEST(IpSetResolve, AssignmentForgetsWhatRulesKept) {
  const SetMatch m{"KUBE-LOOP-BACK", "dst,dst,src", false};
  IpSets sets;
  sets["KUBE-LOOP-BACK"].add_ip(*net::Ipv4Address::parse("10.244.1.5"));
  ASSERT_NE(sets.resolve(m), nullptr);
  IpSets other;
  other["KUBE-NODE-PORT-TCP"].add_port(30080);
  sets = other;
  EXPECT_EQ(sets.resolve(m), nullptr);
  sets["KUBE-LOOP-BACK"].add_ip(*net::Ipv4Address::parse("10.244.1.5"));
  ASSERT_EQ(sets.resolve(m), &sets.at("KUBE-LOOP-BACK"));
  sets = IpSets{};  // moved in
  EXPECT_EQ(sets.resolve(m), nullptr);
}

// A table built where an old one was (a cluster rebuilt in the same memory) is not the old table,
// though it has the same address: the generation tells them apart.
TEST(IpSetResolve, ANewTableAtAnOldAddressIsNotTheOldTable) {
  const SetMatch m{"KUBE-CLUSTER-IP", "dst,dst", false};
  std::optional<IpSets> slot;
  slot.emplace();
  (*slot)["KUBE-CLUSTER-IP"].add_ip_port(*net::Ipv4Address::parse("10.96.0.10"), net::Protocol::Udp, 53);
  const IpSets* first = &*slot;
  ASSERT_NE(slot->resolve(m), nullptr);
  slot.reset();
  slot.emplace();
  ASSERT_EQ(&*slot, first);
  EXPECT_EQ(slot->resolve(m), nullptr);  // the old set is gone, whatever the rule kept
}

}  // namespace
}  // namespace packetwalk::model::datapath
