// The nftables walker on hand-made tables: verdict maps, jump/goto/return, numgen, dynamic sets,
// counting of rules and lookups.

#include <gtest/gtest.h>

#include <cmath>

#include "packetwalk/model/datapath/nft_print.h"
#include "packetwalk/model/datapath/nft_walk.h"

namespace packetwalk::model::datapath {
namespace {

net::Ipv4Address ip(const char* t) { return *net::Ipv4Address::parse(t); }

NftVerdict go(const std::string& c) { return NftVerdict{NftVerdict::Kind::Goto, c}; }
NftVerdict jump(const std::string& c) { return NftVerdict{NftVerdict::Kind::Jump, c}; }

NftKey key3(const char* a, net::Protocol p, std::uint32_t port) {
  return NftKey{{ip(a).value(), static_cast<std::uint32_t>(p), port}, 3};
}

struct Fixture {
  NftTable t{"ip", "kube-proxy"};
  sim::RandomStreams streams{1};
  RecentTable dynamic;
  NftWalkEnvironment env;

  Fixture() {
    t.base_chain("nat-prerouting", NftBaseHook{NftChainType::Nat, NfHook::Prerouting, -100, false});
    t.add_rule("nat-prerouting", NftRule{{jump("services")}, ""});
    auto& m = t.set("service-ips");
    m.is_map = true;
    m.key_type = {NftDataType::Ipv4Addr, NftDataType::InetProto, NftDataType::InetService};
    t.add_rule("services", NftRule{{NftVmapLookup{{NftField::IpDaddr, NftField::L4Proto, NftField::ThDport}, "service-ips"}}, ""});
    t.add_element("service-ips", NftElement{key3("10.96.0.10", net::Protocol::Tcp, 80), "", go("svc")});
    auto& aff = t.set("aff");
    aff.key_type = {NftDataType::Ipv4Addr};
    aff.dynamic = true;
    aff.timeout_seconds = 10;
    t.add_rule("svc", NftRule{{NftAddrMatch{true, true, {*net::Cidr::parse("10.244.0.0/16")}}, jump("mark")}, ""});
    t.add_rule("svc", NftRule{{NftSetMatch{true, false, "aff"}, go("ep1")}, ""});
    t.add_rule("svc", NftRule{{NftNumgenVmap{{go("ep0"), go("ep1")}}}, ""});
    t.add_rule("mark", NftRule{{NftMarkSet{NftMarkSet::Op::Or, 0x4000}}, ""});
    t.add_rule("ep0", NftRule{{NftProtoMatch{net::Protocol::Tcp}, NftDnat{ip("10.244.1.5"), 8080}}, ""});
    t.add_rule("ep1", NftRule{{NftSetUpdate{"aff"}}, ""});
    t.add_rule("ep1", NftRule{{NftProtoMatch{net::Protocol::Tcp}, NftDnat{ip("10.244.2.7"), 8080}}, ""});
    t.link();
    env.is_local_address = [](const void*, net::Ipv4Address) { return false; };
    env.random = &streams.stream("kube-proxy/node-1");
    env.dynamic_sets = &dynamic;
  }

