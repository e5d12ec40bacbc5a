#include <gtest/gtest.h>

#include "packetwalk/model/datapath/topology.h"

namespace packetwalk::model::datapath {
namespace {

net::Ipv4Address ip(const char* s) { return *net::Ipv4Address::parse(s); }
net::Cidr cidr(const char* s) { return *net::Cidr::parse(s); }

TEST(RouteTable, LongestPrefixWinsOverDefaultAndShorterRoutes) {
  RouteTable t;
  t.add(Route{cidr("0.0.0.0/0"), ip("10.244.0.1"), 1});
  t.add(Route{cidr("10.244.0.0/16"), ip("10.244.0.1"), 2});
  t.add(Route{cidr("10.244.0.0/24"), std::nullopt, 3});
  EXPECT_EQ(t.lookup(ip("10.244.0.7"))->dev, 3u);
  EXPECT_EQ(t.lookup(ip("10.244.1.7"))->dev, 2u);
  EXPECT_EQ(t.lookup(ip("8.8.8.8"))->dev, 1u);
}

TEST(RouteTable, NoMatchingRouteGivesNothing) {
  RouteTable t;
  t.add(Route{cidr("10.244.0.0/24"), std::nullopt, 3});
  EXPECT_EQ(t.lookup(ip("192.168.0.1")), nullptr);
}

TEST(RouteTable, EqualPrefixesKeepInsertionOrder) {
  RouteTable t;
  t.add(Route{cidr("10.0.0.0/8"), std::nullopt, 1});
  t.add(Route{cidr("10.0.0.0/8"), std::nullopt, 2});
  EXPECT_EQ(t.lookup(ip("10.1.2.3"))->dev, 1u);
}

TEST(Topology, DescribesRoutesAsIpRouteShowsThem) {
  Topology topo;
  auto ns = topo.add_netns(NetnsKind::Node, "node-1", "node-1");
  auto vtep = topo.add_interface(ns, "flannel.1", IfaceKind::Vxlan);
  Route r{cidr("10.244.1.0/24"), ip("10.244.1.0"), vtep, true};
  EXPECT_EQ(topo.describe_route(r), "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink");
  Route d{cidr("0.0.0.0/0"), ip("10.244.0.1"), vtep};
  EXPECT_EQ(topo.describe_route(d), "default via 10.244.0.1 dev flannel.1");
}

TEST(Topology, NeighbourResolutionFindsPodsBehindTheSameBridge) {
  Topology topo;
  auto node = topo.add_netns(NetnsKind::Node, "node-1", "node-1");
  auto br = topo.add_interface(node, "cni0", IfaceKind::Bridge);
  topo.iface(br).addresses.push_back(cidr("10.244.0.1/24"));
  auto a = topo.add_netns(NetnsKind::Pod, "default/a", "node-1");
  auto b = topo.add_netns(NetnsKind::Pod, "default/b", "node-1");
  auto [a_eth, a_host] = topo.add_veth(a, "eth0", node, "vetha", sim::Time::ns(1));
  auto [b_eth, b_host] = topo.add_veth(b, "eth0", node, "vethb", sim::Time::ns(1));
  topo.iface(a_host).master = br;
  topo.iface(b_host).master = br;
  topo.iface(a_eth).addresses.push_back(cidr("10.244.0.2/24"));
  topo.iface(b_eth).addresses.push_back(cidr("10.244.0.3/24"));
  EXPECT_EQ(topo.resolve_neighbour(a_eth, ip("10.244.0.3")), topo.iface(b_eth).mac);
  EXPECT_EQ(topo.resolve_neighbour(a_eth, ip("10.244.0.1")), topo.iface(br).mac);
  EXPECT_FALSE(topo.resolve_neighbour(a_eth, ip("10.244.0.9")).has_value());
  EXPECT_EQ(topo.bridge_port_for(br, topo.iface(b_eth).mac), b_host);
}

}  // namespace
}  // namespace packetwalk::model::datapath
