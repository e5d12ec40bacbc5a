// A built-in chain with no rules still has a policy. The engine skips walking empty chains
// (most hooks of a probe have nothing to do), but not when the policy is DROP: the classic case
// is a node where Docker set `iptables -P FORWARD DROP`, and pod traffic forwarded through it dies.
#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace packetwalk::model::datapath {
namespace {

using test::cidr;
using test::ip;

// client -- router -- server, the router forwarding between two /30s.
struct ForwardThroughRouter : test::EngineFixture {
  NetnsId client = topo.add_netns(NetnsKind::External, "client", "");
  NetnsId router = topo.add_netns(NetnsKind::External, "router", "");
  NetnsId server = topo.add_netns(NetnsKind::External, "server", "");

  void SetUp() override {
    auto [c, r1] = topo.add_veth(client, "eth0", router, "eth0", sim::Time::us(1));
    auto [r2, s] = topo.add_veth(router, "eth1", server, "eth0", sim::Time::us(1));
    topo.iface(c).addresses.push_back(cidr("10.0.0.1/30"));
    topo.iface(r1).addresses.push_back(cidr("10.0.0.2/30"));
    topo.iface(r2).addresses.push_back(cidr("10.0.1.1/30"));
    topo.iface(s).addresses.push_back(cidr("10.0.1.2/30"));
    topo.netns(router).sysctls.ip_forward = true;
    topo.netns(client).routes.add(Route{cidr("10.0.0.0/30"), std::nullopt, c, false, true});
    topo.netns(client).routes.add(Route{cidr("10.0.1.0/30"), ip("10.0.0.2"), c});
    topo.netns(router).routes.add(Route{cidr("10.0.0.0/30"), std::nullopt, r1, false, true});
    topo.netns(router).routes.add(Route{cidr("10.0.1.0/30"), std::nullopt, r2, false, true});
    topo.netns(server).routes.add(Route{cidr("10.0.1.0/30"), std::nullopt, s, false, true});
  }

  // The hops of one UDP datagram from the client to the server.
  std::vector<trace::Hop> send() {
    auto t = send_udp(client, "10.0.0.1", "10.0.1.2");
    return t.legs.empty() ? std::vector<trace::Hop>{} : t.legs.front().hops;
  }

  static const trace::Hop* drop_in(const std::vector<trace::Hop>& hops) {
    for (const auto& h : hops)
      if (h.action == trace::HopAction::Drop) return &h;
    return nullptr;
  }
};

TEST_F(ForwardThroughRouter, AnEmptyForwardChainWithPolicyDropDropsForwardedPackets) {
  ASSERT_EQ(drop_in(send()), nullptr) << "with every policy ACCEPT the datagram reaches the server";

  // The first send built the router's table index with FORWARD idle; changing the policy
  // through the table (as `iptables -P FORWARD DROP` does) must be seen by the next packet.
  topo.netns(router).netfilter.filter.chain("FORWARD").policy = "DROP";
  const auto hops = send();
  const trace::Hop* drop = drop_in(hops);
  ASSERT_NE(drop, nullptr) << "policy DROP of an empty FORWARD chain let the datagram through";
  EXPECT_EQ(drop->netns, "router");
  EXPECT_EQ(drop->drop_reason, trace::DropReason::NetfilterDrop);
  EXPECT_EQ(drop->detail, "policy DROP of FORWARD");
  for (const auto& h : hops) EXPECT_NE(h.netns, "server") << "the datagram went past the router";

  topo.netns(router).netfilter.filter.chain("FORWARD").policy = "ACCEPT";
  EXPECT_EQ(drop_in(send()), nullptr) << "policy ACCEPT again: the datagram passes";
}

TEST_F(ForwardThroughRouter, PolicyDropOnTheClientsOutputStopsItBeforeItLeaves) {
  topo.netns(client).netfilter.filter.chain("OUTPUT").policy = "DROP";
  const auto hops = send();
  const trace::Hop* drop = drop_in(hops);
  ASSERT_NE(drop, nullptr);
  EXPECT_EQ(drop->netns, "client");
  EXPECT_EQ(drop->detail, "policy DROP of OUTPUT");
  for (const auto& h : hops) EXPECT_NE(h.action, trace::HopAction::Transmit) << "dropped at OUTPUT, never sent";
}

}  // namespace
}  // namespace packetwalk::model::datapath
