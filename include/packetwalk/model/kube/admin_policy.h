#pragma once
// Cluster-scoped policies of sig-network's network-policy-api, as one struct for three kinds:
//   AdminNetworkPolicy         policy.networking.k8s.io/v1alpha1  Admin tier, priority 0-1000,
//                                                                 actions Allow / Deny / Pass
//   BaselineAdminNetworkPolicy policy.networking.k8s.io/v1alpha1  Baseline tier, a singleton that
//                                                                 must be named "default", Allow / Deny
//   ClusterNetworkPolicy       policy.networking.k8s.io/v1alpha2  spec.tier Admin or Baseline,
//                                                                 priority 0-1000, Accept / Deny / Pass
// The loader maps Allow to Accept (the same action under the v1alpha2 name) and keeps the written
// word for display. Ports of v1alpha1 (`ports: [{portNumber|namedPort|portRange}]`) and of
// v1alpha2 (`protocols: [{tcp|udp|sctp: {destinationPort: {number|range}}} | destinationNamedPort]`)
// both become AdminPort. Semantics: docs/policy.md "Admin tiers"; evaluation: policy/admin.h.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/kube/objects.h"

namespace packetwalk::model::kube {

enum class AdminTier { Admin, Baseline };
enum class AdminAction { Accept, Deny, Pass };

// `pods:` of subjects and peers: pods matching podSelector in namespaces matching namespaceSelector.
struct NamespacedPodSelector {
  LabelSelector namespace_selector;  // {} = every namespace
  LabelSelector pod_selector;        // {} = every pod
};

// Exactly one field is set (validated). When none is (a field this version does not know, such as
// domainNames), the API says to fail closed: Accept rules match nothing, Deny and Pass match all.
struct AdminPeer {
  std::optional<LabelSelector> namespaces;
  std::optional<NamespacedPodSelector> pods;
  std::optional<LabelSelector> nodes;                // egress only: the nodes' InternalIP addresses
  std::optional<std::vector<std::string>> networks;  // egress only: CIDRs as written
  bool unknown() const { return !namespaces && !pods && !nodes && !networks; }
};

// One port entry: a number (start == end), an inclusive range, or a container port name resolved
// against the destination pod.
struct AdminPort {
  net::Protocol protocol = net::Protocol::Tcp;
  int start = 0;
  int end = 0;
  std::string named_port;  // non-empty: a named port (protocol unused: any protocol with that name)
};

struct AdminRule {
  std::string name;          // optional in the API
  AdminAction action = AdminAction::Deny;
  std::string action_text;   // as written: "Allow", "Accept", "Deny", "Pass"
  std::vector<AdminPeer> peers;                 // from (ingress) / to (egress): OR
  std::optional<std::vector<AdminPort>> ports;  // nullopt: every port and protocol
};

struct AdminNetworkPolicy {
  ObjectMeta meta;  // meta.kind names the API kind
  AdminTier tier = AdminTier::Admin;
  int priority = 0;  // BaselineAdminNetworkPolicy has none: 0
  std::optional<LabelSelector> subject_namespaces;
  std::optional<NamespacedPodSelector> subject_pods;
  std::vector<AdminRule> ingress;
  std::vector<AdminRule> egress;
  std::string ref() const { return meta.ref(); }
  // "AdminNetworkPolicy/deny-db": how trace, explain, reach and droppedBy name it.
  std::string kind_name() const { return meta.kind + "/" + meta.name; }
};

}  // namespace packetwalk::model::kube
