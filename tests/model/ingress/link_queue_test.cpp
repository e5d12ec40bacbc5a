// Links with bandwidth (`links:`): the FIFO transmit queue with tail drop, and its effect on load
// runs. The queue cases use 8 Mbit/s and 1000-byte frames, so every frame takes exactly 1 ms of
// line time and every waiting time can be written down by hand.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "packetwalk/model/ingress/link_queue.h"
#include "packetwalk/model/ingress/traffic.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::ingress {
namespace {

constexpr double kMbit8 = 8e6;

TEST(LinkQueue, ArrivalsSlowerThanTheLineNeverWait) {
  LinkQueue q("dev", kMbit8, 1000);
  for (int k = 0; k < 10; ++k) {
    auto r = q.offer(2.0 * k, {1000});  // one frame every 2 ms, each 1 ms of line time
    EXPECT_DOUBLE_EQ(r.done_ms, 2.0 * k + 1.0);
    EXPECT_EQ(r.dropped, 0);
  }
  EXPECT_DOUBLE_EQ(q.stats().busy_ms, 10.0);
  EXPECT_EQ(q.stats().max_backlog, 0);
}

TEST(LinkQueue, DeterministicOverloadWaitsGrowLinearly) {
  // D/D/1 at twice the line rate: frame k arrives at k/2 ms, starts when frame k-1 has left
  // (k ms) and so waits k/2 ms; the backlog grows by one frame per millisecond.
  LinkQueue q("dev", kMbit8, 1000);
  for (int k = 0; k < 20; ++k) {
    const double at = 0.5 * k;
    auto r = q.offer(at, {1000});
    const double start = static_cast<double>(k);
    EXPECT_DOUBLE_EQ(r.done_ms - 1.0 - at, start - at) << "frame " << k;  // its wait
  }
  // At 9.5 ms frame 19 arrives; frames 10..18 started at 10..18 ms are still queued with it.
  EXPECT_EQ(q.stats().max_backlog, 10);
}

TEST(LinkQueue, AtExactlyTheLineRateNobodyWaits) {
  LinkQueue q("dev", kMbit8, 1);
  for (int k = 0; k < 5; ++k) EXPECT_DOUBLE_EQ(q.offer(k, {1000}).done_ms, k + 1.0);
  EXPECT_EQ(q.stats().drops, 0u);
}

TEST(LinkQueue, TailDropWhenTxqueuelenFramesWait) {
  LinkQueue q("dev", kMbit8, 3);
  // Six frames at once: the first goes on the wire, three wait, the last two find the queue full.
  auto r = q.offer(0, {1000, 1000, 1000, 1000, 1000, 1000});
  EXPECT_EQ(r.accepted, 4);
  EXPECT_EQ(r.dropped, 2);
  EXPECT_DOUBLE_EQ(r.done_ms, 4.0);
  // At 1.5 ms the second frame is on the wire (started at 1 ms): two wait, room for one more.
  r = q.offer(1.5, {1000, 1000});
  EXPECT_EQ(r.accepted, 1);
  EXPECT_EQ(r.dropped, 1);
  EXPECT_DOUBLE_EQ(r.done_ms, 5.0);
  EXPECT_EQ(q.stats().drops, 3u);
  EXPECT_EQ(q.stats().frames, 5u);
  // Once the queue has drained, a frame goes straight out.
  r = q.offer(6.0, {500});
  EXPECT_DOUBLE_EQ(r.done_ms, 6.5);
}

TEST(LinkQueue, MessagesAreCutIntoMssSegments) {
  // 4 KiB in 1460-byte segments, each with 40 bytes of TCP/IP and 38 of Ethernet framing.
  EXPECT_EQ(message_frames(4096, 1460, 78), (std::vector<int>{1538, 1538, 1254}));
  EXPECT_EQ(message_frames(512, 1460, 78), (std::vector<int>{590}));
  EXPECT_EQ(message_frames(2920, 1460, 78), (std::vector<int>{1538, 1538}));
}

// ---- load runs ----------------------------------------------------------------------------------

const std::string kScenarios = std::string(PACKETWALK_SOURCE_DIR) + "/scenarios/ingress/";

std::unique_ptr<cluster::Cluster> build(load::Scenario s) {
  load::Diagnostics diags;
  auto c = cluster::Cluster::build(s, diags);
  EXPECT_TRUE(c);
  return c;
}

load::Scenario uplink_scenario() {
  load::Diagnostics diags;
  auto s = load::load_scenario(kScenarios + "saturated-uplink.yaml", diags);
  EXPECT_FALSE(diags.has_errors());
  return s;
}

load::TrafficSpec sparse() {
  load::TrafficSpec t;
  t.name = "sparse";
  t.from = "external/client";
  t.to = "http://shop.example.com/cart";
  t.rate = 2;
  t.duration_s = 5;
  return t;
}

TEST(LoadLinks, AnIdleLinkAddsExactlyTheLineTimeOfWhatCrossesIt) {
  // Only the uplink is limited: each request's SYN-ACK (60 bytes + 38) and its 4 KiB response
  // (4330 bytes on the wire) leave by it: (98 + 4330) x 8 / 10 Mbit/s = 3.5424 ms more than
  // without links, when the request has the link to itself.
  auto with = uplink_scenario();
  with.links.bandwidth_bps = 0;
  auto without = with;
  without.links = {};
  auto a = build(with), b = build(without);
  ASSERT_TRUE(a && b);
  std::string error;
  auto ra = run_traffic(*a, {sparse()}, 1, error);
  auto rb = run_traffic(*b, {sparse()}, 1, error);
  ASSERT_TRUE(ra && rb) << error;
  ASSERT_EQ(ra->records.size(), rb->records.size());
  ASSERT_GE(ra->records.size(), 5u);
  std::size_t alone = 0;
  for (std::size_t i = 0; i < ra->records.size(); ++i) {
    if (i > 0 && ra->records[i].start_ms - ra->records[i - 1].start_ms < 20) continue;
    ++alone;
    EXPECT_NEAR(ra->records[i].latency_ms - rb->records[i].latency_ms, 3.5424, 1e-6) << "request " << i;
  }
  EXPECT_GE(alone, 5u);
  ASSERT_EQ(ra->flows[0].links.size(), 1u);
  EXPECT_EQ(ra->flows[0].links[0].device, "external/router/eth1");
  EXPECT_EQ(ra->flows[0].links[0].frames, 4 * ra->records.size());  // SYN-ACK and 3 response frames
  EXPECT_TRUE(rb->flows[0].links.empty());
}

TEST(LoadLinks, BiggerResponsesTakeLongerOnTheWire) {
  // The same arrivals (same entry name, fresh clusters) with 4 KiB and 64 KiB responses: 64 KiB
  // is 45 frames, 65536 + 45 x 78 = 69046 bytes on the wire, so a request alone on the uplink
  // takes (69046 - 4330) x 8 / 10 Mbit/s = 51.7728 ms longer.
  auto s = uplink_scenario();
  s.links.bandwidth_bps = 0;
  auto a = build(s), b = build(s);
  ASSERT_TRUE(a && b);
  auto small = sparse(), big = sparse();
  big.response_bytes = 64 * 1024;
  std::string error;
  auto ra = run_traffic(*a, {small}, 1, error);
  auto rb = run_traffic(*b, {big}, 1, error);
  ASSERT_TRUE(ra && rb) << error;
  ASSERT_EQ(ra->records.size(), rb->records.size());
  std::size_t alone = 0;
  for (std::size_t i = 0; i < ra->records.size(); ++i) {
    if (i > 0 && ra->records[i].start_ms - ra->records[i - 1].start_ms < 100) continue;
    ++alone;
    EXPECT_NEAR(rb->records[i].latency_ms - ra->records[i].latency_ms, 51.7728, 1e-6) << "request " << i;
  }
  EXPECT_GE(alone, 4u);
}

TEST(LoadLinks, ABurstFillsTheQueueAndDropsAreResent) {
  auto c = build(uplink_scenario());
  ASSERT_TRUE(c);
  std::string error;
  auto r = run_traffic(*c, c->scenario().traffic, 1, error);
  ASSERT_TRUE(r) << error;
  ASSERT_EQ(r->flows.size(), 2u);
  const auto& steady = r->flows[0];
  const auto& burst = r->flows[1];
  EXPECT_EQ(steady.dropped, 0u);
  EXPECT_LT(steady.p99_ms, 25);  // 37% busy: a few responses of Poisson clustering at most
  // The burst offers ~600 x 3 frames a second to a line that sends ~870: the queue reaches its
  // 1000 frames, which is 1.2 s of line time, and drops the rest.
  EXPECT_GT(burst.dropped, 0u);
  EXPECT_GT(burst.p99_ms, 500);
  const LinkStats* uplink = nullptr;
  for (const auto& l : burst.links)
    if (l.device == "external/router/eth1") uplink = &l;
  ASSERT_TRUE(uplink);
  EXPECT_EQ(uplink->max_backlog, 1000);
  EXPECT_GT(uplink->drops, 0u);
  // Every request still got its 200: TCP resent what the queue dropped.
  EXPECT_EQ(burst.status.at(200), burst.requests);
  EXPECT_TRUE(r->passed());
}

TEST(LoadLinks, AnUnknownDeviceIsAnErrorNamingTheScenarioLine) {
  auto s = uplink_scenario();
  load::LinkSettings bad;
  bad.bandwidth_bps = 1e6;
  bad.pos = {"", 20, 5};
  s.links.devices["external/router/eth7"] = bad;
  auto c = build(s);
  ASSERT_TRUE(c);
  std::string error;
  EXPECT_FALSE(run_traffic(*c, {sparse()}, 1, error));
  EXPECT_NE(error.find("saturated-uplink.yaml:20:5: links.devices.external/router/eth7: no such device"), std::string::npos) << error;
}

TEST(LoadLinks, ScenarioFieldsAreParsedAndCheckedWithTheirLines) {
  const std::string path = testing::TempDir() + "links.yaml";
  {
    std::ofstream out(path);
    out << "apiVersion: packetwalk/v1\nkind: Scenario\n"
           "links:\n"
           "  bandwidth: 100Mbit\n"
           "  txqueuelen: 500\n"
           "  devices:\n"
           "    node-1/eth0: {bandwidth: 10Mbps}\n"
           "    eth0: {bandwidth: 1Gbit}\n"
           "traffic:\n"
           "  - {from: external/client, to: http://x/, requestSize: 1KiB, responseSize: 2MB,\n"
           "     expect: {p99: {min: 1ms, max: 2s}, dropped: [0, 0.1]}}\n";
  }
  load::Diagnostics diags;
  auto s = load::load_scenario(path, diags);
  std::string all;
  for (const auto& d : diags.all()) all += load::format_diagnostic(d) + "\n";
  EXPECT_NE(all.find("links.yaml:7:30: error: links.devices.node-1/eth0.bandwidth: \"10Mbps\": tc reads mbps as bytes per second"),
            std::string::npos) << all;
  EXPECT_NE(all.find("links.yaml:8:11: error: links.devices.eth0: a device is NETNS/DEVICE"), std::string::npos) << all;
  EXPECT_DOUBLE_EQ(s.links.bandwidth_bps, 100e6);
  EXPECT_EQ(s.links.txqueuelen, 500);
  ASSERT_EQ(s.traffic.size(), 1u);
  EXPECT_EQ(s.traffic[0].request_bytes, 1024);
  EXPECT_EQ(s.traffic[0].response_bytes, 2000000);
  EXPECT_DOUBLE_EQ(*s.traffic[0].expect_p99_min_ms, 1);
  EXPECT_DOUBLE_EQ(*s.traffic[0].expect_p99_ms, 2000);
  EXPECT_DOUBLE_EQ(s.traffic[0].expect_dropped->max, 0.1);
  std::remove(path.c_str());
}

// Durations, sizes, rates and share ranges go through one reader (model/load/scenario_units.cpp):
// the same spelling rules and the same kind of error, at the value's line, for every field.
TEST(ScenarioUnits, EveryQuantityIsReadAndCheckedTheSameWay) {
  const std::string path = testing::TempDir() + "units.yaml";
  {
    std::ofstream out(path);
    out << "apiVersion: packetwalk/v1\nkind: Scenario\n"
           "links: {bandwidth: 1.5gbit}\n"
           "traffic:\n"
           "  - {name: good, from: external/client, to: http://x/, duration: 1.5m, serviceTime: 250ms,\n"
           "     every: 2, burstLength: 5e2ms, requestSize: 2kb, responseSize: 64MiB,\n"
           "     expect: {status: {\"200\": [0.5, 1]}, dropped: [0, 0.25], p99: 2s}}\n"
           "  - {name: bad, from: external/client, to: http://x/, duration: 10x, serviceTime: -1s,\n"
           "     requestSize: 0, responseSize: [1], every: {a: 1}, burstLength: 5MS,\n"
           "     expect: {status: {\"200\": [0.5, 0.1]}, dropped: 0.5}}\n";
  }
  load::Diagnostics diags;
  auto s = load::load_scenario(path, diags);
  std::string all;
  for (const auto& d : diags.all()) all += load::format_diagnostic(d) + "\n";
  EXPECT_DOUBLE_EQ(s.links.bandwidth_bps, 1.5e9);
  ASSERT_EQ(s.traffic.size(), 2u);
  const auto& good = s.traffic[0];
  EXPECT_DOUBLE_EQ(good.duration_s, 90);
  EXPECT_DOUBLE_EQ(good.service_time_ms, 250);
  EXPECT_DOUBLE_EQ(good.every_s, 2);
  EXPECT_DOUBLE_EQ(good.burst_length_s, 0.5);
  EXPECT_EQ(good.request_bytes, 2000);
  EXPECT_EQ(good.response_bytes, 64 << 20);
  EXPECT_DOUBLE_EQ(good.expect_status.at("200").min, 0.5);
  EXPECT_DOUBLE_EQ(good.expect_dropped->max, 0.25);
  EXPECT_DOUBLE_EQ(*good.expect_p99_ms, 2000);
  for (const char* needle : {
           "units.yaml:8:65: error: traffic[1].duration: expected a positive duration such as 10s, 500ms or 2m, got \"10x\"",
           "units.yaml:8:83: error: traffic[1].serviceTime: expected a positive duration such as 10s, 500ms or 2m, got \"-1s\"",
           "units.yaml:9:19: error: traffic[1].requestSize: expected a size from 1 byte to 64MiB such as 4096, 4KiB or 1MiB, got \"0\"",
           "units.yaml:9:36: error: traffic[1].responseSize: expected a size from 1 byte to 64MiB such as 4096, 4KiB or 1MiB, got a list",
           "units.yaml:9:48: error: traffic[1].every: expected a positive duration such as 10s, 500ms or 2m, got a mapping",
           "units.yaml:9:69: error: traffic[1].burstLength: expected a positive duration such as 10s, 500ms or 2m, got \"5MS\"",
           "traffic[1].expect.status.200: shares must satisfy 0 <= min <= max <= 1",
           "traffic[1].expect.dropped: expected [min, max] shares between 0 and 1"})
    EXPECT_NE(all.find(needle), std::string::npos) << needle << "\n" << all;
  // Bad values do not leak into the entry: the defaults stay.
  EXPECT_EQ(s.traffic[1].request_bytes, load::TrafficSpec{}.request_bytes);
  EXPECT_FALSE(s.traffic[1].expect_dropped);
  EXPECT_TRUE(s.traffic[1].expect_status.empty());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace packetwalk::model::ingress
