// Lint for AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy: a subject that
// selects no workload pod makes the whole policy inert, usually because of a label typo.
#include <algorithm>
#include <tuple>

#include "packetwalk/model/policy/admin.h"
#include "packetwalk/model/policy/lint.h"

namespace packetwalk::model::policy {

std::vector<LintFinding> lint_admin(const std::vector<kube::AdminNetworkPolicy>& policies, const kube::Inventory& inventory) {
  static const std::vector<kube::NetworkPolicy> kNone;
  PolicyIndex index(kNone, inventory, &policies);
  std::vector<LintFinding> out;
  for (const auto* p : index.admin()) {
    const bool any = std::any_of(inventory.pods.begin(), inventory.pods.end(),
                                 [&](const kube::PodInfo& pod) { return admin_selects(*p, pod, index); });
    if (any) continue;
    LintFinding f;
    f.kind = LintKind::PolicySelectsNothing;
    f.field = p->subject_pods ? "spec.subject.pods" : "spec.subject.namespaces";
    f.pos = p->meta.pos_of(f.field);
    f.object = p->ref();
    f.message = "its subject (" + describe_subject(*p) + ") selects no pod: none of its " +
                std::to_string(p->ingress.size() + p->egress.size()) + " rules applies to anything";
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const LintFinding& a, const LintFinding& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column, a.object) < std::tie(b.pos.file, b.pos.line, b.pos.column, b.object);
  });
  return out;
}

}  // namespace packetwalk::model::policy
