// A routing loop ends by TTL, as in Linux, and the user is told which hosts and routes looped.
#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "packetwalk/model/trace/routing_loop.h"

namespace packetwalk::model::datapath {
namespace {

using test::cidr;
using test::ip;

// Two routers that each send 10.9.0.0/16 to the other: the classic loop of two static routes.
struct TwoRouterLoop : test::EngineFixture {
  NetnsId r1 = topo.add_netns(NetnsKind::External, "router-a", "");
  NetnsId r2 = topo.add_netns(NetnsKind::External, "router-b", "");

  void SetUp() override {
    auto [a, b] = topo.add_veth(r1, "eth0", r2, "eth0", sim::Time::us(1));
    topo.iface(a).addresses.push_back(cidr("10.0.0.1/30"));
    topo.iface(b).addresses.push_back(cidr("10.0.0.2/30"));
    for (auto [ns, dev] : {std::pair{r1, a}, std::pair{r2, b}}) {
      topo.netns(ns).sysctls.ip_forward = true;
      topo.netns(ns).routes.add(Route{cidr("10.0.0.0/30"), std::nullopt, dev, false, true});
    }
    topo.netns(r1).routes.add(Route{cidr("10.9.0.0/16"), ip("10.0.0.2"), a});
    topo.netns(r2).routes.add(Route{cidr("10.9.0.0/16"), ip("10.0.0.1"), b});
  }

  trace::Trace send_from_a() { return send_udp(r1, "10.0.0.1", "10.9.0.5"); }
};

TEST_F(TwoRouterLoop, TtlRunsOutAndTheDropNamesTheRoute) {
  const auto t = send_from_a();
  const trace::Hop* drop = nullptr;
  std::size_t routed = 0;
  for (const auto& hop : t.legs.at(0).hops) {
    routed += hop.action == trace::HopAction::Route;
    if (hop.action == trace::HopAction::Drop) drop = &hop;
  }
  ASSERT_NE(drop, nullptr) << "the looping packet was never dropped";
  EXPECT_EQ(drop->drop_reason, trace::DropReason::TtlExceeded);
  // Sent with TTL 64: routed once by the sender; 63 forwards decrement it to 1; the next router
  // still makes its routing decision (ip_route_input) before ip_forward checks the TTL and drops.
  EXPECT_EQ(routed, 1u + 63u + 1u);
  EXPECT_EQ(drop->netns, "router-a");
  EXPECT_EQ(drop->detail, "TTL expired in transit, forwarding to 10.9.0.5 by route 10.9.0.0/16 via 10.0.0.2 dev eth0");
}

TEST_F(TwoRouterLoop, TheLoopIsNamedHostByHost) {
  EXPECT_EQ(trace::routing_loop(send_from_a()),
            "routing loop: router-a (10.9.0.0/16 via 10.0.0.2 dev eth0) -> router-b (10.9.0.0/16 via 10.0.0.1 dev eth0) "
            "-> router-a");
}

TEST(RoutingLoop, ATraceWithoutRepeatedDecisionsHasNone) {
  trace::Trace t;
  t.legs.emplace_back();
  for (const char* ns : {"node-1", "node-2"}) {
    trace::Hop h;
    h.action = trace::HopAction::Route;
    h.netns = ns;
    h.detail = "default via 192.168.0.1 dev eth0";
    t.legs[0].hops.push_back(h);
  }
  EXPECT_EQ(trace::routing_loop(t), "");
  // The same host routing a DNATed packet (another destination) again is no loop either.
  trace::Hop again = t.legs[0].hops[0];
  again.packet.dst = ip("10.244.1.5");
  t.legs[0].hops.push_back(again);
  EXPECT_EQ(trace::routing_loop(t), "");
}

}  // namespace
}  // namespace packetwalk::model::datapath
