// The `timeline:` section and a probe's `at:` as the loader reads them (load/timeline.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "packetwalk/model/load/scenario.h"
#include "test_data.h"

namespace packetwalk::model::load {
namespace {

using ::testing::ElementsAre;
using test::data_path;
using test::diagnostic_lines;

TEST(TimelineLoader, BadEntriesAreErrorsNamingTheField) {
  Diagnostics diags;
  auto s = load_scenario(data_path("scenarios/timeline-bad.yaml"), diags);
  EXPECT_THAT(diagnostic_lines(diags), ElementsAre(
                  "scenarios/timeline-bad.yaml:4:5: error: missing required field \"timeline[0].at\"",
                  "scenarios/timeline-bad.yaml:5:9: error: timeline[1].at: expected a positive duration such as 10s, 500ms or 2m, got \"soon\"",
                  "scenarios/timeline-bad.yaml:8:19: error: timeline[2].scale.kind: Unsupported value: \"DaemonSet\": supported values: \"Deployment\", \"StatefulSet\"",
                  "scenarios/timeline-bad.yaml:10:52: error: timeline[3].scale.replicas: must not be negative, got -1",
                  "scenarios/timeline-bad.yaml:11:5: error: timeline[4]: write one change per timeline entry",
                  "scenarios/timeline-bad.yaml:15:13: error: missing required field \"timeline[5].delete.kind\"",
                  "scenarios/timeline-bad.yaml:17:22: error: timeline[6].fault.cniDown: must name a node",
                  "scenarios/timeline-bad.yaml:18:5: error: timeline[7]: a timeline entry needs one of apply, delete, scale, podNotReady, podReady, drainNode, failNode, stopKubeProxy, fault",
                  "scenarios/timeline-bad.yaml:18:14: warning: unknown field \"timeline[7].reboot\"",
                  "scenarios/timeline-bad.yaml:20:30: error: probes[0].at: expected a positive duration such as 10s, 500ms or 2m, got \"-5s\""));
  EXPECT_TRUE(s.timeline.empty());  // no entry is half-read
}

TEST(TimelineLoader, TimesSpellDurations) {
  EXPECT_EQ(format_seconds(0), "0s");
  EXPECT_EQ(format_seconds(30), "30s");
  EXPECT_EQ(format_seconds(90), "1m30s");
  EXPECT_EQ(format_seconds(120), "2m");
  EXPECT_EQ(format_seconds(0.25), "250ms");
  EXPECT_EQ(format_seconds(1.5), "1.5s");
}

}  // namespace
}  // namespace packetwalk::model::load
