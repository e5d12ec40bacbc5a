#pragma once
// Private to model/kube: the steps of build_inventory(), one file each.

#include <set>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/kube/inventory.h"

namespace packetwalk::model::kube::detail {

// A pod on its way through scheduling and IPAM.
struct PendingPod {
  PodInfo info;
  Labels node_selector;
  std::string node_name;             // spec.nodeName (DaemonSet pods: the node they were made for)
  load::SourcePos node_name_pos;     // where spec.nodeName was written
  load::SourcePos node_selector_pos; // where spec.nodeSelector was written
  load::SourcePos pod_ip_pos;        // where status.podIP was written
  std::optional<net::Ipv4Address> status_ip;
  bool placed = false;               // info.node is set
  bool addressed = false;            // info.ip is set
};

// Nodes from Node objects if the manifests have any, else from the scenario; sorted by name.
std::vector<NodeInfo> build_nodes(const load::ClusterSpec& cluster, const load::ManifestSet& manifests,
                                  load::Diagnostics& diags);

// Bare pods plus the pods the workload controllers would create, sorted by (namespace, name).
// Workloads whose pods (or ReplicaSets) are already in the manifests — a `kubectl get -o yaml`
// dump — are not expanded again. An empty list, with an error, when the run would hold more than
// load::limits::kMaxPods pods: nothing later (scheduling, addressing) is worth running then.
std::vector<PendingPod> expand_pods(const load::ManifestSet& manifests, const std::vector<NodeInfo>& nodes,
                                    load::Diagnostics& diags);

// Sets info.node for every pod it can place (see scheduler.cpp).
// `cordoned` nodes take no new pods (drained or tainted on the scenario's timeline).
void schedule_pods(std::vector<PendingPod>& pods, const std::vector<NodeInfo>& nodes, load::Diagnostics& diags,
                   const std::set<std::string>& cordoned = {});

// Sets info.ip for every placed pod it can address (see ipam.cpp).
void assign_pod_ips(std::vector<PendingPod>& pods, const std::vector<NodeInfo>& nodes, load::Diagnostics& diags);

// Kubernetes' random-string alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0/1/3.
inline constexpr std::string_view kRandAlphabet = "bcdfghjklmnpqrstvwxz2456789";

// pod-template-hash / controller-revision-hash of a template (see workloads.cpp).
std::string template_hash(const PodTemplate& t);
// A 5-character generateName suffix derived from `seed` (never from time or randomness).
std::string name_suffix(std::string_view seed);

}  // namespace packetwalk::model::kube::detail
