#include "packetwalk/model/policy/evaluate.h"

namespace packetwalk::model::policy {

namespace {

RuleCheck check_rule(const kube::NetworkPolicyRule& rule, std::size_t index, const kube::NetworkPolicy& policy,
                     const Endpoint& peer, const Connection& c, const PolicyIndex& pi) {
  RuleCheck rc;
  rc.index = index;
  rc.every_peer = !rule.peers || rule.peers->empty();
  rc.every_port = !rule.ports || rule.ports->empty();
  if (rc.every_peer) {
    rc.peer_matched = true;
  } else {
    for (std::size_t i = 0; i < rule.peers->size(); ++i) {
      PeerCheck pc{i, match_peer((*rule.peers)[i], policy.meta.namespace_, peer, pi)};
      if (pc.result.matched && !rc.peer_matched) {
        rc.peer_matched = true;
        rc.first_peer = i;
      }
      rc.peers.push_back(std::move(pc));
    }
  }
  const kube::PodInfo* dst_pod = c.dst.is_workload() ? c.dst.pod : nullptr;
  if (rc.every_port) {
    rc.port_matched = true;
  } else {
    for (std::size_t i = 0; i < rule.ports->size(); ++i) {
      PortCheck pc{i, match_port((*rule.ports)[i], c.protocol, c.port, dst_pod)};
      if (pc.result.matched && !rc.port_matched) {
        rc.port_matched = true;
        rc.first_port = i;
      }
      rc.ports.push_back(std::move(pc));
    }
  }
  return rc;
}

// Traffic a node sends to one of its own pods leaves through OUTPUT straight into the pod's veth:
// Calico's filter OUTPUT chain returns workload-bound packets unpoliced (felix/rules/static.go).
bool from_own_node(const Connection& c) {
  return !c.src.is_workload() && !c.src.node.empty() && c.src.node == c.dst.node &&
         (!c.src.pod || c.src.pod->host_network);
}

// "AdminNetworkPolicy/deny-db ingress rule 0 (deny-from-x)".
std::string admin_ref(const AdminPolicyCheck& c) {
  return c.policy->kind_name() + " " + admin_rule_label(*c.policy, c.direction, *c.first_rule);
}

// Pass rules that delegated before the deciding tier: "; AdminNetworkPolicy/x ingress rule 0 passed it on".
std::string passes_text(const TierResult& t) {
  std::string out;
  for (auto i : t.passed) out += ", after " + admin_ref(t.checks[i]) + " passed it on";
  return out;
}

std::string side_text(const SideVerdict& s, const std::string& subject) {
  const std::string dir(direction_name(s.direction));
  if (!s.enforced) return {};
  if (const auto* a = s.admin_decision()) {
    std::string out = dir + (s.allowed ? " allowed by " : " denied by ") + admin_ref(*a);
    if (s.decided_in == SideVerdict::Tier::Baseline) out += passes_text(s.admin);
    if (!s.allowed && s.decided_in == SideVerdict::Tier::Admin && s.isolated() && s.decided_by())
      out += " (NetworkPolicy " + policy_ref(*s.decided_by()->policy) + " would have allowed it)";
    if (!s.allowed && s.decided_in == SideVerdict::Tier::Admin && !s.isolated())
      out += " (no NetworkPolicy isolates " + subject + ")";
    return out;
  }
  const std::string passed = passes_text(s.admin);
  if (!s.isolated()) return passed.empty() ? std::string() : dir + " allowed by default" + passed;
  if (const auto* d = s.decided_by()) {
    return dir + " allowed by NetworkPolicy " + policy_ref(*d->policy) + " " + dir + " rule " +
           std::to_string(*d->first_rule) + passed;
  }
  std::string names;
  for (const auto& p : s.policies) names += (names.empty() ? "" : ", ") + policy_ref(*p.policy);
  return dir + " of " + subject + " is isolated by NetworkPolicy " + names + " and no rule allows it" + passed;
}

}  // namespace

std::string side_reason(const SideVerdict& s) {
  return side_text(s, s.direction == Direction::Egress ? "the source" : "the destination");
}

const AdminPolicyCheck* SideVerdict::admin_decision() const {
  if (decided_in == Tier::Admin && admin.decided) return &admin.checks[*admin.decided];
  if (decided_in == Tier::Baseline && baseline.decided) return &baseline.checks[*baseline.decided];
  return nullptr;
}

const PolicyCheck* SideVerdict::decided_by() const {
  for (const auto& p : policies) {
    if (p.allowed) return &p;
  }
  return nullptr;
}

SideVerdict evaluate_side(const PolicyIndex& index, const Connection& c, Direction d) {
  SideVerdict s;
  s.direction = d;
  const Endpoint& subject = d == Direction::Egress ? c.src : c.dst;
  const Endpoint& peer = d == Direction::Egress ? c.dst : c.src;
  if (!subject.pod) {
    s.enforced = false;
    s.exempt_reason = subject.label() + " is not a pod: no NetworkPolicy applies to it";
    return s;
  }
  if (subject.pod->host_network) {
    s.enforced = false;
    s.exempt_reason = subject.label() + " uses the host network: NetworkPolicy cannot isolate it";
    return s;
  }
  if (d == Direction::Ingress && from_own_node(c)) {
    s.enforced = false;
    s.exempt_reason = "traffic from " + subject.label() + "'s own node (" + c.src.node + ") is always allowed";
    return s;
  }
  for (const auto* p : index.selecting(*subject.pod, d)) {
    PolicyCheck pc;
    pc.policy = p;
    const auto& rules = rules_of(*p, d);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      pc.rules.push_back(check_rule(rules[i], i, *p, peer, c, index));
      if (pc.rules.back().matched() && !pc.allowed) {
        pc.allowed = true;
        pc.first_rule = i;
      }
    }
    s.policies.push_back(std::move(pc));
  }
  s.admin = evaluate_tiers(index, subject, peer, c.protocol, c.port, d, 0, 1);
  if (s.admin.decided) {
    s.decided_in = SideVerdict::Tier::Admin;
    s.allowed = s.admin.allowed();
    return s;
  }
  if (s.isolated()) {
    s.decided_in = SideVerdict::Tier::NetworkPolicy;
    s.allowed = s.decided_by() != nullptr;
    return s;
  }
  s.baseline = evaluate_tiers(index, subject, peer, c.protocol, c.port, d, 3, 4);
  if (s.baseline.decided) {
    s.decided_in = SideVerdict::Tier::Baseline;
    s.allowed = s.baseline.allowed();
    return s;
  }
  s.allowed = true;
  return s;
}

