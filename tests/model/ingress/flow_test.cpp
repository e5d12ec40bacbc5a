// HTTP through the datapath: client -> controller over the LoadBalancer, then a new connection
// from the controller pod to a backend pod (k8s-semantics.md §7.4 E); load runs over time.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "packetwalk/model/ingress/http_target.h"
#include "packetwalk/model/ingress/traffic.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::ingress {
namespace {

const std::string kScenarios = std::string(PACKETWALK_SOURCE_DIR) + "/scenarios/ingress/";

std::unique_ptr<cluster::Cluster> load(const std::string& file) {
  load::Diagnostics diags;
  auto s = load::load_scenario(kScenarios + file, diags);
  EXPECT_FALSE(diags.has_errors());
  auto c = cluster::Cluster::build(s, diags);
  EXPECT_TRUE(c);
  return c;
}

bool passes(const query::ProbeResult& r, const std::string& netns) {
  for (const auto& leg : r.trace.legs)
    for (const auto& h : leg.hops)
      if (h.netns == netns) return true;
  return false;
}

TEST(HttpFlow, SeedIngressRequestIsTwoConnections) {
  auto c = load("seed-api-ingress.yaml");
  ASSERT_TRUE(c);
  HttpClient client(*c, 1);
  std::string error;
  auto target = resolve_http(*c, client.runner(), "external/client", "http://api.example.com/v1/users", {}, "default", error);
  ASSERT_TRUE(target) << error;
  EXPECT_EQ(target->target.dst.to_string(), "198.51.100.1");
  auto flow = client.run(target->target);
  EXPECT_EQ(flow.status, 200) << flow.outcome;
  ASSERT_EQ(flow.legs.size(), 2u);
  ASSERT_EQ(flow.served.size(), 1u);
  const auto& served = flow.served[0];
  EXPECT_EQ(served.decision.route, "Ingress default/api-ingress");
  // externalTrafficPolicy Local keeps the client's address all the way to the controller.
  EXPECT_EQ(served.client.to_string(), "203.0.113.10");
  // Leg 2 leaves the controller pod for a backend pod's IP:8080, not the ClusterIP.
  const auto& leg2 = flow.legs[1];
  EXPECT_EQ(leg2.from, served.router_pod);
  EXPECT_EQ(leg2.result.tuple.dport, 8080);
  EXPECT_EQ(leg2.to, served.endpoint);
  EXPECT_EQ(leg2.result.answered_by, flow.answered_by());
  EXPECT_EQ(flow.answered_by().rfind("default/api-server-", 0), 0u);
  EXPECT_TRUE(passes(leg2.result, served.router_pod));
  // The backend saw the controller's address as source and the client's only in X-Forwarded-For.
  std::string router_ip;
  for (const auto& p : c->ingress().pods())
    if (p.pod == served.router_pod) router_ip = p.ip.to_string();
  bool forwarded = false;
  for (const auto& leg : leg2.result.trace.legs)
    for (const auto& h : leg.hops)
      if (auto r = parse_request(h.packet.payload)) {
        forwarded = r->header("X-Forwarded-For") == "203.0.113.10";
        EXPECT_EQ(h.packet.src.to_string(), router_ip);
      }
  EXPECT_TRUE(forwarded);
  // Leg 2 starts after leg 1 reached the controller, and leg 1's response comes after leg 2's.
  EXPECT_GT(leg2.result.trace.legs.front().hops.front().time, sim::Time::zero());
  EXPECT_GT(flow.elapsed, response_time(leg2.result, leg2.from));
}

TEST(HttpFlow, DefaultBackendAndRoundRobin) {
  auto c = load("seed-api-ingress.yaml");
  ASSERT_TRUE(c);
  HttpClient client(*c, 1);
  std::string error;
  auto beta = resolve_http(*c, client.runner(), "external/client", "http://api.example.com/v1beta", {}, "default", error);
  ASSERT_TRUE(beta);
  auto flow = client.run(beta->target);
  EXPECT_EQ(flow.status, 404);
  EXPECT_EQ(flow.legs.size(), 1u);  // the controller answered itself
  auto users = resolve_http(*c, client.runner(), "external/client", "http://api.example.com/v1/users", {}, "default", error);
  std::set<std::string> pods;
  for (int i = 0; i < 4; ++i) pods.insert(client.run(users->target).answered_by());
  EXPECT_EQ(pods.size(), 2u);  // two replicas, round robin
}

TEST(Traffic, CanarySplitOverTenThousandRequests) {
  auto c = load("canary.yaml");
  ASSERT_TRUE(c);
  load::TrafficSpec t;
  t.name = "canary-split";
  t.from = "external/client";
  t.to = "http://web.example.com/";
  t.rate = 1000;
  t.duration_s = 10;
  std::string error;
  auto r = run_traffic(*c, {t}, 1, error);
  ASSERT_TRUE(r) << error;
  const auto& f = r->flows[0];
  EXPECT_NEAR(static_cast<double>(f.requests), 10000, 300);  // Poisson: sd 100
  const double canary = f.services.count("default/web-canary") ? f.services.at("default/web-canary") / double(f.requests) : 0;
  // Binomial(10000, 0.1) has sd 0.3 percentage points: a tolerance of one point is over 3 sd.
  EXPECT_NEAR(canary, 0.10, 0.01);
  EXPECT_EQ(f.status.at(200), f.requests);
  EXPECT_GT(f.p99_ms, f.p50_ms * 0.99);
}

TEST(Traffic, BurstAgainstTheRateLimit) {
  auto c = load("seed-api-ingress.yaml");
  ASSERT_TRUE(c);
  load::TrafficSpec t;
  t.name = "burst";
  t.from = "external/client";
  t.to = "http://api.example.com/v1/users";
  t.rate = 300;
  t.duration_s = 10;
  std::string error;
  auto r = run_traffic(*c, {t}, 1, error);
  ASSERT_TRUE(r) << error;
  const auto& f = r->flows[0];
  // limit-rps 100 with burst 500: 100 x 10 + 500 pass; the ConfigMap turns the rest into 429.
  EXPECT_NEAR(static_cast<double>(f.status.at(200)), 1500, 20);
  EXPECT_NEAR(static_cast<double>(f.status.at(429)), static_cast<double>(f.requests) - 1500, 20);
}

TEST(Traffic, ArrivalsFollowThePattern) {
  load::TrafficSpec t;
  t.rate = 100;
  t.duration_s = 20;
  t.pattern = "ramp";
  t.peak = 300;
  sim::RandomStream s(5);
  auto times = arrival_times(t, s);
  EXPECT_NEAR(static_cast<double>(times.size()), 4000, 200);  // mean rate 200 over 20 s
  auto first_half = std::count_if(times.begin(), times.end(), [](double x) { return x < 10; });
  EXPECT_NEAR(static_cast<double>(first_half), 1500, 120);  // (100 + 200) / 2 x 10
  t.pattern = "burst";
  t.rate = 10;
  t.peak = 1000;
  t.burst_length_s = 1;
  t.every_s = 10;
  sim::RandomStream s2(5);
  times = arrival_times(t, s2);
  auto in_bursts = std::count_if(times.begin(), times.end(), [](double x) { return std::fmod(x, 10.0) < 1; });
  EXPECT_NEAR(static_cast<double>(in_bursts), 2000, 150);
  EXPECT_NEAR(static_cast<double>(times.size() - in_bursts), 180, 60);
}

}  // namespace
}  // namespace packetwalk::model::ingress
