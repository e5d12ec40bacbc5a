#pragma once
// The NetworkPolicy evaluator: given the policies and one connection (after DNAT: the backend pod
// and its target port), is the connection allowed, and why. Pure: it reads kube objects only and
// knows nothing about any datapath. Enforcement is the CNI's business (cni/calico.h compiles the
// same semantics into iptables rules; cni/cilium.h's eBPF programs call evaluate_side per packet);
// `explain` and `reach` use this to say why.
//
// Rules (k8s-semantics.md §5.1):
//  - a connection needs egress allowed at the source AND ingress allowed at the destination;
//  - a side is isolated when at least one policy of the pod's namespace selects the pod with that
//    policy type; an isolated side allows exactly the union of its policies' rules; a side that is
//    not isolated (or not a workload pod) allows everything;
//  - a rule matches when the peer matches ANY entry of from/to (absent or [] = every peer) AND the
//    port matches ANY entry of ports (absent or [] = every port and protocol);
//  - replies of an allowed connection are allowed (the evaluator judges the first packet only);
//  - a pod reaching itself at its own address never leaves its namespace: always allowed (through
//    a Service it is judged like any other pair);
//  - traffic from the destination pod's own node (the node itself or a hostNetwork pod there) is
//    not subject to the destination's ingress policy (Calico does not police host -> workload);
//  - admin tiers decide first and baseline tiers last (admin.h); an isolating NetworkPolicy
//    always decides when no admin rule Accepted or Denied.
//
// The explanation lists, for each side, every policy selecting the pod and, for each of their
// rules, which peer entries and port entries matched and why the others did not.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/policy/admin.h"
#include "packetwalk/model/policy/match.h"

namespace packetwalk::model::policy {

struct Connection {
  Endpoint src;
  Endpoint dst;                               // after DNAT
  net::Protocol protocol = net::Protocol::Tcp;
  net::Port port = 0;                         // after DNAT (the target port)
  bool via_service = false;                   // the client addressed a Service
};

struct PeerCheck {
  std::size_t index = 0;  // position in from/to
  PeerResult result;
};

struct PortCheck {
  std::size_t index = 0;  // position in ports
  PortResult result;
};

struct RuleCheck {
  std::size_t index = 0;     // position in ingress/egress
  bool every_peer = false;   // from/to absent or []
  bool every_port = false;   // ports absent or []
  std::vector<PeerCheck> peers;
  std::vector<PortCheck> ports;
  bool peer_matched = false;
  bool port_matched = false;
  bool matched() const { return peer_matched && port_matched; }
  // The first matching entries (Calico's rule order: peers outer, ports inner); nullopt for "every".
  std::optional<std::size_t> first_peer;
  std::optional<std::size_t> first_port;
};

struct PolicyCheck {
  const kube::NetworkPolicy* policy = nullptr;
  std::vector<RuleCheck> rules;  // every rule of the side's direction, in order
  bool allowed = false;          // some rule matched
  std::optional<std::size_t> first_rule;
};

struct SideVerdict {
  Direction direction = Direction::Ingress;
  bool enforced = true;   // false: the endpoint is not a workload pod, or the traffic is exempt
  std::string exempt_reason;
  std::vector<PolicyCheck> policies;  // those selecting the pod for this direction, by name
  bool isolated() const { return !policies.empty(); }
  bool allowed = true;
  // The policy check that allowed it (the first in Calico's order); nullptr when not isolated or denied.
  const PolicyCheck* decided_by() const;

  // Admin tiers (AdminNetworkPolicy, ClusterNetworkPolicy Admin) come first; baseline tiers
  // (BaselineAdminNetworkPolicy, ClusterNetworkPolicy Baseline) are evaluated only when neither the
  // admin tiers nor an isolating NetworkPolicy decided (policy/admin.h).
  enum class Tier { None, Admin, NetworkPolicy, Baseline };
  Tier decided_in = Tier::None;  // None: nothing decided, allowed by default (or exempt)
  TierResult admin;
  TierResult baseline;
  // The admin or baseline policy check whose rule Accepted or Denied; nullptr otherwise.
  const AdminPolicyCheck* admin_decision() const;
};

struct Evaluation {
  bool allowed = true;
  std::string exempt_reason;  // set when the connection bypasses policy entirely (pod to itself)
  SideVerdict egress;         // at the source
  SideVerdict ingress;        // at the destination
  std::string reason() const; // one line: "allowed by ingress of x/allow-b rule 0" / "denied: ..."
};

Evaluation evaluate(const PolicyIndex& index, const Connection& c);

// For `explain`: the admin (and baseline) tier checks of one side, for a person (admin_explain.cpp).
void explain_admin_tiers(std::ostream& out, const SideVerdict& s);
void explain_baseline_tiers(std::ostream& out, const SideVerdict& s);

// One side's verdict in Evaluation::reason()'s words ("ingress allowed by NetworkPolicy x/a
// ingress rule 0", "egress of the source is isolated by ..."); "" when nothing decided.
std::string side_reason(const SideVerdict& s);

// Evaluates one side only (for callers that cache per side).
SideVerdict evaluate_side(const PolicyIndex& index, const Connection& c, Direction d);

}  // namespace packetwalk::model::policy
