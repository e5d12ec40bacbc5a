#pragma once
// NetworkPolicy (networking.k8s.io/v1) matching, as pure functions over the loaded objects: which
// policies select a pod, whether a peer entry matches an endpoint, whether a port entry matches a
// destination port. The evaluator (evaluate.h) and the Calico rule compiler (cni/calico.h) are
// both built from these, so the two can only disagree where the compiler renders them wrongly —
// which the reach-vs-trace test catches.
//
// Semantics (docs/policy.md, k8s-semantics.md §5.1):
//  - a policy selects the pods of ITS namespace matching spec.podSelector ({} = all of them);
//    hostNetwork pods are never selected (they have no workload interface to enforce on);
//  - a peer with podSelector alone selects pods of the policy's namespace; namespaceSelector alone
//    all pods of matching namespaces; both in one entry AND; selectors never match hostNetwork
//    pods nor addresses that are not pods;
//  - ipBlock matches the address the packet carries (pod IPs included, as Calico does), minus
//    every `except` range; under Cilium's semantics (CniSemantics) never a pod's or node's address;
//  - a port entry matches its protocol (TCP by default) and port: a number, number..endPort, a
//    name resolved against the DESTINATION pod's container ports of that protocol (nothing when the
//    destination is not a pod or lacks the name), or every port when `port` is absent.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/admin_policy.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::policy {

enum class Direction { Ingress, Egress };
std::string_view direction_name(Direction d);  // "ingress" / "egress"

// One end of a connection as the policy layer sees it: the address the packet carries where the
// policy is enforced (after DNAT; for node-originated traffic the node's address on that path).
struct Endpoint {
  const kube::PodInfo* pod = nullptr;  // the pod owning `ip`, hostNetwork pods included
  net::Ipv4Address ip;
  std::string node;  // where it runs or sends from; "" outside the cluster

  // A pod with its own network namespace: the only kind of endpoint policies select or isolate.
  bool is_workload() const { return pod && !pod->host_network; }
  std::string label() const;  // "ns/name", else the address
};

// Where a CNI reads the same objects differently (cni/cilium.h, docs/cilium.md). Calico: the
// defaults. Cilium 1.16: an ipBlock selects only addresses outside the cluster (a pod's address
// carries the pod's security identity, a node's the host or remote-node identity, and
// policy-cidr-match-mode is empty by default), and the admin tiers are not implemented.
struct CniSemantics {
  bool cidr_selects_cluster = true;  // ipBlock matches pod and node addresses too
  bool admin_tiers = true;           // AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy
};
CniSemantics cni_semantics(std::string_view cni);  // "cilium" -> Cilium's; anything else the defaults

// The policies and the objects they are matched against. Holds references: the vectors and the
// inventory must outlive it.
class PolicyIndex {
public:
  // `admin`: AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects (policy/admin.h).
  // Under semantics without admin tiers, `admin` is ignored.
  PolicyIndex(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
              const std::vector<kube::AdminNetworkPolicy>* admin = nullptr, CniSemantics semantics = {});

  const CniSemantics& semantics() const { return semantics_; }

  const kube::Inventory& inventory() const { return inventory_; }
  const std::vector<const kube::NetworkPolicy*>& all() const { return sorted_; }  // by (namespace, name)
  // Labels of a namespace; every namespace carries kubernetes.io/metadata.name.
  kube::Labels namespace_labels(std::string_view ns) const;
  // The policies of the pod's namespace selecting it for `d`, sorted by name (Calico's order for
  // policies of equal `order`, which every NetworkPolicy has).
  std::vector<const kube::NetworkPolicy*> selecting(const kube::PodInfo& pod, Direction d) const;
  // The admin-tier and baseline-tier policies in evaluation order (admin.h: tier, priority, name).
  const std::vector<const kube::AdminNetworkPolicy*>& admin() const { return admin_; }

private:
  std::vector<const kube::NetworkPolicy*> sorted_;
  std::vector<const kube::AdminNetworkPolicy*> admin_;
  const kube::Inventory& inventory_;
  CniSemantics semantics_;
};

bool has_direction(const kube::NetworkPolicy& p, Direction d);  // policyTypes after defaulting
bool policy_selects(const kube::NetworkPolicy& p, const kube::PodInfo& pod);
// The ingress or egress rule list (nullopt and [] both give an empty list).
const std::vector<kube::NetworkPolicyRule>& rules_of(const kube::NetworkPolicy& p, Direction d);

// Why a peer entry did not match (None when it did).
// ClusterIdentity: the address is inside the ipBlock but belongs to a pod or node, which Cilium's
// ipBlock never selects (CniSemantics).
enum class PeerMiss { None, NotAPod, HostNetwork, OtherNamespace, PodLabels, NamespaceLabels, Cidr, Except, BadCidr,
                      ClusterIdentity };

struct PeerResult {
  bool matched = false;
  PeerMiss miss = PeerMiss::None;
  std::string detail;  // one clause for a person: "pod labels {pod=c} do not match pod=b"
};

PeerResult match_peer(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns, const Endpoint& e,
                      const PolicyIndex& index);

// Protocol: the entry's protocol differs, or the named port exists on the pod with another
// protocol only; NamedPortMissing: the pod declares no container port of that name at all.
enum class PortMiss { None, Protocol, Port, NamedPortMissing, NamedPortNotPod };

struct PortResult {
  bool matched = false;
  PortMiss miss = PortMiss::None;
  std::string detail;
};

// `dst_pod` is the destination when it is a workload pod, else nullptr.
PortResult match_port(const kube::NetworkPolicyPort& entry, net::Protocol protocol, net::Port port,
                      const kube::PodInfo* dst_pod);

// The containerPort named `name` with `protocol` in the pod's containers, if any.
std::optional<int> resolve_named_port(const kube::PodInfo& pod, std::string_view name, net::Protocol protocol);

// An ipBlock with its prefixes parsed; nullopt when the cidr (or an except) does not parse.
struct IpRanges {
  net::Cidr cidr;
  std::vector<net::Cidr> except;
};
std::optional<IpRanges> parse_ip_block(const kube::IpBlock& block);

// Texts for explanations and rule comments.
std::string selector_text(const kube::LabelSelector& s);  // "{}" when empty, else kubectl's form
std::string labels_text(const kube::Labels& labels);      // "{app=web,tier=db}"
std::string describe_peer(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns);
std::string describe_port(const kube::NetworkPolicyPort& entry);  // "8080/TCP", "http/TCP", "5000-5010/UDP", "any UDP port"
std::string policy_ref(const kube::NetworkPolicy& p);             // "ns/name"

}  // namespace packetwalk::model::policy
