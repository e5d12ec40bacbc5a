// Grouped reach at scale (query/reach_groups.h): wall time and peak RSS of `reach -o summary`'s
// work — building the control plane (no datapath), grouping, judging, counting — on generated
// clusters (load/synthetic.h) of increasing size with a fixed number of NetworkPolicies; then the
// same-run baseline: the per-pair path (pair_allowed, one evaluator call per cell, what the matrix
// forms of reach do) on a slice of the largest cluster, whose every cell is also checked against
// the grouped answer. Prints the ratio per-pair time / grouped time on that slice.
//
// Peak RSS is getrusage's ru_maxrss, which only grows: sizes run smallest first, so each line's
// peak is that size's (the earlier ones were smaller). Parsing the generated YAML is timed apart.
//
// Run: build/tests/bench/reach_bench [--sizes 500,5000,50000,150000] [--policies 10000]
//                                    [--slice 5000] [--threads 2] [--seed 1]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/load/synthetic.h"
#include "packetwalk/model/query/reach_groups.h"

namespace {

using namespace packetwalk::model;  // NOLINT: a benchmark program
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
double peak_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

std::vector<int> parse_list(const char* s) {
  std::vector<int> out;
  for (const char* p = s; *p;) {
    out.push_back(std::atoi(p));
    while (*p && *p != ',') ++p;
    if (*p) ++p;
  }
  return out;
}

load::SyntheticSpec spec_for(int pods, int policies, std::uint64_t seed) {
  load::SyntheticSpec s;
  s.pods = pods;
  s.nodes = std::max(3, pods / 30);         // ~30 pods a node: 5,000 nodes at 150,000 pods
  s.namespaces = std::max(5, pods / 300);   // 500 namespaces at 150,000 pods
  s.services = std::max(1, pods / 50);
  s.policies = policies;
  s.label_variety = 20;
  s.seed = seed;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {500, 5000, 50000, 150000};
  int policies = 10000, slice = 5000;
  unsigned threads = 2;
  std::uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--sizes")) sizes = parse_list(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--policies")) policies = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--slice")) slice = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads")) threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  std::printf("%8s %8s %6s %8s %10s %8s %8s %9s %9s %9s %10s\n", "pods", "policies", "nodes", "parse_s", "world_s", "group_s",
              "count_s", "reach_s", "atoms", "evals", "peak_MiB");
  std::unique_ptr<query::ReachWorld> last;
  for (int pods : sizes) {
    const auto spec = spec_for(pods, policies, seed);
    auto t = Clock::now();
    load::Diagnostics diags;
    load::Scenario s;
    s.path = "generated";
    s.cluster = load::default_cluster_spec();
    s.cluster.cni = "calico";
    s.cluster.pod_cidr = *net::Cidr::parse("100.64.0.0/10");
    s.cluster.node_network = *net::Cidr::parse("172.16.0.0/16");
    s.manifests = load::load_manifest_text(load::generate_synthetic(spec).joined(), "generated.yaml", 0, diags);
    const double parse_s = since(t);
    t = Clock::now();
    auto world = query::build_reach_world(s, diags);
    const double world_s = since(t);
    if (!world || !diags.all().empty()) {
      std::fprintf(stderr, "generated cluster of %d pods did not load cleanly (%zu diagnostics)\n", pods, diags.all().size());
      return 1;
    }
    t = Clock::now();
    query::GroupedReach g(world->inputs(), {});
    const double group_s = since(t);
    t = Clock::now();
    const auto summary = g.summarize(threads);
    const double count_s = since(t);
    std::printf("%8d %8d %6d %8.2f %10.2f %8.2f %8.2f %9.2f %9zu %9zu %10.0f\n", pods, policies, spec.nodes, parse_s, world_s,
                group_s, count_s, world_s + group_s + count_s, summary.atoms, summary.evaluations, peak_mib());
    std::fflush(stdout);
    last = std::move(world);
  }
  if (!last || slice <= 0) return 0;

  // The slice: the first namespaces of the largest cluster, up to `slice` pods.
  query::ReachInputs full = last->inputs();
  kube::Inventory part;
  part.nodes = last->inventory.nodes;
  part.namespaces = last->inventory.namespaces;
  for (const auto& p : last->inventory.pods) {
    if (p.namespace_ == "kube-system") continue;
    if (static_cast<int>(part.pods.size()) >= slice) break;
    part.pods.push_back(p);
  }
  query::ReachInputs in = full;
  in.inventory = &part;
  auto t = Clock::now();
  query::GroupedReach g(in, {});
  const auto summary = g.summarize(threads);
  const double grouped_s = since(t);

  policy::PolicyIndex index(*in.policies, *in.inventory, in.admin);
  const auto& pods = g.pods();
  std::atomic<std::uint64_t> cells{0}, mismatches{0}, allowed{0};
  t = Clock::now();
  auto work = [&](std::size_t first, std::size_t step) {
    for (std::size_t s = first; s < pods.size(); s += step) {
      for (std::size_t d = 0; d < pods.size(); ++d) {
        for (const auto& port : g.ports_towards(d)) {
          const bool want = query::pair_allowed(in, index, *pods[s], *pods[d], port);
          cells++;
          allowed += want;
          if (want != g.allowed(s, d, port)) mismatches++;
        }
      }
    }
  };
  std::vector<std::thread> ts;
  for (unsigned i = 1; i < threads; ++i) ts.emplace_back(work, i, threads);
  work(0, threads);
  for (auto& x : ts) x.join();
  const double pair_s = since(t);  // includes the grouped lookups it checks against (cheap)
  std::printf("\nslice: %zu pods of the %d-pod cluster, %llu cells, %d policies, %u threads\n", pods.size(), sizes.back(),
              static_cast<unsigned long long>(cells.load()), policies, threads);
  std::printf("grouped %.2f s (%zu atoms, %zu evaluations), per-pair %.2f s: ratio per-pair/grouped %.1fx\n", grouped_s,
              summary.atoms, summary.evaluations, pair_s, pair_s / std::max(grouped_s, 1e-9));
  std::printf("cells checked %llu, allowed %llu (grouped summary: %llu), mismatches %llu\n",
              static_cast<unsigned long long>(cells.load()), static_cast<unsigned long long>(allowed.load()),
              static_cast<unsigned long long>(summary.allowed), static_cast<unsigned long long>(mismatches.load()));
  return mismatches.load() == 0 && summary.allowed == allowed.load() ? 0 : 1;
}
