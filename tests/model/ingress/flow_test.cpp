// HTTP through the datapath: client -> controller over the LoadBalancer, then a new connection
// from the controller pod to a backend pod (k8s-semantics.md §7.4 E); load runs over time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
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

// `--to NODE:NODEPORT` with a Host header: the controller Service's NodePort reaches the
// controller only on the node running it (externalTrafficPolicy Local: the others drop it in
// KUBE-EXTERNAL-SERVICES), and from there the request is routed like one to the LoadBalancer.
TEST(HttpFlow, NodePortWithHostHeaderReachesTheControllerOnItsNode) {
  auto c = load("seed-api-ingress.yaml");
  ASSERT_TRUE(c);
  const auto* svc = c->services().find("ingress-nginx", "ingress-nginx-controller");
  ASSERT_TRUE(svc);
  int node_port = 0;
  std::string controller_node;
  for (const auto& p : svc->ports)
    if (p.port == 80) {
      node_port = p.node_port;
      ASSERT_EQ(p.endpoints.size(), 1u);
      controller_node = p.endpoints[0].node;
    }
  ASSERT_GT(node_port, 0);
  ASSERT_FALSE(controller_node.empty());
  load::HttpProbeSpec http;
  http.present = true;
  http.host = "api.example.com";
  http.path = "/v1/users";
  int served = 0;
  for (const char* node : {"node-1", "node-2", "node-3"}) {
    HttpClient client(*c, 1);
    std::string error;
    auto t = resolve_http(*c, client.runner(), "external/client", std::string("node/") + node + ":" + std::to_string(node_port),
                          http, "default", error);
    ASSERT_TRUE(t) << error;
    auto flow = client.run(t->target);
    if (node == controller_node) {
      ++served;
      EXPECT_EQ(flow.status, 200) << node << ": " << flow.outcome;
      ASSERT_EQ(flow.served.size(), 1u);
      EXPECT_EQ(flow.served[0].decision.route, "Ingress default/api-ingress");
      EXPECT_EQ(flow.legs.size(), 2u);
    } else {
      EXPECT_EQ(flow.status, 0) << node;
      EXPECT_NE(flow.outcome.find("has no local endpoints"), std::string::npos) << node << ": " << flow.outcome;
    }
  }
  EXPECT_EQ(served, 1);
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

// Listeners have a service time and a connection limit (`serviceTime`, `connections`): each
// backend pod serves `connections` requests at once for `serviceTime` each, FIFO. Checked with and
// without `links:` (two code paths: the direct one and the link replay's event queue).
// `service_ms` x rate / 2 pods must exceed 1 (one worker per pod cannot keep up).
void expect_service_time_and_connection_limit(const std::string& scenario, const std::string& url, double rate,
                                              double service_ms) {
  SCOPED_TRACE(scenario);
  auto entry = [&](double service_ms, int connections) {
    load::TrafficSpec t;
    t.name = "backend";
    t.from = "external/client";
    t.to = url;
    t.rate = rate;
    t.duration_s = 4;
    t.service_time_ms = service_ms;
    t.connections = connections;
    return t;
  };
  auto run = [&](const load::TrafficSpec& t) {
    auto c = load(scenario);
    std::string error;
    auto r = run_traffic(*c, {t}, 1, error);
    EXPECT_TRUE(r) << error;
    return r ? *r : TrafficResult{};
  };
  // Enough workers: every request takes exactly the extra service time, nothing waits.
  // (With `links:`, a response moved later can meet a SYN-ACK on the uplink it missed before, a
  // few ms at most; the rest are exact.)
  auto fast = run(entry(1, 100)), slow = run(entry(service_ms, 100));
  ASSERT_EQ(fast.records.size(), slow.records.size());
  ASSERT_GT(fast.records.size(), 4 * rate * 0.7);
  std::size_t exact = 0;
  for (std::size_t i = 0; i < fast.records.size(); ++i) {
    ASSERT_EQ(fast.records[i].status, 200) << "request " << i;
    const double extra = slow.records[i].latency_ms - fast.records[i].latency_ms;
    EXPECT_NEAR(extra, service_ms - 1, 4.0) << "request " << i;
    exact += std::abs(extra - (service_ms - 1)) < 1e-6;
  }
  EXPECT_GE(exact, fast.records.size() * 9 / 10);
  // One worker per pod at more than it can serve (rate / 2 pods x 50 ms > 1): requests on a pod
  // finish one service time apart at the least, and the wait grows into the hundreds of ms.
  auto one = run(entry(service_ms, 1));
  std::map<std::string, std::vector<double>> done;
  for (const auto& rec : one.records) done[rec.backend_pod].push_back(rec.start_ms + rec.latency_ms);
  ASSERT_EQ(done.size(), 2u);
  for (auto& [pod, times] : done) {
    std::sort(times.begin(), times.end());
    for (std::size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i] - times[i - 1], service_ms - 0.5) << pod << " request " << i;
  }
  EXPECT_GT(one.flows[0].p99_ms, slow.flows[0].p99_ms * 3);
  // A second worker per pod keeps up again: the long queue is gone.
  auto two = run(entry(service_ms, 2));
  EXPECT_LT(two.flows[0].p99_ms, one.flows[0].p99_ms / 2);
}

TEST(Traffic, BackendServiceTimeAndConnectionLimit) {
  expect_service_time_and_connection_limit("seed-api-ingress.yaml", "http://api.example.com/v1/users", 50, 50);
  expect_service_time_and_connection_limit("saturated-uplink.yaml", "http://shop.example.com/cart", 10, 300);
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
