#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_walk.h"

namespace packetwalk::model::datapath {
namespace {

net::Cidr cidr(const char* s) { return *net::Cidr::parse(s); }

struct WalkFixture : ::testing::Test {
  Netfilter nf;
  sim::RandomStreams streams{1};
  RecentTable recent;
  WalkEnvironment env;
  net::Packet packet;
  WalkInput in;

  void SetUp() override {
    env.is_local_address = [](const void*, net::Ipv4Address a) { return a == *net::Ipv4Address::parse("192.168.0.11"); };
    env.set_contains = [](const void*, const SetMatch&, const net::Packet&) { return false; };
    env.random = &streams.stream("test");
    env.recent = &recent;
    packet.src = *net::Ipv4Address::parse("10.244.0.5");
    packet.dst = *net::Ipv4Address::parse("10.96.0.20");
    packet.protocol = net::Protocol::Tcp;
    packet.dport = 80;
    in.hook = NfHook::Prerouting;
  }
};

TEST_F(WalkFixture, JumpsIntoUserChainsAndDnatsOnTheMatchingRule) {
  Rule to_services;
  to_services.target = JumpTarget{"KUBE-SERVICES"};
  nf.nat.append("PREROUTING", to_services);
  Rule other;
  other.destination = Negatable<net::Cidr>{cidr("10.96.0.99/32")};
  other.target = JumpTarget{"KUBE-SVC-OTHER"};
  nf.nat.append("KUBE-SERVICES", other);
  nf.nat.chain("KUBE-SVC-OTHER");
  Rule mine;
  mine.destination = Negatable<net::Cidr>{cidr("10.96.0.20/32")};
  mine.protocol = Negatable<net::Protocol>{net::Protocol::Tcp};
  mine.modules.push_back(PortMatch{net::Protocol::Tcp, std::pair<net::Port, net::Port>{80, 80}, std::nullopt});
  mine.target = DnatTarget{*net::Ipv4Address::parse("10.244.1.5"), 8080};
  nf.nat.append("KUBE-SERVICES", mine);

  auto r = walk_table(nf.nat, in, packet, env);
  EXPECT_EQ(r.verdict, WalkVerdict::Dnat);
  ASSERT_TRUE(r.dnat);
  EXPECT_EQ(r.dnat->address.to_string(), "10.244.1.5");
  EXPECT_EQ(r.rules_evaluated, 3u);  // the jump, the non-matching rule, the DNAT
  ASSERT_TRUE(r.decided_by);
  EXPECT_EQ(r.decided_by->chain, "KUBE-SERVICES");
  EXPECT_EQ(r.decided_by->number, 2u);
}

TEST_F(WalkFixture, ReturnGoesBackToTheCallerAndMarkIsNonTerminating) {
  Rule j;
  j.target = JumpTarget{"KUBE-MARK-MASQ"};
  nf.nat.append("PREROUTING", j);
  Rule mark;
  mark.target = MarkTarget{MarkTarget::Op::Or, 0x4000};
  nf.nat.append("KUBE-MARK-MASQ", mark);
  Rule ret;
  ret.target = ReturnTarget{};
  nf.nat.append("KUBE-MARK-MASQ", ret);
  Rule never;
  never.target = DropTarget{};
  nf.nat.append("KUBE-MARK-MASQ", never);
  auto r = walk_table(nf.nat, in, packet, env);
  EXPECT_EQ(r.verdict, WalkVerdict::Accept);
  EXPECT_FALSE(r.decided_by);  // fell off the end of PREROUTING: policy ACCEPT
  EXPECT_EQ(packet.mark, 0x4000u);
}

TEST_F(WalkFixture, NegatedSourceAndMarkMatchesFollowIptablesMeaning) {
  Rule r;
  r.source = Negatable<net::Cidr>{cidr("10.244.0.0/16"), true};
  r.target = DropTarget{};
  nf.filter.append("INPUT", r);
  in.hook = NfHook::Input;
  EXPECT_EQ(walk_table(nf.filter, in, packet, env).verdict, WalkVerdict::Accept);
  packet.src = *net::Ipv4Address::parse("203.0.113.7");
  EXPECT_EQ(walk_table(nf.filter, in, packet, env).verdict, WalkVerdict::Drop);
}

TEST_F(WalkFixture, AddrTypeLocalUsesTheNamespacesAddresses) {
  Rule r;
  r.modules.push_back(AddrTypeMatch{false, "LOCAL", false});
  r.target = RejectTarget{};
  nf.filter.append("INPUT", r);
  in.hook = NfHook::Input;
  EXPECT_EQ(walk_table(nf.filter, in, packet, env).verdict, WalkVerdict::Accept);
  packet.dst = *net::Ipv4Address::parse("192.168.0.11");
  auto res = walk_table(nf.filter, in, packet, env);
  EXPECT_EQ(res.verdict, WalkVerdict::Reject);
  EXPECT_EQ(res.reject_with, "icmp-port-unreachable");
}

TEST_F(WalkFixture, StatisticRandomSplitsAccordingToTheKernelThreshold) {
  // probability 0.5 -> threshold 2^30: about half of the draws match.
  Rule half;
  half.modules.push_back(StatisticMatch{"0.5000000000", 1u << 30});
  half.target = AcceptTarget{};
  nf.filter.append("INPUT", half);
  Rule rest;
  rest.target = DropTarget{};
  nf.filter.append("INPUT", rest);
  in.hook = NfHook::Input;
  int accepted = 0;
  for (int i = 0; i < 10000; ++i) accepted += walk_table(nf.filter, in, packet, env).verdict == WalkVerdict::Accept;
  EXPECT_NEAR(accepted, 5000, 250);  // > 5 standard deviations (sd = 50)
}

TEST_F(WalkFixture, RecentSetThenRcheckPinsAClientUntilTheTimeout) {
  Rule check;
  check.modules.push_back(RecentMatch{"KUBE-SEP-X", false, 10800, true});
  check.target = AcceptTarget{};
  nf.filter.append("INPUT", check);
  Rule set;
  set.modules.push_back(RecentMatch{"KUBE-SEP-X", true, 0, false});
  set.target = DropTarget{};
  nf.filter.append("INPUT", set);
  in.hook = NfHook::Input;
  env.now = sim::Time::s(0);
  EXPECT_EQ(walk_table(nf.filter, in, packet, env).verdict, WalkVerdict::Drop);    // not seen: --set records it
  env.now = sim::Time::s(100);
  EXPECT_EQ(walk_table(nf.filter, in, packet, env).verdict, WalkVerdict::Accept);  // seen recently
  env.now = sim::Time::s(100 + 10801);
  EXPECT_EQ(walk_table(nf.filter, in, packet, env).verdict, WalkVerdict::Drop);    // expired and reaped
}

}  // namespace
}  // namespace packetwalk::model::datapath
