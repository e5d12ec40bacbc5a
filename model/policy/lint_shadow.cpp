// packetwalk lint: rules shadowed by a broader rule of the same policy and direction. The rules of
// a NetworkPolicy are OR-ed, so a rule whose every (peer, port) another rule already allows has no
// effect. Coverage is decided structurally — selector implication, CIDR containment, port ranges —
// so a report holds for every set of pods; where that cannot be decided (a named port against a
// number, an ipBlock against a selector) the rule is not reported.
#include <algorithm>

#include "lint_detail.h"

namespace packetwalk::model::policy::lint_detail {

namespace {

bool has_in_subset(const kube::LabelSelector& a, const std::string& key, const std::vector<std::string>& values) {
  return std::any_of(a.match_expressions.begin(), a.match_expressions.end(), [&](const auto& e) {
    return e.key == key && e.op == "In" &&
           std::all_of(e.values.begin(), e.values.end(),
                       [&](const auto& v) { return std::find(values.begin(), values.end(), v) != values.end(); });
  });
}

// Does one requirement of `b` hold for every label set `a` matches?
bool requirement_implied(const kube::LabelSelector& a, const kube::LabelSelectorRequirement& r) {
  if (std::find(a.match_expressions.begin(), a.match_expressions.end(), r) != a.match_expressions.end()) return true;
  auto fixed = a.match_labels.find(r.key);
  const bool has = [&] {
    auto contains = [&](const std::string& v) { return std::find(r.values.begin(), r.values.end(), v) != r.values.end(); };
    if (r.op == "Exists") return fixed != a.match_labels.end() ||
                                 std::any_of(a.match_expressions.begin(), a.match_expressions.end(),
                                             [&](const auto& e) { return e.key == r.key && (e.op == "In" || e.op == "Exists"); });
    if (r.op == "In") return (fixed != a.match_labels.end() && contains(fixed->second)) || has_in_subset(a, r.key, r.values);
    if (r.op == "NotIn") {
      if (fixed != a.match_labels.end()) return !contains(fixed->second);
      return std::any_of(a.match_expressions.begin(), a.match_expressions.end(), [&](const auto& e) {
        if (e.key != r.key) return false;
        if (e.op == "DoesNotExist") return true;
        if (e.op == "In") return std::none_of(e.values.begin(), e.values.end(), contains);
        if (e.op == "NotIn")
          return std::all_of(r.values.begin(), r.values.end(), [&](const auto& v) {
            return std::find(e.values.begin(), e.values.end(), v) != e.values.end();
          });
        return false;
      });
    }
    return false;  // DoesNotExist: only the identical requirement (checked above) implies it
  }();
  return has;
}

// Every label set matching `a` matches `b`.
bool implies(const kube::LabelSelector& a, const kube::LabelSelector& b) {
  for (const auto& [k, v] : b.match_labels) {
    auto it = a.match_labels.find(k);
    if ((it == a.match_labels.end() || it->second != v) && !has_in_subset(a, k, {v})) return false;
  }
  return std::all_of(b.match_expressions.begin(), b.match_expressions.end(),
                     [&](const auto& r) { return requirement_implied(a, r); });
}

bool ip_block_covers(const kube::IpBlock& wide, const kube::IpBlock& narrow) {
  auto w = parse_ip_block(wide);
  auto n = parse_ip_block(narrow);
  if (!w || !n || !w->cidr.contains(n->cidr)) return false;
  // An exception of the wide block inside the narrow one must be excepted there too.
  return std::all_of(w->except.begin(), w->except.end(), [&](const net::Cidr& e) {
    if (!e.overlaps(n->cidr)) return true;
    return std::any_of(n->except.begin(), n->except.end(), [&](const net::Cidr& ne) { return ne.contains(e); });
  });
}

bool peer_covers(const kube::NetworkPolicyPeer& wide, const kube::NetworkPolicyPeer& narrow, std::string_view ns,
                 const PolicyIndex& index) {
  if (wide == narrow) return true;
  if (wide.ip_block || narrow.ip_block) return wide.ip_block && narrow.ip_block && ip_block_covers(*wide.ip_block, *narrow.ip_block);
  // Namespaces: absent = the policy's own namespace.
  if (!wide.namespace_selector) {
    if (narrow.namespace_selector) return false;
  } else if (!wide.namespace_selector->empty()) {
    if (narrow.namespace_selector ? !implies(*narrow.namespace_selector, *wide.namespace_selector)
                                  : !wide.namespace_selector->matches(index.namespace_labels(ns)))
      return false;
  }
  // Pods: absent or {} = every pod of those namespaces.
  if (!wide.pod_selector || wide.pod_selector->empty()) return true;
  return narrow.pod_selector && implies(*narrow.pod_selector, *wide.pod_selector);
}

bool port_covers(const kube::NetworkPolicyPort& wide, const kube::NetworkPolicyPort& narrow) {
  if (wide.protocol != narrow.protocol) return false;
  if (!wide.port) return true;
  if (!narrow.port || wide.port->is_string != narrow.port->is_string) return false;
  if (wide.port->is_string) return wide.port->text == narrow.port->text;
  const int lo = narrow.port->number, hi = narrow.end_port.value_or(lo);
  return wide.port->number <= lo && hi <= wide.end_port.value_or(wide.port->number);
}

template <typename T, typename Covers>
bool list_covers(const std::optional<std::vector<T>>& wide, const std::optional<std::vector<T>>& narrow, Covers covers) {
  if (!wide || wide->empty()) return true;  // every peer / every port
  if (!narrow || narrow->empty()) return false;
  return std::all_of(narrow->begin(), narrow->end(), [&](const T& n) {
    return std::any_of(wide->begin(), wide->end(), [&](const T& w) { return covers(w, n); });
  });
}

bool rule_covers(const kube::NetworkPolicyRule& wide, const kube::NetworkPolicyRule& narrow, std::string_view ns,
                 const PolicyIndex& index) {
  return list_covers(wide.peers, narrow.peers, [&](const auto& w, const auto& n) { return peer_covers(w, n, ns, index); }) &&
         list_covers(wide.ports, narrow.ports, port_covers);
}

}  // namespace

void check_shadowed(const kube::NetworkPolicy& p, Direction d, const PolicyIndex& index, std::vector<LintFinding>& out) {
  const auto& rules = rules_of(p, d);
  const std::string dir(direction_name(d));
  for (std::size_t j = 0; j < rules.size(); ++j) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (i == j || !rule_covers(rules[i], rules[j], p.meta.namespace_, index)) continue;
      // Two rules allowing the same: report the later one only.
      const bool same = rule_covers(rules[j], rules[i], p.meta.namespace_, index);
      if (same && i > j) continue;
      add(out, LintKind::RuleShadowed, p.meta, "spec." + dir + "[" + std::to_string(j) + "]",
          dir + " rule " + std::to_string(j) + " allows nothing that rule " + std::to_string(i) + " does not already allow (" +
              (same ? "they allow the same" : "rule " + std::to_string(i) + " is broader") +
              "); the rules of a policy add up, so this one has no effect");
      break;
    }
  }
}

}  // namespace packetwalk::model::policy::lint_detail
