// compute_reach without a datapath (reach_groups.h): the per-pair matrix `reach -o json|table|...`
// prints, from the control plane alone. Building the cluster's datapath for this was most of
// reach's time and memory on large clusters (every node's iptables, routes and devices for
// 500 nodes), although only a hostNetwork source's address depends on it, and ReachInputs'
// host_source answers that from the node table as the CNIs program it (reach_groups_test checks
// it against a built cluster).
#include <set>

#include "packetwalk/model/query/reach_groups.h"

namespace packetwalk::model::query {

namespace {

// As compute_reach: the given ports (else the declared ones) plus the extra ones, sorted.
std::vector<ReachPort> ports_to(const kube::PodInfo& dst, const ReachOptions& options) {
  auto list = options.ports.empty() ? declared_ports(dst) : options.ports;
  std::set<ReachPort> ports(list.begin(), list.end());
  if (auto extra = options.extra_ports.find(dst.namespace_ + "/" + dst.name); extra != options.extra_ports.end())
    ports.insert(extra->second.begin(), extra->second.end());
  return {ports.begin(), ports.end()};
}

}  // namespace

ReachMatrix compute_reach(const ReachInputs& in, const ReachOptions& options) {
  ReachMatrix m;
  m.cni = in.cni;
  m.enforced = cni_enforces_policy(in.cni);
  policy::PolicyIndex index(*in.policies, *in.inventory, in.admin, policy::cni_semantics(in.cni));
  const auto pods = reach_pods(*in.inventory, options);
  std::set<ReachPort> all(options.ports.begin(), options.ports.end());
  std::vector<std::vector<ReachPort>> towards;
  std::vector<std::set<ReachPort>> declared;
  for (const auto* p : pods) {
    m.pods.push_back(p->namespace_ + "/" + p->name);
    towards.push_back(ports_to(*p, options));
    all.insert(towards.back().begin(), towards.back().end());
    const auto d = declared_ports(*p);
    declared.emplace_back(d.begin(), d.end());
  }
  m.ports.assign(all.begin(), all.end());
  for (std::size_t s = 0; s < pods.size(); ++s) {
    if (options.progress) options.progress(s, pods.size());
    for (std::size_t d = 0; d < pods.size(); ++d) {
      for (const auto& port : towards[d]) {
        ReachCell cell;
        cell.from = m.pods[s];
        cell.to = m.pods[d];
        cell.port = port;
        cell.listening = declared[d].count(port) > 0;
        cell.allowed = pair_allowed(in, index, *pods[s], *pods[d], port, &cell.reason);
        ++m.evaluations;
        m.results.push_back(std::move(cell));
      }
    }
  }
  return m;
}

}  // namespace packetwalk::model::query
