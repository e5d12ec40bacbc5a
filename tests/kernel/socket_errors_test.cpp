// What a client socket makes of the errors on its way, as Linux reports them: the two
// differences the random verify corpus found (seeds 29 and 38), pinned without the kernel.
// The kernel itself checks the same scenarios in verify:udp-port-the-service-lacks and
// verify:udp-rejected-on-the-sending-node.
#include <gtest/gtest.h>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::query {
namespace {

using trace::Disposition;

std::unique_ptr<cluster::Cluster> build(const std::string& scenario, const std::string& mode = "",
                                        const std::string& cni = "") {
  load::Diagnostics diags;
  auto s = load::load_scenario(std::string(PACKETWALK_SOURCE_DIR) + "/" + scenario, diags);
  EXPECT_FALSE(diags.has_errors());
  if (!mode.empty()) s.cluster.proxy_mode = mode;
  if (!cni.empty()) s.cluster.cni = cni;
  auto c = cluster::Cluster::build(s, diags);
  EXPECT_TRUE(c) << "cluster did not build";
  return c;
}

// from: "node-1" (the node's own stack) or a pod name in default.
trace::Trace probe(cluster::Cluster& c, const std::string& from, const char* service, net::Port port,
                   net::Protocol proto) {
  ProbeRunner runner(c.topology(), c.spec().seed);
  runner.set_applications(&c.applications());
  ProbeTarget t;
  t.from = from.rfind("node-", 0) == 0 ? *c.node_netns(from) : *c.pod_netns("default", from);
  t.dst = *c.services().find("default", service)->cluster_ip;
  t.port = port;
  t.protocol = proto;
  return runner.run(t).trace;
}

bool mentions(const trace::Trace& t, const std::string& text) { return t.reason.find(text) != std::string::npos; }

constexpr auto kUdp = net::Protocol::Udp;
constexpr auto kTcp = net::Protocol::Tcp;

// Seed 38: in iptables mode a ClusterIP port the Service lacks matches no rule and is routed to
// the default gateway, which answers ICMP net unreachable. TCP, still connecting, reports it; UDP
// takes it as transient and waits: a timeout, whose reason names the ignored error.
TEST(SocketErrors, NetUnreachableEndsATcpConnectButNotAUdpExchange) {
  for (const char* cni : {"calico", "flannel"}) {
    auto c = build("scenarios/verify/udp-port-the-service-lacks.yaml", "", cni);
    ASSERT_TRUE(c);
    for (const std::string from : {"client", "node-1"}) {
      auto tcp = probe(*c, from, "dns", 6000, kTcp);
      EXPECT_EQ(tcp.disposition, Disposition::Unreachable) << cni << " " << from << ": " << tcp.reason;
      EXPECT_TRUE(mentions(tcp, "ICMP net unreachable from ")) << tcp.reason;
      auto udp = probe(*c, from, "dns", 6000, kUdp);
      EXPECT_EQ(udp.disposition, Disposition::Timeout) << cni << " " << from << ": " << udp.reason;
      EXPECT_TRUE(mentions(udp, "ICMP net unreachable from ")) << udp.reason;
      EXPECT_TRUE(mentions(udp, "ignored")) << udp.reason;
    }
    // A port the Service has still answers: the change is about errors only.
    EXPECT_EQ(probe(*c, "client", "dns", 53, kUdp).disposition, Disposition::Connected);
  }
}

// Seed 29: a REJECT on the sending node's own output path (nftables: a port the Service lacks;
// both modes: a Service without endpoints) fails send() with EPERM for UDP. From a pod the same
// REJECT is in the node's FORWARD path and the ICMP port unreachable refuses the datagram; a TCP
// connect from the node ignores its SYN's EPERM and is refused by the ICMP error.
TEST(SocketErrors, ARejectInTheSendersOwnOutputFailsTheUdpSend) {
  for (const char* mode : {"nftables", "iptables"}) {
    auto c = build("scenarios/verify/udp-rejected-on-the-sending-node.yaml", mode);
    ASSERT_TRUE(c);
    auto node_udp = probe(*c, "node-1", "ghost", 53, kUdp);
    EXPECT_EQ(node_udp.disposition, Disposition::Timeout) << mode << ": " << node_udp.reason;
    EXPECT_TRUE(mentions(node_udp, "send() fails with EPERM")) << node_udp.reason;
    EXPECT_TRUE(mentions(node_udp, "node-1")) << node_udp.reason;
    EXPECT_EQ(probe(*c, "client", "ghost", 53, kUdp).disposition, Disposition::Refused) << mode;
  }
  auto nft = build("scenarios/verify/udp-rejected-on-the-sending-node.yaml");
  ASSERT_TRUE(nft);
  auto wrong_port = probe(*nft, "node-1", "dns", 6000, kUdp);
  EXPECT_EQ(wrong_port.disposition, Disposition::Timeout) << wrong_port.reason;
  EXPECT_TRUE(mentions(wrong_port, "Reject traffic to invalid ports of ClusterIPs")) << wrong_port.reason;
  EXPECT_EQ(probe(*nft, "client", "dns", 6000, kUdp).disposition, Disposition::Refused);
  EXPECT_EQ(probe(*nft, "node-1", "dns", 6000, kTcp).disposition, Disposition::Refused);
}

}  // namespace
}  // namespace packetwalk::model::query