Evaluation evaluate(const PolicyIndex& index, const Connection& c) {
  Evaluation e;
  e.egress.direction = Direction::Egress;
  e.ingress.direction = Direction::Ingress;
  if (c.src.is_workload() && c.src.pod == c.dst.pod && !c.via_service) {
    e.exempt_reason = c.src.label() + " reaches itself at its own address: the packet never leaves its network namespace";
    e.egress.enforced = e.ingress.enforced = false;
    e.egress.exempt_reason = e.ingress.exempt_reason = e.exempt_reason;
    return e;
  }
  e.egress = evaluate_side(index, c, Direction::Egress);
  e.ingress = evaluate_side(index, c, Direction::Ingress);
  e.allowed = e.egress.allowed && e.ingress.allowed;
  return e;
}

std::string Evaluation::reason() const {
  if (!exempt_reason.empty()) return "allowed: " + exempt_reason;
  std::string eg = side_text(egress, "the source"), in = side_text(ingress, "the destination");
  if (!allowed) {
    std::string out = "denied: ";
    if (!egress.allowed) out += eg;
    if (!egress.allowed && !ingress.allowed) out += "; ";
    if (!ingress.allowed) out += in;
    return out;
  }
  if (eg.empty() && in.empty()) return "allowed: no NetworkPolicy isolates the source's egress or the destination's ingress";

  std::string out = "allowed: ";
  out += eg;
  if (!eg.empty() && !in.empty()) out += "; ";
  out += in;
  if (eg.empty()) out += " (egress not isolated)";
  if (in.empty()) out += " (ingress not isolated)";
  return out;
}

}  // namespace packetwalk::model::policy
