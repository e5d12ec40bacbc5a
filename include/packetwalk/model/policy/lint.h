#pragma once
// packetwalk lint: NetworkPolicies and Services that cannot do what their author meant, found
// statically from the loaded objects and the inventory (no datapath, no tracing). Each finding
// points at the object's field (file:line:col) and says in one sentence what is wrong.
//
// Findings (kind names are stable: they appear in -o json and in the text form's [brackets]):
//   policy-selects-nothing   a NetworkPolicy whose podSelector selects no (workload) pod of its
//                            namespace: it isolates nothing and allows nothing;
//   namespace-unmatched      a peer's namespaceSelector that no namespace's labels satisfy;
//   pod-unmatched            a peer's podSelector matching no pod in the namespaces it looks at;
//   rules-ignored            ingress or egress rules of a policy whose policyTypes, as written,
//                            leave that direction out: the API keeps them, nothing enforces them;
//   named-port-undeclared    a named port in a rule that no destination pod declares with that
//                            protocol (ingress: the pods the policy selects; egress: the pods the
//                            rule's peers select) — the port entry never matches;
//   rule-shadowed            a rule allowing nothing that another rule of the same policy and
//                            direction does not already allow (NetworkPolicy rules are a union,
//                            so the narrower rule is dead weight, or a sign of a typo);
//   service-selects-nothing  a Service whose selector matches no pod of its namespace;
//   target-port-undeclared   a Service port whose targetPort (number or name) none of the
//                            Service's pods declares among its container ports;
//   egress-blocks-dns        a policy isolating the egress of pods that, under all the policies
//                            selecting them, may not reach the cluster DNS pods on UDP and TCP 53.
//
// "Never matches" is judged against the objects given: a selector may be meant for objects that
// will exist later, which is why these are findings, not errors. Rule shadowing is judged
// structurally (selector and CIDR containment), so it holds whatever pods come and go.
// Objects packetwalk made itself (the CoreDNS addon, default/kubernetes) are never reported.

#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/admin_policy.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::model::policy {

enum class LintKind {
  PolicySelectsNothing,
  NamespaceUnmatched,
  PodUnmatched,
  RulesIgnored,
  NamedPortUndeclared,
  RuleShadowed,
  ServiceSelectsNothing,
  TargetPortUndeclared,
  EgressBlocksDns,
};
std::string_view lint_kind_name(LintKind k);  // "policy-selects-nothing", ...

struct LintFinding {
  LintKind kind = LintKind::PolicySelectsNothing;
  load::SourcePos pos;  // of `field`, else of its closest written parent, else of the object
  std::string object;   // "NetworkPolicy x/allow-web", "Service default/api"
  std::string field;    // "spec.ingress[0].from[1].namespaceSelector"
  std::string message;  // one or two sentences for a person
};

// Sorted by (file, line, column, kind, object, field, message): stable whatever the input order.
std::vector<LintFinding> lint(const std::vector<kube::NetworkPolicy>& policies, const std::vector<kube::Service>& services,
                              const kube::Inventory& inventory);

// policy-selects-nothing for AdminNetworkPolicy, BaselineAdminNetworkPolicy and
// ClusterNetworkPolicy objects whose subject selects no workload pod (lint_admin.cpp).
std::vector<LintFinding> lint_admin(const std::vector<kube::AdminNetworkPolicy>& policies, const kube::Inventory& inventory);

// "file:line:col: warning: object: field: message [kind]" (positions left out when unknown).
std::string format_finding(const LintFinding& f);

}  // namespace packetwalk::model::policy
