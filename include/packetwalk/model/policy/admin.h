#pragma once
// AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy matching (kube/admin_policy.h).
// Pure functions, shared by the evaluator (evaluate.h) and Calico's tier rendering (cni/), like
// match.h is for NetworkPolicy.
//
// Tiers, in the order a side (a pod's ingress or egress) is evaluated — the order Calico gives the
// tiers it creates for these kinds (libcalico-go names.go):
//   rank 0  tier "adminnetworkpolicy"          AdminNetworkPolicy
//   rank 1  tier "kube-admin"                  ClusterNetworkPolicy tier Admin
//   rank 2  tier "default"                     NetworkPolicy
//   rank 3  tier "baselineadminnetworkpolicy"  BaselineAdminNetworkPolicy
//   rank 4  tier "kube-baseline"               ClusterNetworkPolicy tier Baseline
// Within a tier: policies by priority (lower first), then by name — upstream leaves equal
// priorities undefined; Calico orders equal `order` by name, and so does packetwalk (warned).
// Within a policy: rules in written order; the first rule whose peer AND port match decides:
// Accept/Allow ends evaluation of the side (allowed), Deny ends it (denied), Pass skips the rest of
// the tier. A NetworkPolicy tier that isolates the pod always decides; otherwise evaluation goes on
// to the baseline tiers, and if nothing decides the connection is allowed (Kubernetes' default).
// Subjects and pod/namespace peers never match hostNetwork pods; `nodes` peers match the
// InternalIP of matching nodes, `networks` the address the packet carries (pod addresses too).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/admin_policy.h"
#include "packetwalk/model/policy/match.h"

namespace packetwalk::model::policy {

inline constexpr int kNetworkPolicyTierRank = 2;
int tier_rank(const kube::AdminNetworkPolicy& p);                     // 0, 1, 3 or 4 (above)
std::string_view calico_tier(const kube::AdminNetworkPolicy& p);      // "adminnetworkpolicy", ...
std::string calico_policy_name(const kube::AdminNetworkPolicy& p);    // "kanp.adminnetworkpolicy.<name>", ...
std::string_view action_word(const kube::AdminRule& r);               // as written, else "Accept"/"Deny"/"Pass"

// Evaluation order: (rank, priority, name).
bool admin_before(const kube::AdminNetworkPolicy& a, const kube::AdminNetworkPolicy& b);

bool admin_selects(const kube::AdminNetworkPolicy& p, const kube::PodInfo& pod, const PolicyIndex& index);
const std::vector<kube::AdminRule>& admin_rules(const kube::AdminNetworkPolicy& p, Direction d);

PeerResult match_admin_peer(const kube::AdminPeer& peer, const kube::AdminRule& rule, const Endpoint& e,
                            const PolicyIndex& index);
PortResult match_admin_port(const kube::AdminPort& entry, net::Protocol protocol, net::Port port,
                            const kube::PodInfo* dst_pod);

std::string describe_admin_peer(const kube::AdminPeer& peer);   // "namespaces {team=db}", "networks 10.0.0.0/8"
std::string describe_admin_port(const kube::AdminPort& port);   // "5432/TCP", "8000-8080/UDP", "named port http"
std::string describe_subject(const kube::AdminNetworkPolicy& p);
// "ingress rule 0 (deny-from-x)" / "egress rule 2".
std::string admin_rule_label(const kube::AdminNetworkPolicy& p, Direction d, std::size_t i);

struct AdminPeerCheck {
  std::size_t index = 0;
  PeerResult result;
};
struct AdminPortCheck {
  std::size_t index = 0;
  PortResult result;
};
struct AdminRuleCheck {
  std::size_t index = 0;
  std::vector<AdminPeerCheck> peers;
  std::vector<AdminPortCheck> ports;  // empty with every_port
  bool every_port = false;
  bool peer_matched = false;
  bool port_matched = false;
  std::optional<std::size_t> first_peer, first_port;
  bool matched() const { return peer_matched && port_matched; }
};
struct AdminPolicyCheck {
  const kube::AdminNetworkPolicy* policy = nullptr;
  Direction direction = Direction::Ingress;
  std::vector<AdminRuleCheck> rules;    // checked in order up to the first match
  std::optional<std::size_t> first_rule;  // the rule that acted, if any
  const kube::AdminRule* acted() const;
};

// The policies of tiers [first_rank, last_rank] selecting the subject for `d`, evaluated in
// order. `decided`: the index of the check whose rule Accepted or Denied; `passed`: of the one
// whose rule Passed (the rest of that tier is skipped; evaluation goes on in the next tier).
struct TierResult {
  std::vector<AdminPolicyCheck> checks;
  std::optional<std::size_t> decided;
  std::vector<std::size_t> passed;
  bool allowed() const;  // when decided
};
TierResult evaluate_tiers(const PolicyIndex& index, const Endpoint& subject, const Endpoint& peer,
                          net::Protocol protocol, net::Port port, Direction d, int first_rank, int last_rank);

// Everything about a pod that admin policies can tell apart (subjects, peers, named ports): two
// pods of one namespace with equal signatures get equal admin verdicts. For reach's grouping.
std::string admin_signature(const kube::PodInfo& pod, const PolicyIndex& index);

// Warns about policies of one tier sharing a priority: upstream leaves their order undefined;
// packetwalk (like Calico for equal `order`) applies them by name, and says so.
void warn_equal_priorities(const std::vector<kube::AdminNetworkPolicy>& policies, load::Diagnostics& diags);

}  // namespace packetwalk::model::policy
