// Load runs through ingress-nginx: simulated HTTP requests per second of wall time. Each request
// is a full two-connection flow (client -> controller over the LoadBalancer, controller -> backend
// pod), as `packetwalk run scenarios/ingress/seed-api-ingress.yaml` runs its `traffic:` entry.
//   build-ing/tests/bench/ingress_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/ingress/traffic.h"
#include "packetwalk/model/load/scenario.h"

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

BENCHMARK_MAIN();
