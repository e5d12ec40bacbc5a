// packetwalk lint, NetworkPolicy half: policies that select nothing, peers and named ports that
// never match, and egress isolation that forgets DNS. Shadowed rules: lint_shadow.cpp; Services:
// lint_services.cpp.
#include "packetwalk/model/policy/lint.h"

#include <algorithm>
#include <tuple>

#include "lint_detail.h"
#include "packetwalk/model/policy/evaluate.h"

namespace packetwalk::model::policy {

namespace lint_detail {

void add(std::vector<LintFinding>& out, LintKind kind, const kube::ObjectMeta& meta, std::string field, std::string message) {
  LintFinding f;
  f.kind = kind;
  f.pos = meta.pos_of(field);
  f.object = meta.ref();
  f.field = std::move(field);
  f.message = std::move(message);
  out.push_back(std::move(f));
}

std::string pod_list(const std::vector<const kube::PodInfo*>& pods, std::size_t shown) {
  std::string out;
  for (std::size_t i = 0; i < pods.size() && i < shown; ++i)
    out += (i ? ", " : "") + pods[i]->namespace_ + "/" + pods[i]->name;
  if (pods.size() > shown) out += " and " + std::to_string(pods.size() - shown) + " more";
  return out;
}

}  // namespace lint_detail

namespace {

using namespace lint_detail;

Endpoint endpoint_of(const kube::PodInfo& pod) { return Endpoint{&pod, pod.ip, pod.node}; }

std::vector<const kube::PodInfo*> selected_pods(const kube::NetworkPolicy& p, const kube::Inventory& inv) {
  std::vector<const kube::PodInfo*> out;
  for (const auto& pod : inv.pods)
    if (policy_selects(p, pod)) out.push_back(&pod);
  return out;
}

void check_selects_something(const kube::NetworkPolicy& p, const std::vector<const kube::PodInfo*>& selected,
                             const kube::Inventory& inv, std::vector<LintFinding>& out) {
  if (!selected.empty()) return;
  std::size_t in_ns = 0;
  std::vector<const kube::PodInfo*> elsewhere;
  for (const auto& pod : inv.pods) {
    if (pod.host_network) continue;
    if (pod.namespace_ == p.meta.namespace_) ++in_ns;
    else if (p.pod_selector.matches(pod.labels)) elsewhere.push_back(&pod);
  }
  std::string msg = "podSelector " + selector_text(p.pod_selector) + " selects " +
                    (in_ns == 0 ? "no pod: namespace " + p.meta.namespace_ + " has none"
                                : "none of the " + std::to_string(in_ns) + " pods of namespace " + p.meta.namespace_) +
                    "; the policy isolates nothing and allows nothing";
  if (!elsewhere.empty())
    msg += " (" + pod_list(elsewhere) + " match, but a NetworkPolicy selects only pods of its own namespace)";
  add(out, LintKind::PolicySelectsNothing, p.meta, "spec.podSelector", msg);
}

// The namespaces a selector peer looks at.
std::vector<std::string> peer_namespaces(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns,
                                         const PolicyIndex& index) {
  if (!peer.namespace_selector) return {std::string(policy_ns)};
  std::vector<std::string> out;
  for (const auto& ns : index.inventory().namespaces)
    if (peer.namespace_selector->matches(index.namespace_labels(ns.meta.name))) out.push_back(ns.meta.name);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Peers that never match and named ports that no destination declares, for one direction.
void check_rules(const kube::NetworkPolicy& p, Direction d, const std::vector<const kube::PodInfo*>& selected,
                 const PolicyIndex& index, std::vector<LintFinding>& out) {
  const auto& inv = index.inventory();
  const std::string ns = p.meta.namespace_;
  const std::string base = d == Direction::Ingress ? "spec.ingress" : "spec.egress";
  const std::string peers_key = d == Direction::Ingress ? "from" : "to";
  const auto& rules = rules_of(p, d);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    const std::string rule_path = base + "[" + std::to_string(i) + "]";
    const bool every_peer = !rule.peers || rule.peers->empty();
    std::vector<const kube::PodInfo*> peer_pods;  // pods some entry matches (egress destinations)
    std::vector<LintFinding> dead;
    std::size_t live = 0;
    for (std::size_t j = 0; !every_peer && j < rule.peers->size(); ++j) {
      const auto& peer = (*rule.peers)[j];
      const std::size_t before = peer_pods.size();
      for (const auto& pod : inv.pods)
        if (!pod.host_network && match_peer(peer, ns, endpoint_of(pod), index).matched) peer_pods.push_back(&pod);
      // An ipBlock also matches addresses outside the cluster; a namespaceSelector alone matches
      // whatever pods its namespaces will get: both stay live.
      if (peer.ip_block || peer_pods.size() > before) {
        ++live;
        continue;
      }
      const std::string path = rule_path + "." + peers_key + "[" + std::to_string(j) + "]";
      const auto namespaces = peer_namespaces(peer, ns, index);
      if (namespaces.empty()) {
        add(dead, LintKind::NamespaceUnmatched, p.meta, path + ".namespaceSelector",
            "namespaceSelector " + selector_text(*peer.namespace_selector) +
                " matches no namespace: none carries these labels, so this peer never matches");
      } else if (peer.pod_selector) {
        add(dead, LintKind::PodUnmatched, p.meta, path + ".podSelector",
            "podSelector " + selector_text(*peer.pod_selector) + " matches no pod in " +
                (peer.namespace_selector ? "the namespaces the namespaceSelector selects (" + joined(namespaces) + ")"
                                         : "namespace " + ns) +
                ", so this peer never matches");
      } else {
        ++live;  // namespaces that exist but have no pods yet
      }
    }
    if (!every_peer && live == 0 && !dead.empty())
      dead.back().message += "; rule " + std::to_string(i) + " has no other peer and never matches";
    for (auto& f : dead) out.push_back(std::move(f));

    // Named ports resolve against the destination: the selected pods for ingress, the peers for egress.
    std::vector<const kube::PodInfo*> destinations;
    if (d == Direction::Ingress) {
      destinations = selected;
    } else if (every_peer) {
      for (const auto& pod : inv.pods)
        if (!pod.host_network) destinations.push_back(&pod);
    } else {
      std::sort(peer_pods.begin(), peer_pods.end(), [](auto* a, auto* b) {
        return std::tie(a->namespace_, a->name) < std::tie(b->namespace_, b->name);
      });
      peer_pods.erase(std::unique(peer_pods.begin(), peer_pods.end()), peer_pods.end());
      destinations = peer_pods;
    }
    if (destinations.empty() || !rule.ports) continue;
    for (std::size_t k = 0; k < rule.ports->size(); ++k) {
      const auto& entry = (*rule.ports)[k];
      if (!entry.port || !entry.port->is_string) continue;
      const std::string& name = entry.port->text;
      const bool declared = std::any_of(destinations.begin(), destinations.end(),
                                        [&](auto* pod) { return resolve_named_port(*pod, name, entry.protocol).has_value(); });
      if (declared) continue;
      std::string hint;
      for (auto other : {net::Protocol::Tcp, net::Protocol::Udp, net::Protocol::Sctp}) {
        for (const auto* pod : destinations) {
          if (hint.empty() && other != entry.protocol && resolve_named_port(*pod, name, other))
            hint = " (" + pod->namespace_ + "/" + pod->name + " declares it for " + std::string(net::kube_name(other)) + ")";
        }
      }
      add(out, LintKind::NamedPortUndeclared, p.meta, rule_path + ".ports[" + std::to_string(k) + "].port",
          "named port \"" + name + "\" (" + std::string(net::kube_name(entry.protocol)) + ") is declared by none of " +
              (d == Direction::Ingress ? "the pods this policy selects (" : "the pods this rule's peers select (") +
              pod_list(destinations) + ")" + hint + ", so this port entry never matches");
    }
  }
}

// The cluster DNS pods: the kube-system/kube-dns Service's pods (CoreDNS), by its selector.
std::vector<const kube::PodInfo*> dns_pods(const std::vector<kube::Service>& services, const kube::Inventory& inv,
                                           kube::Labels& selector) {
  selector = {{"k8s-app", "kube-dns"}};
  for (const auto& s : services)
    if (s.meta.namespace_ == "kube-system" && s.meta.name == "kube-dns" && !s.selector.empty()) selector = s.selector;
  std::vector<const kube::PodInfo*> out;
  for (const auto& pod : inv.pods)
    if (pod.namespace_ == "kube-system" && !pod.host_network && kube::labels_match(selector, pod.labels)) out.push_back(&pod);
  return out;
}

void check_dns(const PolicyIndex& index, const std::vector<kube::Service>& services, std::vector<LintFinding>& out) {
  const auto& inv = index.inventory();
  kube::Labels selector;
  const auto servers = dns_pods(services, inv, selector);
  if (servers.empty()) return;  // no cluster DNS modelled: nothing to lose
  for (const auto* p : index.all()) {
    if (!user_written(p->meta) || !p->affects_egress()) continue;
    std::vector<const kube::PodInfo*> blocked;
    std::vector<bool> unreachable(servers.size(), false);  // some selected pod cannot reach it
    bool udp = false, tcp = false;
    for (const auto* pod : selected_pods(*p, inv)) {
      // Only pods whose resolv.conf points at the cluster DNS (dnsPolicy ClusterFirst) lose it;
      // the DNS pods themselves ask upstream.
      if (pod->dns_policy == "Default" || pod->dns_policy == "None") continue;
      if (std::find(servers.begin(), servers.end(), pod) != servers.end()) continue;
      bool pod_blocked = false;
      for (auto proto : {net::Protocol::Udp, net::Protocol::Tcp}) {
        for (std::size_t i = 0; i < servers.size(); ++i) {
          Connection c{endpoint_of(*pod), endpoint_of(*servers[i]), proto, 53, true};
          if (evaluate_side(index, c, Direction::Egress).allowed) continue;
          (proto == net::Protocol::Udp ? udp : tcp) = true;
          unreachable[i] = pod_blocked = true;
        }
      }
      if (pod_blocked) blocked.push_back(pod);
    }
    if (blocked.empty()) continue;
    const std::string protos = udp && tcp ? "UDP and TCP port 53" : udp ? "UDP port 53" : "TCP port 53";
    std::string labels;
    for (const auto& [k, v] : selector) labels += (labels.empty() ? "" : ",") + k + "=" + v;
    // kube-proxy spreads lookups over every DNS pod: losing some of them fails that share.
    std::vector<const kube::PodInfo*> lost;
    for (std::size_t i = 0; i < servers.size(); ++i)
      if (unreachable[i]) lost.push_back(servers[i]);
    const std::string to = lost.size() == servers.size()
                               ? "the cluster DNS pods (" + pod_list(servers, 2) + ")"
                               : std::to_string(lost.size()) + " of the " + std::to_string(servers.size()) +
                                     " cluster DNS pods (" + pod_list(lost, 2) + "; the Service sends lookups to each)";
    add(out, LintKind::EgressBlocksDns, p->meta, p->policy_types ? "spec.policyTypes" : "spec.egress",
        "isolates the egress of " + pod_list(blocked) + " but no policy selecting " + (blocked.size() == 1 ? "it" : "them") +
            " allows " + protos + " to " + to +
            (!udp                            ? ", so DNS answers too large for UDP fail"
             : lost.size() == servers.size() ? ", so name lookups time out"
                                             : ", so the lookups sent there time out") +
            "; allow egress to namespace kube-system pods " + labels + " on 53/UDP and 53/TCP");
  }
}

}  // namespace

std::string_view lint_kind_name(LintKind k) {
  switch (k) {
    case LintKind::PolicySelectsNothing: return "policy-selects-nothing";
    case LintKind::NamespaceUnmatched: return "namespace-unmatched";
    case LintKind::PodUnmatched: return "pod-unmatched";
    case LintKind::RulesIgnored: return "rules-ignored";
    case LintKind::NamedPortUndeclared: return "named-port-undeclared";
    case LintKind::RuleShadowed: return "rule-shadowed";
    case LintKind::ServiceSelectsNothing: return "service-selects-nothing";
    case LintKind::TargetPortUndeclared: return "target-port-undeclared";
    case LintKind::EgressBlocksDns: return "egress-blocks-dns";
  }
  return "unknown";
}

std::vector<LintFinding> lint(const std::vector<kube::NetworkPolicy>& policies, const std::vector<kube::Service>& services,
                              const kube::Inventory& inventory) {
  PolicyIndex index(policies, inventory);
  std::vector<LintFinding> out;
  for (const auto* p : index.all()) {
    if (!user_written(p->meta)) continue;
    const auto selected = selected_pods(*p, inventory);
    check_selects_something(*p, selected, inventory, out);
    for (auto d : {Direction::Ingress, Direction::Egress}) {
      if (!has_direction(*p, d)) {
        // Only possible with policyTypes written: defaulting adds Egress when egress rules exist.
        const auto n = rules_of(*p, d).size();
        const std::string dir(direction_name(d)), type = d == Direction::Ingress ? "Ingress" : "Egress";
        if (n > 0)
          add(out, LintKind::RulesIgnored, p->meta, "spec." + dir,
              "policyTypes leaves out " + type + ", so " + (n == 1 ? "this " + dir + " rule is" : "these " + std::to_string(n) + " " + dir + " rules are") +
                  " ignored; add " + type + " to policyTypes to enforce " + (n == 1 ? "it" : "them"));
        continue;
      }
      check_rules(*p, d, selected, index, out);
      check_shadowed(*p, d, index, out);
    }
  }
  check_dns(index, services, out);
  check_services(services, inventory, out);
  auto key = [](const LintFinding& f) {
    return std::tie(f.pos.file, f.pos.line, f.pos.column, f.kind, f.object, f.field, f.message);
  };
  std::sort(out.begin(), out.end(), [&](const LintFinding& a, const LintFinding& b) { return key(a) < key(b); });
  return out;
}

std::string format_finding(const LintFinding& f) {
  load::Diagnostic d{load::Severity::Warning, f.pos, f.object, f.field + ": " + f.message};
  return load::format_diagnostic(d) + " [" + std::string(lint_kind_name(f.kind)) + "]";
}

}  // namespace packetwalk::model::policy
