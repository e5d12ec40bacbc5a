// The matched-rule lists netfilter hops share (datapath/matched_hits.cpp): a hop lists exactly the
// rules its own walk matched, whichever walk made the list first, and a changed table lists the
// new rules while hops recorded before keep what they showed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "packetwalk/model/datapath/netfilter_index.h"
#include "packetwalk/model/datapath/netfilter_walk.h"

namespace packetwalk::model::datapath {
namespace {

net::Ipv4Address ip(const char* s) { return *net::Ipv4Address::parse(s); }

Rule to_service(const char* cluster_ip, const std::string& chain) {
  Rule r;
  r.destination = Negatable<net::Cidr>{net::Cidr(ip(cluster_ip), 32)};
  r.protocol = Negatable<net::Protocol>{net::Protocol::Tcp};
  r.modules.push_back(PortMatch{net::Protocol::Tcp, std::pair<net::Port, net::Port>{80, 80}, std::nullopt});
  r.target = JumpTarget{chain};
  return r;
}

Rule dnat_to(const char* pod) {
  Rule r;
  r.protocol = Negatable<net::Protocol>{net::Protocol::Tcp};
  r.target = DnatTarget{ip(pod), 8080};
  return r;
}

std::vector<std::string> listed(const trace::RuleHits& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.table.str() + " " + h.chain.str() + " #" + std::to_string(h.number) + ": " + h.text.str());
  return out;
}

struct MatchedHits : ::testing::Test {
  Netfilter nf;
  sim::RandomStreams streams{1};
  RecentTable recent;
  WalkEnvironment env;
  WalkInput in;
  const text::SharedText nat = text::SharedText::interned("nat");

  void SetUp() override {
    env.is_local_address = [](const void*, net::Ipv4Address) { return false; };
    env.set_contains = [](const void*, const SetMatch&, const net::Packet&) { return false; };
    env.random = &streams.stream("test");
    env.recent = &recent;
    in.hook = NfHook::Prerouting;
    Rule portals;
    portals.target = JumpTarget{"KUBE-SERVICES"};
    nf.nat.append("PREROUTING", portals);
    nf.nat.append("KUBE-SERVICES", to_service("10.96.0.10", "KUBE-SVC-A"));
    nf.nat.append("KUBE-SERVICES", to_service("10.96.0.20", "KUBE-SVC-B"));
    nf.nat.append("KUBE-SVC-A", dnat_to("10.244.1.5"));
    nf.nat.append("KUBE-SVC-B", dnat_to("10.244.2.7"));
  }

  // What a netfilter hop records for a packet to `dst`: the walk, then its list.
  trace::RuleHits hop_rules(const char* dst) {
    net::Packet p;
    p.src = ip("10.244.0.2");
    p.dst = ip(dst);
    p.protocol = net::Protocol::Tcp;
    p.dport = 80;
    WalkResult r = walk_table(nf.nat, in, p, env);
    return matched_hits(table_index(nf.nat), r.matched, nat);
  }
};

TEST_F(MatchedHits, EachHopListsTheRulesItsOwnWalkMatched) {
  const trace::RuleHits a = hop_rules("10.96.0.10");
  // The same walk again gets the list the first one made (no new list per hop).
  EXPECT_EQ(hop_rules("10.96.0.10").begin(), a.begin());
  const trace::RuleHits b = hop_rules("10.96.0.20");
  const std::vector<std::string> listed_a{
      "nat PREROUTING #1: -A PREROUTING -j KUBE-SERVICES",
      "nat KUBE-SERVICES #1: -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A",
      "nat KUBE-SVC-A #1: -A KUBE-SVC-A -p tcp -j DNAT --to-destination 10.244.1.5:8080"};
  EXPECT_EQ(listed(a), listed_a);
  EXPECT_EQ(listed(b), (std::vector<std::string>{
                           "nat PREROUTING #1: -A PREROUTING -j KUBE-SERVICES",
                           "nat KUBE-SERVICES #2: -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-B",
                           "nat KUBE-SVC-B #1: -A KUBE-SVC-B -p tcp -j DNAT --to-destination 10.244.2.7:8080"}));
  // Whether or not b's walk took a's place among the kept lists, a walk like a's lists a's rules.
  EXPECT_EQ(listed(hop_rules("10.96.0.10")), listed_a);
  // A walk that matched nothing has an empty list.
  Netfilter empty;
  net::Packet p;
  EXPECT_TRUE(matched_hits(table_index(empty.nat), walk_table(empty.nat, in, p, env).matched, nat).empty());
}

TEST_F(MatchedHits, AChangedTableListsItsNewRulesAndEarlierHopsKeepTheirs) {
  const trace::RuleHits before = hop_rules("10.96.0.10");
  // A new Service rule ahead of the old one, as a re-sync that reorders KUBE-SERVICES would make.
  nf.nat.prepend("KUBE-SERVICES", to_service("10.96.0.10", "KUBE-SVC-B"));
  const trace::RuleHits after = hop_rules("10.96.0.10");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[1].text, "-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-B");
  EXPECT_EQ(after[2].chain, "KUBE-SVC-B");
  EXPECT_EQ(after[2].text, "-A KUBE-SVC-B -p tcp -j DNAT --to-destination 10.244.2.7:8080");
  // The hop recorded before the change still shows the rules that decided it then.
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before[2].chain, "KUBE-SVC-A");
  EXPECT_EQ(before[2].text, "-A KUBE-SVC-A -p tcp -j DNAT --to-destination 10.244.1.5:8080");
}

}  // namespace
}  // namespace packetwalk::model::datapath
