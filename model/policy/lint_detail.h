#pragma once
// Pieces of lint.cpp shared by its other files (lint_shadow.cpp, lint_services.cpp). Internal.

#include <string>
#include <vector>

#include "packetwalk/model/policy/lint.h"
#include "packetwalk/model/policy/match.h"

namespace packetwalk::model::policy::lint_detail {

// Objects packetwalk made (the CoreDNS addon, default/kubernetes) have no file: never reported.
inline bool user_written(const kube::ObjectMeta& m) { return !m.pos.file.empty(); }

void add(std::vector<LintFinding>& out, LintKind kind, const kube::ObjectMeta& meta, std::string field, std::string message);

// "x/a, x/b, x/c and 4 more": a few names, enough to recognise the set.
std::string pod_list(const std::vector<const kube::PodInfo*>& pods, std::size_t shown = 3);

// Findings of kind RuleShadowed for the rules of `p` in direction `d`.
void check_shadowed(const kube::NetworkPolicy& p, Direction d, const PolicyIndex& index, std::vector<LintFinding>& out);

// Findings of kinds ServiceSelectsNothing and TargetPortUndeclared.
void check_services(const std::vector<kube::Service>& services, const kube::Inventory& inventory,
                    std::vector<LintFinding>& out);

}  // namespace packetwalk::model::policy::lint_detail
