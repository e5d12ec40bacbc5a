// What the GUI precomputes, tested without a display: options, the squeezed time axis, replay
// pacing, rule listings (every rule a hop matched can be highlighted) and probe results equal to
// the CLI's.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "gui/options.h"
#include "gui/replay.h"
#include "gui/snapshot.h"
#include "gui/timeline/time_axis.h"

namespace packetwalk::tests::gui {
namespace {

using namespace ui::gui;
const std::string kSource = PACKETWALK_SOURCE_DIR;

std::unique_ptr<Session> open(const std::string& rel) {
  return Session::open({kSource + "/" + rel, {}}, std::cerr);
}

TEST(GuiOptions, ParsesHeadlessFlags) {
  const char* argv[] = {"packetwalk-gui", "s.yaml", "--probe", "p", "--at-hop", "drop", "--screenshot", "x.png", "--size", "1280x800"};
  std::ostringstream out, err;
  auto o = parse_gui_options(10, argv, out, err);
  ASSERT_TRUE(o) << err.str();
  EXPECT_EQ(*o->scenario, "s.yaml");
  EXPECT_EQ(*o->probe, "p");
  EXPECT_EQ(o->at_hop->kind, HopRef::Kind::Drop);
  EXPECT_EQ(o->width, 1280);
  EXPECT_EQ(o->height, 800);
  EXPECT_FALSE(parse_size("1280"));
  EXPECT_FALSE(parse_size("100x100"));
  EXPECT_FALSE(parse_hop_ref("-1"));
  EXPECT_EQ(parse_hop_ref("7")->index, 7u);
  const char* none[] = {"packetwalk-gui"};
  EXPECT_FALSE(parse_gui_options(1, none, out, err));
}

TEST(GuiTimeAxis, SqueezesLongIdleStretchesOnly) {
  const auto axis = TimeAxis::build({0, 1'000, 51'000, 3'000'051'000, 3'000'052'000}, 200'000);
  ASSERT_EQ(axis.gaps().size(), 1u);
  EXPECT_EQ(axis.to_display(1'000), 1'000);    // short stretches stay linear
  EXPECT_EQ(axis.to_display(51'000), 51'000);
  EXPECT_DOUBLE_EQ(axis.to_display(3'000'051'000), 51'000 + 200'000);  // 3 s shown as 200 us
  EXPECT_DOUBLE_EQ(axis.to_display(3'000'052'000), 252'000);
  double prev = -1;
  for (std::int64_t t = 0; t < 3'000'100'000; t += 7'777'777) {
    const double d = axis.to_display(t);
    EXPECT_GE(d, prev);
    prev = d;
    EXPECT_NEAR(static_cast<double>(axis.to_time(d)), static_cast<double>(t), 20'000.0);
  }
}

TEST(GuiReplay, PacesByHopAndStopsAtTheEnd) {
  EXPECT_DOUBLE_EQ(step_seconds(0), 0.15);
  EXPECT_LT(step_seconds(1'000), step_seconds(50'000));
  EXPECT_DOUBLE_EQ(step_seconds(3'000'000'000), 1.2);
  auto s = open("scenarios/seed/pod-to-pod-cross-node.yaml");
  ASSERT_TRUE(s);
  const ProbeView& p = s->snapshot().probes.front();
  ASSERT_GT(p.hops.size(), 10u);
  double c = 0;
  for (int frame = 0; frame < 100000 && c < static_cast<double>(p.hops.size() - 1); ++frame) {
    const double next = advance_cursor(p, c, 1.0 / 60, 1.0);
    ASSERT_GT(next, c);
    c = next;
  }
  EXPECT_DOUBLE_EQ(c, static_cast<double>(p.hops.size() - 1));
  EXPECT_EQ(hop_at(p, 2.0 - 1e-12), 2u);
  // At a hop the marker sits on the hop's anchor; between hops it is on the path between them.
  EXPECT_FLOAT_EQ(marker_at(p, 3).x, p.hops[3].anchor.at.x);
  EXPECT_EQ(time_at(p, 3), p.hops[3].t_ns);
}

TEST(GuiSnapshot, ResultsMatchTheScenarioExpectations) {
  for (const char* rel : {"scenarios/seed/pod-to-pod-cross-node.yaml", "scenarios/services/clusterip-seed.yaml"}) {
    auto s = open(rel);
    ASSERT_TRUE(s) << rel;
    for (const auto& p : s->snapshot().probes) {
      EXPECT_TRUE(p.error.empty()) << p.error;
      EXPECT_TRUE(p.report.passed) << rel << " " << p.input.name;  // `packetwalk run` passes them all
      EXPECT_FALSE(p.hops.empty());
      // Legs are contiguous and cover every hop.
      std::size_t next = 0;
      for (const auto& leg : p.legs) {
        EXPECT_EQ(leg.first, next);
        next = leg.end;
      }
      EXPECT_EQ(next, p.hops.size());
    }
  }
}

TEST(GuiSnapshot, EveryMatchedRuleHasALineToHighlight) {
  auto s = open("scenarios/services/clusterip-seed.yaml");
  ASSERT_TRUE(s);
  std::size_t checked = 0;
  for (const auto& p : s->snapshot().probes) {
    for (std::size_t i = 0; i < p.hops.size(); ++i) {
      const auto* listing = s->snapshot().rules_of(p.hops[i].netns);
      for (const auto& hit : p.hop(i).rules) {
        ASSERT_NE(listing, nullptr) << p.hops[i].place;
        const int line = listing->find(hit);
        ASSERT_GE(line, 0) << hit.table << " " << hit.chain << " #" << hit.number;
        EXPECT_EQ(listing->lines()[static_cast<std::size_t>(line)].text, hit.text);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 5u);
}

TEST(GuiSnapshot, AdHocProbeRunsAndBadOneIsRefused) {
  auto s = open("scenarios/services/clusterip-seed.yaml");
  ASSERT_TRUE(s);
  const std::size_t before = s->snapshot().probes.size();
  ui::cli::ProbeInput in;
  in.from = "default/pod-a";
  in.to = "api-server:80";
  std::string error;
  ASSERT_TRUE(s->add_probe(in, error)) << error;
  ASSERT_EQ(s->snapshot().probes.size(), before + 1);
  EXPECT_EQ(s->snapshot().probes.back().input.name, "ad-hoc-1");
  EXPECT_EQ(s->snapshot().probes.back().report.result.trace.disposition, model::trace::Disposition::Connected);
  in.from = "default/nobody";
  EXPECT_FALSE(s->add_probe(in, error));
  EXPECT_FALSE(error.empty());
  // A reload keeps the ad-hoc probe, rerun.
  std::ostringstream err;
  ASSERT_TRUE(s->reload(err)) << err.str();
  EXPECT_EQ(s->snapshot().probes.size(), before + 1);
}

}  // namespace
}  // namespace packetwalk::tests::gui
