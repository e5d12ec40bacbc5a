// Admin-tier edits for `suggest` (admin_policy_edits.h).
#include "admin_policy_edits.h"

#include <algorithm>

namespace packetwalk::model::policy {

namespace {

bool v1alpha2(const kube::AdminNetworkPolicy& p) { return p.meta.kind == "ClusterNetworkPolicy"; }

// The word this API version uses for the allowing action.
std::string allow_word(const kube::AdminNetworkPolicy& p) { return v1alpha2(p) ? "Accept" : "Allow"; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// An admin peer naming exactly `peer`, and its YAML; nullopt when the API cannot say it.
std::optional<std::pair<kube::AdminPeer, std::string>> exact_admin_peer(const Endpoint& peer, Direction d) {
  kube::AdminPeer out;
  if (peer.is_workload()) {
    const auto labels = selectable_labels(peer.pod->labels);
    out.pods = kube::NamespacedPodSelector{kube::LabelSelector{{{"kubernetes.io/metadata.name", peer.pod->namespace_}}, {}},
                                           kube::LabelSelector{labels, {}}};
    return std::make_pair(out, "{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: " + peer.pod->namespace_ +
                                   "}}, podSelector: {matchLabels: " + labels_yaml(labels) + "}}}");
  }
  if (d == Direction::Egress) {  // `networks` is an egress peer only
    const std::string cidr = peer.ip.to_string() + "/32";
    out.networks = std::vector<std::string>{cidr};
    return std::make_pair(out, "{networks: [" + cidr + "]}");
  }
  return std::nullopt;
}

std::string port_yaml(const kube::AdminNetworkPolicy& p, net::Protocol protocol, net::Port port) {
  const std::string proto(net::kube_name(protocol));
  if (v1alpha2(p)) return "protocols: [{" + lower(proto) + ": {destinationPort: {number: " + std::to_string(port) + "}}}]";
  return "ports: [{portNumber: {protocol: " + proto + ", port: " + std::to_string(port) + "}}]";
}

std::vector<kube::AdminRule>& rules_in(kube::AdminNetworkPolicy& p, Direction d) {
  return d == Direction::Ingress ? p.ingress : p.egress;
}

}  // namespace

kube::Labels selectable_labels(const kube::Labels& labels) {
  kube::Labels out;
  for (const auto& [k, v] : labels)
    if (k != "pod-template-hash" && k != "controller-revision-hash") out[k] = v;
  return out.empty() ? labels : out;
}

std::string labels_yaml(const kube::Labels& l) {
  std::string out = "{";
  for (const auto& [k, v] : l) out += std::string(out.size() > 1 ? ", " : "") + k + ": " + v;
  return out + "}";
}

std::vector<AdminEditCandidate> admin_edit_candidates(const kube::AdminNetworkPolicy& p, Direction d, std::size_t rule,
                                                      const Endpoint& peer, net::Protocol protocol, net::Port port) {
  std::vector<AdminEditCandidate> out;
  const bool admin_tier = p.tier == kube::AdminTier::Admin;
  const std::string object = p.meta.kind + " " + p.meta.name;
  const std::string dir(direction_name(d));
  const std::string label = admin_rule_label(p, d, rule);
  if (auto exact = exact_admin_peer(peer, d)) {
    const std::string who = peer.is_workload() ? peer.pod->namespace_ + "-" + peer.pod->name : peer.ip.to_string();
    std::vector<std::pair<kube::AdminAction, std::string>> actions;
    if (admin_tier) actions.emplace_back(kube::AdminAction::Pass, "Pass");  // let the NetworkPolicies decide
    actions.emplace_back(kube::AdminAction::Accept, allow_word(p));
    for (const auto& [action, word] : actions) {
      kube::AdminRule r;
      r.name = lower(word) + "-" + who + "-" + std::to_string(port) + "-" + lower(std::string(net::kube_name(protocol)));
      r.action = action;
      r.action_text = word;
      r.peers = {exact->first};
      r.ports = std::vector<kube::AdminPort>{{protocol, port, port, ""}};
      const std::string yaml = "- {name: " + r.name + ", action: " + word + ", " + (d == Direction::Ingress ? "from" : "to") +
                               ": [" + exact->second + "], " + port_yaml(p, protocol, port) + "}";
      const auto kind = action == kube::AdminAction::Pass ? Edit::Kind::AdminInsertPass : Edit::Kind::AdminInsertAllow;
      out.push_back({Edit{kind, object, "spec." + dir + ", before " + label, yaml}, [d, rule, r](kube::AdminNetworkPolicy& q) {
                       auto& rules = rules_in(q, d);
                       rules.insert(rules.begin() + static_cast<std::ptrdiff_t>(std::min(rule, rules.size())), r);
                     }});
    }
  }
  // The blunt edit: the deciding rule stops denying altogether (for every peer and port it matches).
  const auto action = admin_tier ? kube::AdminAction::Pass : kube::AdminAction::Accept;
  const std::string word = admin_tier ? "Pass" : allow_word(p);
  out.push_back({Edit{Edit::Kind::AdminSetAction, object, "spec." + dir + "[" + std::to_string(rule) + "].action (" + label + ")", word},
                 [d, rule, action, word](kube::AdminNetworkPolicy& q) {
                   auto& rules = rules_in(q, d);
                   if (rule < rules.size()) {
                     rules[rule].action = action;
                     rules[rule].action_text = word;
                   }
                 }});
  return out;
}

std::string tier_denial(const SideVerdict& s) {
  if (s.allowed) return {};
  const auto* c = s.admin_decision();
  if (!c || !c->first_rule) return {};
  return c->policy->kind_name() + " " + admin_rule_label(*c->policy, c->direction, *c->first_rule);
}

}  // namespace packetwalk::model::policy
