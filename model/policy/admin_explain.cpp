// `packetwalk explain`'s account of the admin and baseline tiers of one side: each policy that
// selects the pod, in evaluation order, each rule checked up to the one that acted, and why the
// other rules' peers and ports did not match.
#include <ostream>

#include "packetwalk/model/policy/evaluate.h"

namespace packetwalk::model::policy {

namespace {

void print_check(std::ostream& out, const AdminPolicyCheck& c) {
  const auto& p = *c.policy;
  out << "  " << p.kind_name() << " (tier " << calico_tier(p);
  if (p.meta.kind != "BaselineAdminNetworkPolicy") out << ", priority " << p.priority;
  out << "; subject " << describe_subject(p) << "): ";
  if (const auto* r = c.acted()) {
    out << admin_rule_label(p, c.direction, *c.first_rule) << " matches: " << action_word(*r) << "\n";
  } else {
    out << "no rule matches\n";
  }
  const auto& rules = admin_rules(p, c.direction);
  for (const auto& rc : c.rules) {
    const auto& rule = rules[rc.index];
    out << "    " << admin_rule_label(p, c.direction, rc.index) << " " << action_word(rule) << ": "
        << (rc.matched() ? "matches" : "does not match") << "\n";
    for (const auto& pc : rc.peers) {
      out << "      " << (c.direction == Direction::Ingress ? "from[" : "to[") << pc.index << "] "
          << describe_admin_peer(rule.peers[pc.index]) << ": " << (pc.result.matched ? "yes, " : "no, ")
          << pc.result.detail << "\n";
    }
    if (rc.every_port) out << "      ports: every port and protocol\n";
    for (const auto& pc : rc.ports) {
      out << "      ports[" << pc.index << "] " << describe_admin_port((*rule.ports)[pc.index]) << ": "
          << (pc.result.matched ? "yes, " : "no, ") << pc.result.detail << "\n";
    }
  }
}

}  // namespace

void explain_admin_tiers(std::ostream& out, const SideVerdict& s) {
  for (const auto& c : s.admin.checks) print_check(out, c);
  for (auto i : s.admin.passed) {
    out << "  -> Pass: " << s.admin.checks[i].policy->kind_name()
        << " skips the rest of its tier; the next tier (NetworkPolicy, then the baseline) decides\n";
  }
  if (s.decided_in == SideVerdict::Tier::Admin) {
    out << "  -> " << (s.allowed ? "allowed" : "denied") << " by the admin tier, which is evaluated before any NetworkPolicy";
    if (s.isolated()) {
      const auto* np = s.decided_by();
      out << (np ? "; NetworkPolicy " + policy_ref(*np->policy) + " would have " + (s.allowed ? "allowed it too" : "allowed it")
                 : std::string("; the NetworkPolicies selecting the pod would have ") + (s.allowed ? "denied it" : "denied it too"));
    }
    out << "\n";
  }
}

void explain_baseline_tiers(std::ostream& out, const SideVerdict& s) {
  for (const auto& c : s.baseline.checks) print_check(out, c);
  if (s.decided_in == SideVerdict::Tier::Baseline) {
    out << "  -> " << (s.allowed ? "allowed" : "denied")
        << " by the baseline tier: no NetworkPolicy selects the pod; one that does would override it\n";
  }
}

}  // namespace packetwalk::model::policy
