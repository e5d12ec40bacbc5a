// The iptables rule index (netfilter_index.h) must give exactly the in-order walk's answer:
// randomised tables (seeded) of KUBE-SERVICES-like dispatch rules mixed with unkeyed, negated,
// ranged, statistic and recent rules, walked for many random packets both ways.

#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_index.h"
#include "packetwalk/model/datapath/netfilter_walk.h"
#include "packetwalk/sim/random.h"

namespace packetwalk::model::datapath {
namespace {

net::Ipv4Address vip(std::uint64_t i) { return net::Ipv4Address::from_octets(10, 96, static_cast<std::uint8_t>(i / 200), static_cast<std::uint8_t>(i % 200)); }

struct Generator {
  sim::RandomStream& r;
  std::size_t vips;

  net::Protocol proto() { return r.below(4) == 0 ? net::Protocol::Udp : net::Protocol::Tcp; }
  net::Port port() { return static_cast<net::Port>(80 + r.below(4)); }

  Rule dispatch(const std::string& target) {
    Rule rule;
    const auto p = proto();
    rule.destination = Negatable<net::Cidr>{net::Cidr::host(vip(r.below(vips))), false};
    rule.protocol = Negatable<net::Protocol>{p, false};
    rule.modules.push_back(CommentMatch{"svc"});
    PortMatch pm;
    pm.protocol = p;
    const auto d = port();
    pm.dport = std::make_pair(d, d);
    rule.modules.push_back(pm);
    rule.target = JumpTarget{target, false};
    return rule;
  }

