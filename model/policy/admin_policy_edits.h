#pragma once
// The admin-tier edits `suggest` proposes when an AdminNetworkPolicy, BaselineAdminNetworkPolicy
// or ClusterNetworkPolicy rule denied a connection (suggest.cpp checks each by re-evaluating and
// counts what else it opens). Written in the YAML of the policy's own API version: v1alpha1
// (`ports: [{portNumber: ...}]`, Allow) or v1alpha2 (`protocols: [{tcp: {destinationPort: ...}}]`, Accept).
#include <functional>
#include <string>
#include <vector>

#include "packetwalk/model/policy/suggest.h"

namespace packetwalk::model::policy {

struct AdminEditCandidate {
  Edit edit;
  std::function<void(kube::AdminNetworkPolicy&)> apply;  // the same edit on a copy of the policy
};

// Candidates against rule `rule` of `p` (direction `d`), the rule that denied the connection to or
// from `peer` on protocol/port: a rule for exactly that peer and port inserted before it (Pass in
// the admin tier, then Allow/Accept), and that rule's own action changed (Pass in the admin tier,
// Allow/Accept in the baseline). No insertion when the API cannot name the peer (an ingress peer
// that is not a workload pod: admin peers select pods and namespaces only).
std::vector<AdminEditCandidate> admin_edit_candidates(const kube::AdminNetworkPolicy& p, Direction d, std::size_t rule,
                                                      const Endpoint& peer, net::Protocol protocol, net::Port port);

// A pod's labels a person would select it by: without the hashes controllers stamp on their pods
// (pod-template-hash, controller-revision-hash), which change at every rollout. All of them when
// those are the only ones.
kube::Labels selectable_labels(const kube::Labels& labels);
std::string labels_yaml(const kube::Labels& l);  // "{app: web, tier: a}"

}  // namespace packetwalk::model::policy
