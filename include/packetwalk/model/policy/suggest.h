#pragma once
// For a denied connection: the smallest manifest edits that would allow it, each with what else
// it would open. Candidates, per denying side and per policy isolating that side:
//   add the port to a rule whose peer already matches;
//   label the peer's namespace (or the peer pod) so an entry of a rule whose port matches selects it;
//   add a peer entry naming exactly the peer (namespace by name + the pod's labels) to such a rule;
//   add a whole rule (that peer, that port) to the policy.
// Every candidate is checked by re-evaluating the connection on edited copies of the objects;
// "also opens" is the set of other (source, destination, port) triples among the cluster's pods
// (over the asked port and every declared container port) that go from denied to allowed.
// Ranked by number of edits, then by how little else they open, then by kind in the order above.

#include <string>
#include <vector>

#include "packetwalk/model/policy/evaluate.h"

namespace packetwalk::model::policy {

struct Edit {
  // The last three edit an admin or baseline policy (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
  // ClusterNetworkPolicy): a rule for exactly this peer and port inserted before the deciding one
  // (Pass hands it to the NetworkPolicies, Allow/Accept opens it outright), or the deciding rule's
  // action changed (which also changes it for every other peer and port the rule matches).
  enum class Kind { AddPort, LabelNamespace, LabelPod, AddPeer, AddRule, AdminInsertPass, AdminInsertAllow, AdminSetAction };
  Kind kind = Kind::AddPort;
  std::string object;  // "NetworkPolicy y/allow-web", "Namespace x", "Pod x/a"
  std::string field;   // "spec.ingress[0].ports", "metadata.labels"
  std::string change;  // YAML to add there, on one line: "- {port: 80, protocol: TCP}"
};

struct Suggestion {
  Direction side = Direction::Ingress;  // the side this fixes
  std::vector<Edit> edits;
  std::vector<std::string> also_opens;  // "x/c -> y/b 80/TCP", sorted, at most kAlsoOpensShown
  std::size_t also_opens_total = 0;
};

inline constexpr std::size_t kAlsoOpensShown = 6;

// `c` must be denied by `e` on at least one side; returns at most `limit` suggestions per side,
// each checked under `semantics` (Cilium's ipBlock never selects pods or nodes) and with the
// `admin` policies (AdminNetworkPolicy & co.) in force. A side denied by an admin-tier Deny — or
// by a baseline Deny, reached because no NetworkPolicy selects the pod, maybe after a Pass — gets
// admin-tier edits (Kind::Admin*), never NetworkPolicy edits: those cannot change its verdict.
std::vector<Suggestion> suggest_fixes(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                                      const Connection& c, const Evaluation& e, std::size_t limit = 3,
                                      CniSemantics semantics = {}, const std::vector<kube::AdminNetworkPolicy>* admin = nullptr);

// Whether a denied side was decided by an admin or baseline rule (so NetworkPolicy edits cannot
// allow it), and that rule as explain names it: "AdminNetworkPolicy/deny-from-z ingress rule 0
// (deny-z-on-80)"; "" otherwise.
std::string tier_denial(const SideVerdict& s);

}  // namespace packetwalk::model::policy