  NftWalkResult walk(net::Packet& p) {
    NftWalkInput in;
    return walk_nft_chain(t, *t.chain_position("nat-prerouting"), in, p, env);
  }
};

net::Packet to(const char* dst, net::Port port, const char* src = "10.244.1.9") {
  net::Packet p;
  p.src = ip(src);
  p.dst = ip(dst);
  p.dport = port;
  return p;
}

TEST(NftWalk, VmapDispatchNumgenAndDnat) {
  Fixture f;
  auto p = to("10.96.0.10", 80);
  auto r = f.walk(p);
  EXPECT_EQ(r.verdict, NftWalkVerdict::Dnat);
  ASSERT_TRUE(r.dnat);
  // jump, vmap, masquerade check, affinity, numgen, then ep0's dnat or ep1's update and dnat.
  EXPECT_GE(r.rules_evaluated, 6u);
  EXPECT_LE(r.rules_evaluated, 7u);
  EXPECT_GE(r.lookups, 3u);          // service-ips, @aff, numgen map
  EXPECT_EQ(p.mark, 0u);             // a pod source is not marked
  ASSERT_GE(r.matched.size(), 3u);
  EXPECT_EQ(r.matched[1].element, 0);  // the service-ips element
}

TEST(NftWalk, MissingElementFallsThroughToPolicy) {
  Fixture f;
  auto p = to("10.96.0.10", 81);
  auto r = f.walk(p);
  EXPECT_EQ(r.verdict, NftWalkVerdict::Accept);
  EXPECT_FALSE(r.decided_by);
  EXPECT_EQ(r.rules_evaluated, 2u);
  EXPECT_EQ(r.lookups, 1u);
}

TEST(NftWalk, NonPodSourceIsMarkedAndReturns) {
  Fixture f;
  auto p = to("10.96.0.10", 80, "192.168.0.5");
  auto r = f.walk(p);
  EXPECT_EQ(p.mark, 0x4000u);
  EXPECT_EQ(r.verdict, NftWalkVerdict::Dnat);
}

TEST(NftWalk, NumgenIsUniformAndAffinityPins) {
  Fixture f;
  int ep0 = 0, n = 4000;
  for (int i = 0; i < n; ++i) {
    f.dynamic.lists.clear();
    auto p = to("10.96.0.10", 80);
    auto r = f.walk(p);
    if (r.dnat->address == ip("10.244.1.5")) ++ep0;
  }
  EXPECT_NEAR(ep0, n / 2, 4 * std::sqrt(n / 4.0));  // 4 sigma
  // Once ep1 was chosen (its chain updates @aff), the same client always goes there.
  f.dynamic.lists["aff"][ip("10.244.1.9")] = sim::Time::s(0);
  for (int i = 0; i < 50; ++i) {
    auto p = to("10.96.0.10", 80);
    EXPECT_EQ(f.walk(p).dnat->address, ip("10.244.2.7"));
  }
  // ... until the element times out.
  f.env.now = sim::Time::s(11);
  f.dynamic.lists["aff"][ip("10.244.1.9")] = sim::Time::s(0);
  auto p = to("10.96.0.10", 80);
  auto r = f.walk(p);
  ASSERT_GE(r.matched.size(), 3u);
  EXPECT_EQ(r.matched[2].rule, 2u);  // the numgen rule: the affinity rule no longer matched
}

TEST(NftWalk, MatchedTextShowsTheElement) {
  Fixture f;
  auto p = to("10.96.0.10", 80);
  auto r = f.walk(p);
  const auto& m = r.matched[1];
  EXPECT_EQ(nft_matched_text(f.t, m.chain, m.rule, m.element),
            "ip daddr . meta l4proto . th dport vmap @service-ips  # 10.96.0.10 . tcp . 80 : goto svc");
}

// Traces share these texts, rendered once per table: each numgen slot keeps its own text, and a
// table changed and linked again shows its new rules, not the texts cached before.
TEST(NftWalk, MatchedTextsAreKeptPerElementAndDroppedByLink) {
  Fixture f;
  const auto svc = *f.t.chain_position("svc");
  EXPECT_EQ(nft_matched_text(f.t, svc, 2, 0), "numgen random mod 2 vmap { 0 : goto ep0, 1 : goto ep1 }  # 0 : goto ep0");
  EXPECT_EQ(nft_matched_text(f.t, svc, 2, 1), "numgen random mod 2 vmap { 0 : goto ep0, 1 : goto ep1 }  # 1 : goto ep1");
  EXPECT_EQ(nft_matched_text(f.t, svc, 2, 0), "numgen random mod 2 vmap { 0 : goto ep0, 1 : goto ep1 }  # 0 : goto ep0");
  EXPECT_EQ(nft_trace_texts(f.t).chain_labels[svc], "ip kube-proxy svc");
  const std::string old_first = nft_matched_text(f.t, svc, 0, 0);  // cached under the key asked again below
  EXPECT_EQ(old_first.find("numgen"), std::string::npos);

  f.t.flush_chain("svc");
  f.t.add_rule("svc", NftRule{{NftNumgenVmap{{go("ep1"), go("ep0")}}}, ""});
  f.t.link();
  EXPECT_EQ(nft_matched_text(f.t, svc, 0, 0), "numgen random mod 2 vmap { 0 : goto ep1, 1 : goto ep0 }  # 0 : goto ep1");
  EXPECT_EQ(nft_rule_text_cached(f.t, svc, 0), "numgen random mod 2 vmap { 0 : goto ep1, 1 : goto ep0 }");
}

TEST(NftWalk, LinkRejectsMissingChains) {
  NftTable t{"ip", "x"};
  t.add_rule("a", NftRule{{jump("nowhere")}, ""});
  EXPECT_THROW(t.link(), std::logic_error);
}

}  // namespace
}  // namespace packetwalk::model::datapath
