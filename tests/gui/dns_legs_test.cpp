// A probe addressed by name replays its DNS lookup first: each exchange the resolver made (the
// query through kube-proxy's DNAT to CoreDNS, the answer back) as legs of its own, drawn from the
// model's traces of those exchanges, in simulated time before the connection. And the fault
// panel's values (linkDelay, linkLoss, coreDnsSlow) are the user's, on the panel and in --fault.
#include <gtest/gtest.h>

#include <iostream>

#include "gui/faults.h"
#include "gui/replay_dump.h"
#include "gui/snapshot.h"

namespace packetwalk::tests::gui {
namespace {

using namespace ui::gui;
using model::trace::HopAction;
using model::load::FaultKind;
const std::string kSource = PACKETWALK_SOURCE_DIR;
const std::string kShortNames = kSource + "/scenarios/dns/short-names.yaml";

const ProbeView& probe(const Session& s, const std::string& name) {
  const int i = s.snapshot().find_probe(name);
  EXPECT_GE(i, 0) << name;
  return s.snapshot().probes[static_cast<std::size_t>(std::max(i, 0))];
}

TEST(GuiDnsLegs, LookupExchangesAreLegsBeforeTheConnection) {
  auto s = Session::open({kShortNames, {}}, std::cerr);
  ASSERT_TRUE(s);
  const ProbeView& p = probe(*s, "same-namespace");
  ASSERT_TRUE(p.report.dns);
  const auto& lookup = *p.report.dns;
  ASSERT_FALSE(lookup.probes.empty());
  // Every exchange's legs, in the resolver's order, then the connection's; each leg is the
  // model's own leg of that exchange, hop for hop.
  std::size_t li = 0;
  for (std::size_t e = 0; e < lookup.probes.size(); ++e) {
    const auto& legs = lookup.probes[e].trace.legs;
    for (std::size_t k = 0; k < legs.size(); ++k, ++li) {
      ASSERT_LT(li, p.legs.size());
      const LegSpan& l = p.legs[li];
      EXPECT_EQ(l.dns, static_cast<int>(e));
      EXPECT_EQ(l.end - l.first, legs[k].hops.size());
      for (std::size_t h = l.first; h < l.end; ++h) {
        EXPECT_EQ(&p.hop(h), &legs[k].hops[h - l.first]);
        // On the probe's clock: when the resolver sent the query, plus the hop's time in its exchange.
        EXPECT_EQ(p.hops[h].t_ns, lookup.result.exchanges[e].sent.count_ns() + legs[k].hops[h - l.first].time.count_ns());
      }
      EXPECT_NE(l.name.find("DNS " + std::to_string(e + 1) + "/" + std::to_string(lookup.probes.size())), std::string::npos) << l.name;
    }
  }
  const auto& conn = p.report.result.trace.legs;
  ASSERT_EQ(p.legs.size(), li + conn.size());
  for (std::size_t k = 0; k < conn.size(); ++k) {
    EXPECT_EQ(p.legs[li + k].dns, -1);
    EXPECT_EQ(p.legs[li + k].name, conn[k].name);
  }
  // The connection starts once the lookup has ended, after every DNS hop.
  const std::size_t first_conn = p.legs[li].first;
  for (std::size_t h = 0; h < first_conn; ++h) EXPECT_LE(p.hops[h].t_ns, p.hops[first_conn].t_ns);
  EXPECT_EQ(p.hops[first_conn].t_ns, lookup.result.elapsed.count_ns() + conn[0].hops[0].time.count_ns());

  // The first query is DNATed from the kube-dns ClusterIP to the CoreDNS pod that answered, and
  // its answer is translated back on the way home.
  const LegSpan& query = p.legs[0];
  const LegSpan& answer = p.legs[1];
  EXPECT_FALSE(query.reply);
  EXPECT_TRUE(answer.reply);
  const auto path = model::dns::exchange_path(lookup.probes[0]);
  bool dnat = false, undnat = false;
  for (std::size_t h = query.first; h < query.end; ++h)
    if (p.hop(h).action == HopAction::Dnat && p.hop(h).before) {
      dnat = true;
      EXPECT_EQ(p.hop(h).before->dst.to_string() + ":" + std::to_string(p.hop(h).before->dport), path.dnat_before);
      EXPECT_EQ(p.hop(h).packet.dst.to_string() + ":" + std::to_string(p.hop(h).packet.dport), path.dnat_after);
    }
  for (std::size_t h = answer.first; h < answer.end; ++h)
    if (p.hop(h).action == HopAction::Snat && p.hop(h).before)
      undnat = p.hop(h).packet.src.to_string() + ":53" == path.dnat_before;
  EXPECT_TRUE(dnat);
  EXPECT_TRUE(undnat) << "the answer comes back from the Service address";
  // The inspector's DNS try: candidate name, type and answer code.
  ASSERT_EQ(p.dns_tries.size(), lookup.probes.size());
  EXPECT_EQ(p.dns_tries[0].name, lookup.result.exchanges[0].query.message.questions.front().name);
  EXPECT_EQ(p.dns_tries[0].outcome, "NOERROR");
  const std::string dump = replay_dump(p, query.first);
  EXPECT_NE(dump.find("DNS try 1 of " + std::to_string(lookup.probes.size()) + ": A " + p.dns_tries[0].name), std::string::npos) << dump;
}

TEST(GuiDnsLegs, FailedLookupStillShowsItsExchanges) {
  // NXDOMAIN for every candidate: no connection, but every query and answer is a leg to replay.
  auto s = Session::open({kShortNames, {}}, std::cerr);
  ASSERT_TRUE(s);
  const ProbeView& p = probe(*s, "wrong-namespace-is-nxdomain");
  ASSERT_TRUE(p.report.dns);
  EXPECT_TRUE(p.report.result.trace.legs.empty());
  ASSERT_FALSE(p.legs.empty());
  for (const auto& l : p.legs) EXPECT_GE(l.dns, 0);
  bool nx = false;
  for (const auto& t : p.dns_tries) nx = nx || t.outcome == "NXDOMAIN";
  EXPECT_TRUE(nx);
}

// --- fault values -----------------------------------------------------------------------------

TEST(GuiFaultValues, ParsedAsTheScenarioWritesThem) {
  auto s = Session::open({kShortNames, {}}, std::cerr);
  ASSERT_TRUE(s);
  const auto& c = *s->snapshot().cluster;
  FaultSet set;
  std::string error;
  ASSERT_TRUE(parse_fault_action("linkDelay:node-1=120ms", set, c, error)) << error;
  ASSERT_TRUE(parse_fault_action("linkLoss:node-2=50%", set, c, error)) << error;
  ASSERT_TRUE(parse_fault_action("coreDnsSlow=6s", set, c, error)) << error;
  ASSERT_TRUE(parse_fault_action("linkDelay:node-3", set, c, error)) << error;
  EXPECT_EQ(set.value_of(FaultKind::LinkDelay, "node-1"), 0.12);
  EXPECT_EQ(set.value_of(FaultKind::LinkLoss, "node-2"), 50.0);
  EXPECT_EQ(set.value_of(FaultKind::CoreDnsSlow, ""), 6.0);
  EXPECT_EQ(set.value_of(FaultKind::LinkDelay, "node-3"), 0.05) << "the panel's starting value";
  const auto lines = set.describe();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "linkDelay: {node: node-1, latency: 120ms}"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "coreDnsSlow: {latency: 6s}"), lines.end());
  // Naming it again with a value changes the planted one.
  ASSERT_TRUE(parse_fault_action("linkDelay:node-1=1.5s", set, c, error)) << error;
  EXPECT_EQ(set.value_of(FaultKind::LinkDelay, "node-1"), 1.5);
  EXPECT_EQ(set.faults.size(), 4u);
  for (const char* bad : {"linkLoss:node-1=0", "linkLoss:node-1=101%", "linkDelay:node-1=fast", "linkDelay:node-1=2h",
                          "coreDnsSlow=61m", "linkDown:node-1=3s", "corednsReplicas:0=1"}) {
    FaultSet other;
    error.clear();
    EXPECT_FALSE(parse_fault_action(bad, other, c, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(GuiFaultValues, TheValueChangesTheRerunProbe) {
  auto s = Session::open({kShortNames, {}}, std::cerr);
  ASSERT_TRUE(s);
  const auto& c = *s->snapshot().cluster;
  auto with = [&](FaultKind kind, const std::string& node, double value) {
    FaultSet set;
    set.toggle(kind, node, c, value);
    std::ostringstream err;
    EXPECT_TRUE(s->set_faults(set, err)) << err.str();
    return probe(*s, "same-namespace");
  };
  // CoreDNS 2s late answers within the resolver's 5s timeout; 12s late is past both tries.
  const ProbeView slow = with(FaultKind::CoreDnsSlow, "", 2);
  EXPECT_TRUE(slow.report.passed);
  EXPECT_GE(slow.report.dns->result.elapsed.count_ns(), 2'000'000'000);
  const ProbeView too_slow = with(FaultKind::CoreDnsSlow, "", 12);
  EXPECT_FALSE(too_slow.report.passed);
  EXPECT_EQ(too_slow.report.dns->result.status, model::dns::LookupStatus::Timeout);
  // A longer netem delay on node-1's uplink: the connection's last hop comes later, by at least
  // the difference on each crossing.
  const ProbeView short_delay = with(FaultKind::LinkDelay, "node-1", 0.05);
  const ProbeView long_delay = with(FaultKind::LinkDelay, "node-1", 0.4);
  ASSERT_FALSE(short_delay.hops.empty());
  ASSERT_FALSE(long_delay.hops.empty());
  EXPECT_GE(long_delay.end_ns - short_delay.end_ns, 350'000'000);
}

}  // namespace
}  // namespace packetwalk::tests::gui
