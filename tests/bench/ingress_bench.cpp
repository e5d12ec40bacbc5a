// Load runs through ingress-nginx: simulated HTTP requests per second of wall time. Each request
// is a full two-connection flow (client -> controller over the LoadBalancer, controller -> backend
// pod), as `packetwalk run scenarios/ingress/seed-api-ingress.yaml` runs its `traffic:` entry.
//   build-ing/tests/bench/ingress_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/ingress/match.h"
#include "packetwalk/model/ingress/traffic.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/text/regex.h"

namespace {

using namespace packetwalk::model;

std::unique_ptr<cluster::Cluster> load(const std::string& name, bool links = false) {
  load::Diagnostics diags;
  auto s = load::load_scenario(std::string(PACKETWALK_SOURCE_DIR) + "/scenarios/ingress/" + name, diags);
  if (links) {
    // As scenarios/ingress/saturated-uplink.yaml: 1 Gbit/s everywhere, a 10 Mbit/s uplink.
    s.links.present = true;
    s.links.bandwidth_bps = 1e9;
    load::LinkSettings uplink;
    uplink.bandwidth_bps = 10e6;
    s.links.devices["external/router/eth1"] = uplink;
  }
  return cluster::Cluster::build(s, diags);
}

// `rate` requests per second for one simulated second; the rate limit rejects part of them.
// Arg 2 = 1: with `links:` (bandwidth and transmit queues: the second, event-driven pass); the
// ratio of the two requests/s figures in one run is the cost of modelling the links.
void BM_SeedIngressTraffic(benchmark::State& state) {
  auto c = load("seed-api-ingress.yaml", state.range(1) != 0);
  load::TrafficSpec t;
  t.name = "bench";
  t.from = "external/client";
  t.to = "http://api.example.com/v1/users";
  t.rate = static_cast<double>(state.range(0));
  t.duration_s = 1;
  std::size_t requests = 0;
  for (auto _ : state) {
    std::string error;
    auto r = ingress::run_traffic(*c, {t}, 1, error);
    if (!r) state.SkipWithError(error.c_str());
    else requests += r->records.size();
  }
  state.counters["requests/s"] = benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SeedIngressTraffic)
    ->ArgNames({"rps", "links"})
    ->Args({300, 0})
    ->Args({300, 1})
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Unit(benchmark::kMillisecond);

// The canary scenario: every request proxied (no rate limit), split 90/10.
void BM_CanaryTraffic(benchmark::State& state) {
  auto c = load("canary.yaml");
  load::TrafficSpec t;
  t.name = "bench";
  t.from = "external/client";
  t.to = "http://web.example.com/";
  t.rate = 1000;
  t.duration_s = 1;
  std::size_t requests = 0;
  for (auto _ : state) {
    std::string error;
    auto r = ingress::run_traffic(*c, {t}, 1, error);
    if (!r) state.SkipWithError(error.c_str());
    else requests += r->records.size();
  }
  state.counters["requests/s"] = benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CanaryTraffic)->Unit(benchmark::kMillisecond);

}  // namespace

// One HTTPRoute match against one request: the step a Gateway repeats for every request and rule.
// Arg 0: a PathPrefix rule (no regular expression: the baseline); 1: a RegularExpression path
// and header, as Istio and Envoy Gateway run them (each pattern compiled once, Regex::compiled);
// 2: the same two patterns compiled again at every request, as packetwalk did before: the ratio
// of 2 to 1 in one run is what keeping the compiled patterns saves.
void BM_RouteMatch(benchmark::State& state) {
  ingress::HttpRouteMatch m;
  ingress::HttpRequest req;
  req.path = "/v2/items/shoe-42";
  req.host = "shop.example.com";
  req.headers.push_back({"x-env", "canary-7"});
  if (state.range(0) == 0) {
    m.path = {ingress::PathMatchType::PathPrefix, "/v2/items"};
    m.headers.push_back({ingress::ValueMatchType::Exact, "x-env", "canary-7"});
  } else {
    m.path = {ingress::PathMatchType::RegularExpression, "/v[0-9]+/items/[a-z]+-[0-9]+"};
    m.headers.push_back({ingress::ValueMatchType::RegularExpression, "x-env", "canary-[0-9]+"});
  }
  std::size_t matched = 0;
  for (auto _ : state) {
    if (state.range(0) == 2) {
      matched += text::Regex(m.path.value).full_match(req.path) &&
                 text::Regex(m.headers[0].value).full_match(req.headers[0].second);
    } else {
      matched += ingress::route_match_matches(m, req);
    }
  }
  if (static_cast<benchmark::IterationCount>(matched) != state.iterations()) state.SkipWithError("the request should match its rule");
  state.counters["matches/s"] = benchmark::Counter(static_cast<double>(matched), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RouteMatch)->Arg(0)->Arg(1)->Arg(2);

BENCHMARK_MAIN();
