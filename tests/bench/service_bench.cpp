// Full first-packet traces per second: a TCP connection (SYN, SYN-ACK, ACK, every hop traced)
// from a pod on node-1 to a ClusterIP whose endpoints run on node-2, through kube-proxy's DNAT
// and Flannel VXLAN, with query::ProbeRunner::run — in a cluster of 100 and of 10,000 Services,
// for each kube-proxy mode. The 10,000-Service cluster must not be much slower than the
// 100-Service one: iptables walks KUBE-SERVICES through the rule index (the trace still reports
// the thousands of rules a real node tests), nftables and IPVS look Services up in hash tables.
//
// Run: build-kp2/tests/bench/service_bench  (RelWithDebInfo or Release)

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/query/probe.h"

namespace {

using namespace packetwalk::model;  // NOLINT: a benchmark program

// `bystanders` more pods on each of node-1 and node-2, each with its veth on the node's bridge:
// how a trace's cost grows with the pods a node runs (a real node hashes its local addresses,
// neighbours and bridge ports, so its own cost does not).
std::string manifests(int services, int bystanders) {
  std::string y = R"(apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: node-1, containers: [{name: c, image: curl}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-a, labels: {app: web}}
spec: {nodeName: node-2, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-b, labels: {app: web}}
spec: {nodeName: node-2, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
)";
  char name[32];
  for (int node = 1; node <= 2; ++node) {
    for (int i = 0; i < bystanders; ++i) {
      std::snprintf(name, sizeof name, "idle-%d-%03d", node, i);
      y += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: ";
      y += name;
      y += ", labels: {app: idle}}\nspec: {nodeName: node-" + std::to_string(node) + ", containers: [{name: c, image: pause}]}\n";
    }
  }
  for (int i = 0; i < services; ++i) {
    std::snprintf(name, sizeof name, "svc-%05d", i);
    y += "---\napiVersion: v1\nkind: Service\nmetadata: {name: ";
    y += name;
    y += "}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n";
  }
  return y;
}

// Clusters are built once per (mode, size, copy) and kept for the whole program. Each thread of
// a threaded case traces through a copy of its own, as each worker of `packetwalk test -j` runs
// its own scenario's cluster: a trace changes conntrack and IPVS state.
cluster::Cluster& cluster_for(const std::string& mode, int services, int bystanders, int copy) {
  static std::mutex lock;
  static std::map<std::tuple<std::string, int, int, int>, std::unique_ptr<cluster::Cluster>> built;
  std::lock_guard<std::mutex> hold(lock);
  auto& slot = built[{mode, services, bystanders, copy}];
  if (!slot) {
    load::Diagnostics diags;
    load::Scenario s;
    s.path = "bench";
    s.cluster = load::default_cluster_spec();
    s.cluster.proxy_mode = mode;
    s.manifests = load::load_manifest_text(manifests(services, bystanders), "bench.yaml", 0, diags);
    load::remove_duplicates(s.manifests, diags);
    if (!diags.has_errors()) slot = cluster::Cluster::build(s, diags);
    if (!slot) {
      for (const auto& d : diags.all()) std::fprintf(stderr, "%s\n", load::format_diagnostic(d).c_str());
      std::abort();
    }
  }
  return *slot;
}

void first_packet_trace(benchmark::State& state, const std::string& mode, int bystanders = 0) {
  const int services = static_cast<int>(state.range(0));
  auto& c = cluster_for(mode, services, bystanders, state.thread_index());
  query::ProbeRunner runner(c.topology(), c.spec().seed);
  runner.set_applications(&c.applications());
  query::ProbeTarget target;
  target.from = *c.pod_netns("default", "client");
  char name[32];
  std::snprintf(name, sizeof name, "svc-%05d", services / 2);  // the middle of KUBE-SERVICES
  target.dst = *c.services().find("default", name)->cluster_ip;
  target.port = 80;
  std::uint64_t rules = 0;
  for (auto _ : state) {
    auto r = runner.run(target);
    if (r.trace.disposition != trace::Disposition::Connected) {
      state.SkipWithError(("not connected: " + r.trace.reason).c_str());
      break;
    }
    for (const auto& leg : r.trace.legs)
      for (const auto& h : leg.hops) rules += h.rules_evaluated;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["rules_tested_per_trace"] =
      benchmark::Counter(static_cast<double>(rules) / static_cast<double>(std::max<std::int64_t>(1, state.iterations())),
                         benchmark::Counter::kAvgThreads);  // per trace, whichever thread ran it
}

void BM_Trace_iptables(benchmark::State& s) { first_packet_trace(s, "iptables"); }
void BM_Trace_ipvs(benchmark::State& s) { first_packet_trace(s, "ipvs"); }
void BM_Trace_nftables(benchmark::State& s) { first_packet_trace(s, "nftables"); }
// 100 Services, iptables mode, with range(1) more pods on each of the two nodes.
void BM_Trace_busy_nodes(benchmark::State& s) { first_packet_trace(s, "iptables", static_cast<int>(s.range(1))); }

BENCHMARK(BM_Trace_iptables)->Arg(100)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Trace_ipvs)->Arg(100)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Trace_nftables)->Arg(100)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Trace_busy_nodes)->Args({100, 0})->Args({100, 100})->Unit(benchmark::kMicrosecond);
// Two traces at a time, each thread through its own copy of the cluster: how the rate scales
// with cores (items_per_second is over wall time, both threads together).
BENCHMARK(BM_Trace_iptables)->Arg(10000)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Trace_ipvs)->Arg(10000)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
