// The texts an IPVS hop shows (the virtual server as `ipvsadm -Ln` names it, the real server it
// chose, and why) are rendered once per virtual server and kept; a configuration change must show
// at once in the next trace, not an old text.
#include <gtest/gtest.h>

#include "packetwalk/model/datapath/ipvs.h"

namespace packetwalk::model::datapath {
namespace {

IpvsVirtualServer dns_server(std::uint32_t second_weight) {
  IpvsVirtualServer vs;
  vs.protocol = net::Protocol::Udp;
  vs.address = *net::Ipv4Address::parse("10.96.0.10");
  vs.port = 53;
  vs.real_servers = {{*net::Ipv4Address::parse("10.244.2.7"), 53, second_weight},
                     {*net::Ipv4Address::parse("10.244.1.5"), 53, 1}};
  return vs;
}

TEST(IpvsTraceTexts, NameTheServersAsIpvsadmDoesAndFollowChanges) {
  Ipvs ipvs;
  ipvs.add(dns_server(1));
  const Ipvs::TraceTexts& t = ipvs.trace_texts(0);
  EXPECT_EQ(t.service, "UDP  10.96.0.10:53 rr");
  ASSERT_EQ(t.real_servers.size(), 2u);
  // Real servers are kept sorted by address, as the scheduler steps through them.
  EXPECT_EQ(t.real_servers[0], "-> 10.244.1.5:53 Masq 1");
  EXPECT_EQ(t.real_servers[1], "-> 10.244.2.7:53 Masq 1");
  EXPECT_EQ(t.dnat[1][static_cast<int>(Ipvs::Reason::Scheduler)], "IPVS UDP  10.96.0.10:53 rr -> 10.244.2.7:53 Masq (rr)");
  EXPECT_EQ(t.dnat[0][static_cast<int>(Ipvs::Reason::ConnectionTable)],
            "IPVS UDP  10.96.0.10:53 rr -> 10.244.1.5:53 Masq (connection table)");
  EXPECT_EQ(t.dnat[0][static_cast<int>(Ipvs::Reason::PersistenceTemplate)],
            "IPVS UDP  10.96.0.10:53 rr -> 10.244.1.5:53 Masq (persistence template)");

  // Replacing the virtual server (a weight drops to 0, affinity turns on) replaces its texts.
  IpvsVirtualServer changed = dns_server(0);
  changed.persistent = true;
  changed.timeout_seconds = 10800;
  ipvs.add(changed);
  const Ipvs::TraceTexts& after = ipvs.trace_texts(0);
  EXPECT_EQ(after.service, "UDP  10.96.0.10:53 rr persistent 10800");
  EXPECT_EQ(after.real_servers[1], "-> 10.244.2.7:53 Masq 0");

  // A whole new table (assign) moves the positions: each position gets its own server's texts.
  IpvsVirtualServer web;
  web.address = *net::Ipv4Address::parse("10.96.0.1");
  web.port = 443;
  web.real_servers = {{*net::Ipv4Address::parse("192.168.0.10"), 6443, 1}};
  ipvs.assign({dns_server(1), web});
  ASSERT_EQ(ipvs.services().size(), 2u);
  EXPECT_EQ(ipvs.trace_texts(0).service, "TCP  10.96.0.1:443 rr");
  EXPECT_EQ(ipvs.trace_texts(1).service, "UDP  10.96.0.10:53 rr");
  EXPECT_EQ(ipvs.trace_texts(0).real_servers.at(0), "-> 192.168.0.10:6443 Masq 1");
}

}  // namespace
}  // namespace packetwalk::model::datapath
