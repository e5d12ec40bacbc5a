// A rule's --match-set is resolved to its set once and kept (as the kernel keeps a set's index in
// the rule). What is kept must never outlive the set: kube-proxy's sets are removed and created
// again (the kubeProxyDown fault, a re-sync), nodes are copied, and a set can appear after a rule
// naming it was first walked.
#include <gtest/gtest.h>

#include <string>

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
  // A table moved elsewhere (a node's namespaces growing) is found where it now is.
  IpSets moved = std::move(sets);
  EXPECT_EQ(moved.resolve(m), &moved.at("KUBE-CLUSTER-IP"));
}

}  // namespace
}  // namespace packetwalk::model::datapath
