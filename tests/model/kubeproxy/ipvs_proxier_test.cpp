// kube-proxy IPVS mode: virtual servers, kube-ipvs0, ipsets (and their --match-set flags) and the
// iptables rules, for the golden services seen from node-1.

#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kubeproxy/ipvs_proxier.h"
#include "test_services.h"

namespace packetwalk::model::kubeproxy {
namespace {

using namespace kptest;  // NOLINT: test helpers
using datapath::IpSet;
using datapath::IpSetType;

struct Node {
  datapath::Topology topology;
  datapath::NetnsId ns = 0;
};

Node programmed() {
  Node n;
  n.ns = n.topology.add_netns(datapath::NetnsKind::Node, "node-1", "node-1");
  n.topology.add_interface(n.ns, "lo", datapath::IfaceKind::Loopback);
  auto eth = n.topology.add_interface(n.ns, "eth0", datapath::IfaceKind::Ethernet);
  n.topology.iface(eth).addresses = {cidr("192.168.0.10/24")};
  ProxyConfig config;
  config.cluster_cidr = cidr("10.244.0.0/16");
  program_ipvs(golden_services(), ProxyNode{"node-1", ip("192.168.0.10")}, config, n.topology, n.ns);
  return n;
}

std::vector<std::string> rules_of(const datapath::Table& t, const std::string& chain) {
  std::vector<std::string> out;
  for (const auto& r : t.find(chain)->rules) out.push_back(datapath::rule_to_string(chain, r));
  return out;
}

TEST(IpvsProxier, VirtualServersAndDummyInterface) {
  Node n = programmed();
  const auto& ns = n.topology.netns(n.ns);
  const std::string text = datapath::ipvsadm_list_text(ns.ipvs);
  EXPECT_EQ(text.rfind("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n"
                       "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
                       0),
            0u);
  // web: three endpoints, real servers sorted by address. Columns as ipvsadm prints them
  // ("  -> %-28s %-7s %-6d %-10u %-10u\n"), aligned under the header's "Forward".
  EXPECT_NE(text.find("TCP  10.96.100.10:80 rr\n"
                      "  -> 10.244.1.5:8080              Masq    1      0          0         \n"
                      "  -> 10.244.1.12:8080             Masq    1      0          0         \n"
                      "  -> 10.244.2.7:8080              Masq    1      0          0         \n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("UDP  10.96.100.50:9000 rr persistent 10800\n"), std::string::npos);
  // No endpoints: the virtual server exists without real servers.
  EXPECT_NE(text.find("TCP  10.96.100.40:8080 rr\nTCP  "), std::string::npos);
  // NodePorts on the node's address, never on kube-ipvs0.
  EXPECT_NE(text.find("TCP  192.168.0.10:30443 rr\n"), std::string::npos);

  auto dummy = n.topology.find_iface(n.ns, "kube-ipvs0");
  ASSERT_TRUE(dummy);
  const auto& dev = n.topology.iface(*dummy);
  EXPECT_EQ(dev.kind, datapath::IfaceKind::Dummy);
  EXPECT_TRUE(n.topology.is_local_address(n.ns, ip("10.96.100.10")));
  EXPECT_TRUE(n.topology.is_local_address(n.ns, ip("203.0.113.10")));  // the LB IP too
  EXPECT_FALSE(n.topology.is_local_address(n.ns, ip("10.96.100.11")));
}

TEST(IpvsProxier, Ipsets) {
  Node n = programmed();
  const auto& sets = n.topology.netns(n.ns).ipsets;
  const IpSet& cluster = sets.at("KUBE-CLUSTER-IP");
  EXPECT_EQ(cluster.type, IpSetType::HashIpPort);
  EXPECT_EQ(cluster.entries.size(), 5u);
  EXPECT_EQ(cluster.entry_text(*cluster.entries.begin()), "10.96.100.10,tcp:80");
  const IpSet& loop = sets.at("KUBE-LOOP-BACK");
  EXPECT_EQ(loop.entry_text(*loop.entries.begin()), "10.244.1.5,tcp:8080,10.244.1.5");
  EXPECT_EQ(loop.entries.size(), 4u);  // node-1's endpoints: web x2, lb, sticky
  const IpSet& nodeports = sets.at("KUBE-NODE-PORT-TCP");
  EXPECT_EQ(nodeports.type, IpSetType::BitmapPort);
  EXPECT_EQ(nodeports.entries.size(), 3u);  // 30443, 30080, 31080
  EXPECT_EQ(sets.at("KUBE-NODE-PORT-LOCAL-TCP").entries.size(), 1u);
  EXPECT_EQ(sets.at("KUBE-HEALTH-CHECK-NODE-PORT").entry_text(*sets.at("KUBE-HEALTH-CHECK-NODE-PORT").entries.begin()), "32000");
  EXPECT_EQ(sets.at("KUBE-LOAD-BALANCER-SOURCE-CIDR").entry_text(*sets.at("KUBE-LOAD-BALANCER-SOURCE-CIDR").entries.begin()),
            "203.0.113.10,tcp:80,198.51.100.0/24");
  EXPECT_EQ(sets.at("KUBE-IPVS-IPS").entries.size(), 6u);  // five ClusterIPs and the LB IP
  const std::string listed = datapath::ipset_list_text("KUBE-CLUSTER-IP", cluster, 3);
  EXPECT_EQ(listed.rfind("Name: KUBE-CLUSTER-IP\nType: hash:ip,port\nHeader: family inet hashsize 1024 maxelem 65536\n"
                         "References: 3\nNumber of entries: 5\nMembers:\n10.96.100.10,tcp:80\n",
                         0),
            0u)
      << listed;
}

TEST(IpSetMatch, FlagsPickPacketFields) {
  IpSet ip_port(IpSetType::HashIpPort, "");
  ip_port.add_ip_port(ip("10.96.0.10"), net::Protocol::Udp, 53);
  net::Packet p;
  p.protocol = net::Protocol::Udp;
  p.src = ip("10.244.1.5");
  p.sport = 40000;
  p.dst = ip("10.96.0.10");
  p.dport = 53;
  EXPECT_TRUE(ip_port.matches("dst,dst", p));
  EXPECT_FALSE(ip_port.matches("src,dst", p));
  EXPECT_FALSE(ip_port.matches("dst", p));  // too few dimensions never match
  p.protocol = net::Protocol::Tcp;
  EXPECT_FALSE(ip_port.matches("dst,dst", p));  // the protocol is part of the entry

  IpSet loop(IpSetType::HashIpPortIp, "");
  loop.add_ip_port_ip(ip("10.244.1.5"), net::Protocol::Tcp, 8080, ip("10.244.1.5"));
  net::Packet h;
  h.src = ip("10.244.1.5");
  h.dst = ip("10.244.1.5");
  h.dport = 8080;
  EXPECT_TRUE(loop.matches("dst,dst,src", h));
  h.src = ip("10.244.1.6");
  EXPECT_FALSE(loop.matches("dst,dst,src", h));

  IpSet ports(IpSetType::BitmapPort, "");
  ports.add_port(30080);
  h.dport = 30080;
  EXPECT_TRUE(ports.matches("dst", h));
  EXPECT_FALSE(ports.matches("src", h));

  IpSet nets(IpSetType::HashIpPortNet, "");
  nets.add(datapath::IpSetEntry{ip("203.0.113.10"), net::Protocol::Tcp, 80, ip("198.51.100.0"), 24});
  net::Packet lb;
  lb.dst = ip("203.0.113.10");
  lb.dport = 80;
  lb.src = ip("198.51.100.77");
  EXPECT_TRUE(nets.matches("dst,dst,src", lb));
  lb.src = ip("198.51.101.1");
  EXPECT_FALSE(nets.matches("dst,dst,src", lb));

  IpSet addresses(std::vector<net::Ipv4Address>{ip("10.0.0.1")});  // a CNI's selector set
  EXPECT_EQ(addresses.type, IpSetType::HashIp);
  net::Packet a;
  a.src = ip("10.0.0.1");
  EXPECT_TRUE(addresses.matches("src", a));
}

TEST(IpvsProxier, IptablesRules) {
  Node n = programmed();
  const auto& nf = n.topology.netns(n.ns).netfilter;
  const auto services = rules_of(nf.nat, "KUBE-SERVICES");
  ASSERT_GE(services.size(), 5u);
  EXPECT_EQ(services[0], "-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN");
  EXPECT_EQ(services[1], "-A KUBE-SERVICES -m comment --comment \"Kubernetes service lb portal\" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER");
  EXPECT_EQ(services[2], "-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ");
  EXPECT_EQ(services[3], "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT");
  EXPECT_EQ(services[4], "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT");
  const auto filter = rules_of(nf.filter, "KUBE-IPVS-FILTER");
  EXPECT_EQ(filter.back(), "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable");
  const auto nodeport = rules_of(nf.nat, "KUBE-NODE-PORT");
  ASSERT_EQ(nodeport.size(), 2u);
  EXPECT_EQ(nodeport[0], "-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port with externalTrafficPolicy=local\" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN");
  const auto post = rules_of(nf.nat, "KUBE-POSTROUTING");
  EXPECT_EQ(post.front(), "-A KUBE-POSTROUTING -m comment --comment \"Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose\" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE");
  // INPUT: the last prepended jump is on top.
  const auto input = rules_of(nf.filter, "INPUT");
  ASSERT_GE(input.size(), 3u);
  EXPECT_EQ(input[0], "-A INPUT -m comment --comment \"kubernetes ipvs access filter\" -j KUBE-IPVS-FILTER");
  EXPECT_EQ(input[1], "-A INPUT -m comment --comment \"kube-proxy firewall rules\" -j KUBE-PROXY-FIREWALL");
  EXPECT_EQ(input[2], "-A INPUT -m comment --comment \"kubernetes health check rules\" -j KUBE-NODE-PORT");
}

}  // namespace
}  // namespace packetwalk::model::kubeproxy