  Rule odd(const std::vector<std::string>& chains) {
    Rule rule;
    switch (r.below(7)) {
      case 0: {  // a node-port style rule: no destination
        PortMatch pm;
        pm.protocol = net::Protocol::Tcp;
        const auto d = port();
        pm.dport = std::make_pair(d, d);
        rule.modules.push_back(pm);
        break;
      }
      case 1:  // a prefix destination
        rule.destination = Negatable<net::Cidr>{net::Cidr(vip(r.below(vips)), 24), r.below(2) == 0};
        break;
      case 2: {  // a port range
        PortMatch pm;
        pm.protocol = net::Protocol::Tcp;
        pm.dport = std::make_pair(net::Port{80}, net::Port{82});
        rule.modules.push_back(pm);
        break;
      }
      case 3: {  // a statistic match (random draws must happen in the same order)
        StatisticMatch s;
        s.threshold = static_cast<std::uint32_t>(r.below(0x80000000u));
        rule.modules.push_back(s);
        break;
      }
      case 4: {  // a recent check
        RecentMatch m;
        m.name = "L" + std::to_string(r.below(3));
        m.seconds = 5;
        m.reap = true;
        rule.modules.push_back(m);
        break;
      }
      case 5:  // a mark match
        rule.modules.push_back(MarkMatch{0x4000, 0x4000, r.below(2) == 0});
        break;
      default: {  // negated port
        PortMatch pm;
        pm.protocol = net::Protocol::Tcp;
        const auto d = port();
        pm.dport = std::make_pair(d, d);
        pm.negate_dport = true;
        rule.modules.push_back(pm);
      }
    }
    switch (r.below(6)) {
      case 0: rule.target = MarkTarget{MarkTarget::Op::Or, 0x4000}; break;
      case 1: rule.target = ReturnTarget{}; break;
      case 2: rule.target = AcceptTarget{}; break;
      case 3: {
        RecentMatch set;
        set.name = "L" + std::to_string(r.below(3));
        set.set = true;
        rule.modules.push_back(set);
        rule.target = NoTarget{};
        break;
      }
      default: rule.target = JumpTarget{chains[r.below(chains.size())], false};
    }
    return rule;
  }
};

Table random_table(sim::RandomStream& r, std::size_t rules) {
  Netfilter fresh;
  Table t = fresh.nat;
  std::vector<std::string> leaves;
  for (int i = 0; i < 8; ++i) {
    const std::string name = "KUBE-SVC-" + std::to_string(i);
    leaves.push_back(name);
    Rule dnat;
    dnat.modules.push_back(StatisticMatch{"0.5", 0x40000000u});
    dnat.target = DnatTarget{net::Ipv4Address::from_octets(10, 244, 1, static_cast<std::uint8_t>(i)), 8080};
    t.append(name, dnat);
    Rule last;
    last.target = DnatTarget{net::Ipv4Address::from_octets(10, 244, 2, static_cast<std::uint8_t>(i)), 8080};
    t.append(name, last);
  }
  // A long second-level chain, so the index is used below the top too.
  Generator g{r, 64};
  for (std::size_t i = 0; i < 40; ++i) t.append("KUBE-NODEPORTS", r.below(5) == 0 ? g.odd(leaves) : g.dispatch(leaves[r.below(leaves.size())]));
  std::vector<std::string> targets = leaves;
  targets.push_back("KUBE-NODEPORTS");
  for (std::size_t i = 0; i < rules; ++i) {
    t.append("KUBE-SERVICES", r.below(10) == 0 ? g.odd(targets) : g.dispatch(targets[r.below(targets.size())]));
  }
  Rule jump;
  jump.target = JumpTarget{"KUBE-SERVICES", false};
  t.append("PREROUTING", jump);
  t.append("PREROUTING", g.odd(leaves));
  return t;
}

void expect_same(const WalkResult& a, const WalkResult& b, const net::Packet& pa, const net::Packet& pb) {
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.matched, b.matched);
  EXPECT_EQ(a.rules_evaluated, b.rules_evaluated);
  EXPECT_EQ(a.decided_by, b.decided_by);
  EXPECT_EQ(a.dnat.has_value(), b.dnat.has_value());
  if (a.dnat && b.dnat) {
    EXPECT_EQ(a.dnat->address, b.dnat->address);
    EXPECT_EQ(a.dnat->port, b.dnat->port);
  }
  EXPECT_EQ(a.reject_with, b.reject_with);
  EXPECT_EQ(pa.mark, pb.mark);
}

TEST(RuleIndex, IndexedWalkEqualsInOrderWalk) {
  sim::RandomStreams streams(20250101);
  auto& gen = streams.stream("tables");
  for (int round = 0; round < 20; ++round) {
    const Table table = random_table(gen, 100 + gen.below(400));
    // Two identical worlds: random streams and recent lists must evolve identically.
    sim::RandomStreams ra(round), rb(round);
    RecentTable recent_a, recent_b;
    WalkEnvironment ea, eb;
    for (auto* e : {&ea, &eb}) {
      e->is_local_address = [](const void*, net::Ipv4Address) { return false; };
      e->set_contains = [](const void*, const SetMatch&, const net::Packet&) { return false; };
    }
    ea.random = &ra.stream("kube-proxy");
    eb.random = &rb.stream("kube-proxy");
    ea.recent = &recent_a;
    eb.recent = &recent_b;
    auto& pick = streams.stream("packets");
    for (int i = 0; i < 500; ++i) {
      net::Packet p;
      p.protocol = pick.below(4) == 0 ? net::Protocol::Udp : net::Protocol::Tcp;
      p.src = net::Ipv4Address::from_octets(10, 244, 0, static_cast<std::uint8_t>(pick.below(4)));
      p.dst = pick.below(8) == 0 ? net::Ipv4Address::from_octets(192, 168, 0, 1) : vip(pick.below(64));
      p.dport = static_cast<net::Port>(79 + pick.below(6));
      p.mark = pick.below(3) == 0 ? 0x4000 : 0;
      ea.now = eb.now = sim::Time::s(i / 50);
      WalkInput in;
      net::Packet pa = p, pb = p;
      const WalkResult a = walk_table(table, in, pa, ea);
      const WalkResult b = walk_table_linear(table, in, pb, eb);
      SCOPED_TRACE("round " + std::to_string(round) + " packet " + std::to_string(i) + ": " + p.summary());
      expect_same(a, b, pa, pb);
      if (HasFailure()) return;
    }
    EXPECT_EQ(recent_a.lists, recent_b.lists);
  }
}

TEST(RuleIndex, SkipsButCountsRules) {
  Netfilter nf;
  Table& t = nf.nat;
  for (int i = 0; i < 5000; ++i) {
    Rule r;
    r.destination = Negatable<net::Cidr>{net::Cidr::host(vip(static_cast<std::uint64_t>(i))), false};
    r.protocol = Negatable<net::Protocol>{net::Protocol::Tcp, false};
    PortMatch pm;
    pm.dport = std::make_pair(net::Port{80}, net::Port{80});
    r.modules.push_back(pm);
    r.target = AcceptTarget{};
    t.append("KUBE-SERVICES", r);
  }
  Rule jump;
  jump.target = JumpTarget{"KUBE-SERVICES", false};
  t.append("PREROUTING", jump);
  WalkEnvironment env;
  env.is_local_address = [](const void*, net::Ipv4Address) { return false; };
  env.set_contains = [](const void*, const SetMatch&, const net::Packet&) { return false; };
  net::Packet p;
  p.dst = vip(4321);
  p.dport = 80;
  WalkInput in;
  auto r = walk_table(t, in, p, env);
  EXPECT_EQ(r.rules_evaluated, 1u + 4322u);  // the jump, then every rule up to the match
  ASSERT_TRUE(r.decided_by);
  EXPECT_EQ(r.decided_by->number, 4322u);
  // A change to the table drops the index; the next walk sees the new rule.
  Rule first;
  first.target = DropTarget{};
  t.prepend("KUBE-SERVICES", first);
  auto again = walk_table(t, in, p, env);
  EXPECT_EQ(again.verdict, WalkVerdict::Drop);
  EXPECT_EQ(again.rules_evaluated, 2u);
}

}  // namespace
}  // namespace packetwalk::model::datapath
