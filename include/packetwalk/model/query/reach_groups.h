#pragma once
// Reach at scale: the same verdicts as compute_reach (reachability.h), computed per group of pods
// that no policy can tell apart instead of per pair, and summarised without ever holding the
// pod-by-pod matrix (150,000 pods are 22.5 billion pairs per port).
//
// How (docs/policy.md "reach at scale"):
//  1. Atoms: workload pods with the same namespace, the same labels as far as any selector of any
//     policy reads them (policy/footprint.h: the keys and values selectors mention), the same
//     container ports and the same position relative to every CIDR a policy names. Two pods of one
//     atom get the same verdict against any counterpart, so the verdict is a function of atoms.
//  2. Profiles: per direction, atoms selected by the same policies (and, for ingress, with the same
//     ports) are judged by the same rules. Per profile the counterpart atoms are split into classes
//     by every peer entry those rules hold; the evaluator itself (policy::evaluate_side) judges one
//     representative pair per (profile, class, port). Those few thousand evaluations are the only
//     policy work; everything else is bitset arithmetic.
//  3. Pairs: allowed(src, dst, port) = egress bit of (profile(src), port) at dst AND ingress bit of
//     (profile(dst), port) at src, after the CNI facts compute_reach applies first (Calico's VXLAN
//     drop, non-enforcing CNIs, a pod reaching itself). hostNetwork pods are judged pair by pair
//     with the evaluator, as compute_reach does (their address depends on the path).
// Node placement plays no part for workload pods: the evaluator reads a node only for traffic from
// a node (hostNetwork pods), which is never grouped.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::model::query {

// What reach reads of a cluster: the control plane's objects and the CNI's name. No datapath.
struct ReachInputs {
  std::string cni;
  const kube::Inventory* inventory = nullptr;
  const std::vector<kube::NetworkPolicy>* policies = nullptr;
  const std::vector<kube::AdminNetworkPolicy>* admin = nullptr;
  // A hostNetwork pod's source address towards `dst` (its node's routing decides).
  std::function<policy::Endpoint(const kube::PodInfo&, net::Ipv4Address dst)> host_source;
};

ReachInputs reach_inputs(const cluster::Cluster& c);

// The control plane of a scenario without the datapath (inventory only): what `reach -o summary`
// needs for clusters too big to program every node's iptables. Reports the same manifest and
// inventory diagnostics Cluster::build does, and the Flannel "policies have no effect" warnings.
struct ReachWorld {
  load::Scenario scenario;  // with kubeadm's CoreDNS and any default ingress controller added
  kube::Inventory inventory;
  ReachInputs inputs() const;
};
// Takes the scenario by value: `reach` moves its loaded one in (a copy of 150,000 pods' manifests
// cost half a second), tests pass theirs to be copied.
std::unique_ptr<ReachWorld> build_reach_world(load::Scenario scenario, load::Diagnostics& diags);

// The per-pair path, one pair: compute_reach's verdict for (src, dst, port). `reason` optional.
bool pair_allowed(const ReachInputs& in, const policy::PolicyIndex& index, const kube::PodInfo& src,
                  const kube::PodInfo& dst, const ReachPort& port, std::string* reason = nullptr);

// compute_reach's matrix from the control plane alone (reachability.cpp): the same cells,
// verdicts and reasons, without building any node's datapath. `reach` uses it for every per-pair
// form except --services (kube-proxy's endpoints live in the built cluster).
ReachMatrix compute_reach(const ReachInputs& in, const ReachOptions& options);

// The pods reach covers under `options`, in inventory order ((namespace, name)).
std::vector<const kube::PodInfo*> reach_pods(const kube::Inventory& inventory, const ReachOptions& options);

struct ReachNamespaceCount {
  std::string from;  // source namespace
  std::string to;    // destination namespace
  ReachPort port;
  std::uint64_t allowed = 0;
  std::uint64_t denied = 0;
};

struct ReachSummary {
  std::string cni;
  bool enforced = false;
  std::vector<ReachPort> ports;        // as ReachMatrix::ports
  std::size_t pods = 0;
  std::size_t atoms = 0;               // groups of workload pods no policy tells apart
  std::size_t ingress_profiles = 0, egress_profiles = 0;
  std::size_t host_network_pods = 0;   // judged pair by pair
  std::size_t evaluations = 0;         // evaluator calls made
  std::uint64_t allowed = 0, denied = 0;        // (from, to, port) cells, as ReachMatrix::results counts them
  std::vector<ReachNamespaceCount> namespaces;  // sorted by (from, to, port); pairs with cells only
};

using ReachProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

class GroupedReach {
public:
  // Groups and judges; `progress` (optional) is called from the calling thread only.
  GroupedReach(const ReachInputs& inputs, const ReachOptions& options, const ReachProgress& progress = {});
  ~GroupedReach();
  GroupedReach(const GroupedReach&) = delete;
  GroupedReach& operator=(const GroupedReach&) = delete;

  const std::vector<const kube::PodInfo*>& pods() const;
  const std::vector<ReachPort>& ports() const;
  // The ports checked towards pods()[dst] (as compute_reach: given, else declared, plus extra).
  std::vector<ReachPort> ports_towards(std::size_t dst) const;
  // The verdict for pods()[src] -> pods()[dst] on `port` (any port, checked or not).
  bool allowed(std::size_t src, std::size_t dst, const ReachPort& port) const;
  std::size_t atoms() const;

  // Counts per namespace pair, counting every cell compute_reach would produce. `threads` >= 1.
  ReachSummary summarize(unsigned threads = 2, const ReachProgress& progress = {}) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace packetwalk::model::query
