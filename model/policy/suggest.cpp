#include "packetwalk/model/policy/suggest.h"

#include "admin_policy_edits.h"

#include <algorithm>
#include <set>

namespace packetwalk::model::policy {

namespace {

// Edited copies of the objects a candidate changes.
struct World {
  std::vector<kube::NetworkPolicy> policies;
  kube::Inventory inventory;
  CniSemantics semantics;  // a suggestion must work under the CNI that enforces it
  std::vector<kube::AdminNetworkPolicy> admin;  // in force too: an edit must survive the admin tiers
};

Endpoint rebind(const Endpoint& e, const kube::Inventory& inv) {
  Endpoint out = e;
  if (e.pod) out.pod = inv.find_pod(e.pod->namespace_, e.pod->name);
  return out;
}

Endpoint plain_endpoint(const kube::PodInfo& pod, const kube::Inventory& inv) {
  Endpoint e{&pod, pod.ip, pod.node};
  if (pod.host_network) {
    if (const auto* n = inv.find_node(pod.node)) e.ip = n->internal_ip;
  }
  return e;
}

std::string proto_port(net::Protocol p, net::Port port) { return std::to_string(port) + "/" + std::string(net::kube_name(p)); }

// Every (source, destination, port) the world allows among its pods, as "a -> b 80/TCP".
std::set<std::string> allowed_triples(const World& w, const std::vector<std::pair<net::Protocol, net::Port>>& ports) {
  PolicyIndex index(w.policies, w.inventory, &w.admin, w.semantics);
  std::set<std::string> out;
  for (const auto& src : w.inventory.pods) {
    for (const auto& dst : w.inventory.pods) {
      if (&src == &dst) continue;
      for (const auto& [proto, port] : ports) {
        Connection c{plain_endpoint(src, w.inventory), plain_endpoint(dst, w.inventory), proto, port, false};
        if (evaluate(index, c).allowed)
          out.insert(src.namespace_ + "/" + src.name + " -> " + dst.namespace_ + "/" + dst.name + " " + proto_port(proto, port));
      }
    }
  }
  return out;
}

// The labels to add so that `s` matches `current`; nullopt when adding cannot do it (NotIn,
// DoesNotExist, or the immutable kubernetes.io/metadata.name would have to change), and when a
// label the object already carries would have to change value: that is not an addition — it can
// close other connections, take a pod out of its Services, and a pod relabelled out of its
// ReplicaSet's selector is orphaned and replaced by a new one.
std::optional<kube::Labels> labels_to_add(const kube::LabelSelector& s, const kube::Labels& current) {
  kube::Labels add;
  auto value_of = [&](const std::string& k) -> const std::string* {
    auto it = current.find(k);
    return it == current.end() ? nullptr : &it->second;
  };
  for (const auto& [k, v] : s.match_labels) {
    const auto* have = value_of(k);
    if (have && *have != v) return std::nullopt;
    if (!have) add[k] = v;
  }
  for (const auto& r : s.match_expressions) {
    const auto* have = value_of(r.key);
    if (r.op == "In") {
      if (have && std::find(r.values.begin(), r.values.end(), *have) != r.values.end()) continue;
      if (have || r.values.empty()) return std::nullopt;
      add[r.key] = r.values.front();
    } else if (r.op == "Exists") {
      if (!have) add[r.key] = "true";
    }
  }
  if (add.empty() || add.count("kubernetes.io/metadata.name")) return std::nullopt;
  kube::Labels merged = current;
  for (const auto& [k, v] : add) merged[k] = v;
  if (!s.matches(merged)) return std::nullopt;
  return add;
}

// A peer entry selecting exactly `peer` (by namespace name and its stable labels), or its address.
kube::NetworkPolicyPeer exact_peer(const Endpoint& peer, std::string_view policy_ns, std::string& yaml) {
  kube::NetworkPolicyPeer out;
  if (!peer.is_workload()) {
    out.ip_block = kube::IpBlock{peer.ip.to_string() + "/32", {}};
    yaml = "{ipBlock: {cidr: " + out.ip_block->cidr + "}}";
    return out;
  }
  const auto labels = selectable_labels(peer.pod->labels);
  out.pod_selector = kube::LabelSelector{labels, {}};
  std::string pod_part = "podSelector: {matchLabels: " + labels_yaml(labels) + "}";
  if (peer.pod->namespace_ != policy_ns) {
    out.namespace_selector = kube::LabelSelector{{{"kubernetes.io/metadata.name", peer.pod->namespace_}}, {}};
    yaml = "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: " + peer.pod->namespace_ + "}}, " + pod_part + "}";
  } else {
    yaml = "{" + pod_part + "}";
  }
  return out;
}

struct Candidate {
  Suggestion suggestion;
  World world;
};

class Suggester {
public:
  Suggester(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory, const Connection& c,
            CniSemantics semantics, const std::vector<kube::AdminNetworkPolicy>* admin)
      : base_{policies, inventory, semantics, admin ? *admin : std::vector<kube::AdminNetworkPolicy>{}}, conn_(c) {
    std::set<std::pair<net::Protocol, net::Port>> ports{{c.protocol, c.port}};
    for (const auto& pod : inventory.pods) {
      for (const auto& ct : pod.containers)
        for (const auto& p : ct.ports) ports.insert({p.protocol, static_cast<net::Port>(p.container_port)});
    }
    ports_.assign(ports.begin(), ports.end());
    before_ = allowed_triples(base_, ports_);
  }

  std::vector<Suggestion> side(const SideVerdict& s, std::size_t limit) {
    std::vector<Suggestion> out;
    const Endpoint& peer = s.direction == Direction::Ingress ? conn_.src : conn_.dst;
    const std::string dir(direction_name(s.direction));
    for (const auto& pc : s.policies) {
      const auto& p = *pc.policy;
      const std::string obj = "NetworkPolicy " + policy_ref(p);
      for (const auto& rc : pc.rules) {
        const std::string field = "spec." + dir + "[" + std::to_string(rc.index) + "]";
        if (rc.peer_matched && !rc.port_matched) {
          try_edit(out, s.direction, {Edit::Kind::AddPort, obj, field + ".ports", "- {protocol: " +
                   std::string(net::kube_name(conn_.protocol)) + ", port: " + std::to_string(conn_.port) + "}"},
                   [&](World& w) { rule_in(w, p, s.direction, rc.index).ports->push_back(
                       kube::NetworkPolicyPort{conn_.protocol, kube::IntOrString::of(conn_.port), std::nullopt}); });
        }
        if (rc.peer_matched || !rc.port_matched) continue;
        const auto& peers = *rule_in(base_, p, s.direction, rc.index).peers;
        for (const auto& check : rc.peers) {
          const auto& entry = peers[check.index];
          if (check.result.miss == PeerMiss::NamespaceLabels && peer.pod) {
            auto ns_labels = PolicyIndex(base_.policies, base_.inventory).namespace_labels(peer.pod->namespace_);
            if (auto add = labels_to_add(*entry.namespace_selector, ns_labels)) {
              try_edit(out, s.direction, {Edit::Kind::LabelNamespace, "Namespace " + peer.pod->namespace_, "metadata.labels", labels_yaml(*add)},
                       [&](World& w) { label_namespace(w, peer.pod->namespace_, *add); });
            }
          }
          if (check.result.miss == PeerMiss::PodLabels && peer.pod) {
            if (auto add = labels_to_add(*entry.pod_selector, peer.pod->labels)) {
              try_edit(out, s.direction, {Edit::Kind::LabelPod, pod_object(*peer.pod), "metadata.labels", labels_yaml(*add)},
                       [&](World& w) {
                         auto& pods = w.inventory.pods;
                         for (auto& q : pods)
                           if (q.namespace_ == peer.pod->namespace_ && q.name == peer.pod->name)
                             for (const auto& [k, v] : *add) q.labels[k] = v;
                       });
            }
          }
        }
        std::string yaml;
        auto entry = exact_peer(peer, p.meta.namespace_, yaml);
        try_edit(out, s.direction, {Edit::Kind::AddPeer, obj, field + (s.direction == Direction::Ingress ? ".from" : ".to"), "- " + yaml},
                 [&](World& w) { rule_in(w, p, s.direction, rc.index).peers->push_back(entry); });
      }
      std::string yaml;
      auto entry = exact_peer(peer, p.meta.namespace_, yaml);
      const std::string key = s.direction == Direction::Ingress ? "from" : "to";
      try_edit(out, s.direction, {Edit::Kind::AddRule, obj, "spec." + dir, "- {" + key + ": [" + yaml + "], ports: [{protocol: " +
               std::string(net::kube_name(conn_.protocol)) + ", port: " + std::to_string(conn_.port) + "}]}"},
               [&](World& w) {
                 auto& pol = find_policy(w, p);
                 auto& rules = s.direction == Direction::Ingress ? pol.ingress : pol.egress;
                 if (!rules) rules.emplace();
                 kube::NetworkPolicyRule r;
                 r.peers = std::vector<kube::NetworkPolicyPeer>{entry};
                 r.ports = std::vector<kube::NetworkPolicyPort>{{conn_.protocol, kube::IntOrString::of(conn_.port), std::nullopt}};
                 rules->push_back(std::move(r));
               });
    }
    rank(out, limit);
    return out;
  }

  // A side an admin or baseline rule denied: NetworkPolicy edits cannot reach it, so the edits go
  // to the policy whose rule decided (admin_policy_edits.cpp writes them).
  std::vector<Suggestion> admin_side(const SideVerdict& s, std::size_t limit) {
    std::vector<Suggestion> out;
    const auto* check = s.admin_decision();
    if (!check || !check->first_rule) return out;
    const Endpoint& peer = s.direction == Direction::Ingress ? conn_.src : conn_.dst;
    for (auto& c : admin_edit_candidates(*check->policy, s.direction, *check->first_rule, peer, conn_.protocol, conn_.port)) {
      const std::string name = check->policy->meta.name;
      try_edit(out, s.direction, c.edit, [&](World& w) {
        for (auto& q : w.admin)
          if (q.meta.kind == check->policy->meta.kind && q.meta.name == name) c.apply(q);
      });
    }
    rank(out, limit);
    return out;
  }

private:
  // Fewest edits, then what else they open, then by kind in Edit::Kind's order.
  static void rank(std::vector<Suggestion>& out, std::size_t limit) {
    std::stable_sort(out.begin(), out.end(), [](const Suggestion& a, const Suggestion& b) {
      if (a.edits.size() != b.edits.size()) return a.edits.size() < b.edits.size();
      if (a.also_opens_total != b.also_opens_total) return a.also_opens_total < b.also_opens_total;
      return a.edits.front().kind < b.edits.front().kind;
    });
    if (out.size() > limit) out.resize(limit);
  }

  static kube::NetworkPolicy& find_policy(World& w, const kube::NetworkPolicy& p) {
    for (auto& q : w.policies)
      if (q.meta.namespace_ == p.meta.namespace_ && q.meta.name == p.meta.name) return q;
    return w.policies.front();  // unreachable: p comes from the same list
  }
  static kube::NetworkPolicyRule& rule_in(World& w, const kube::NetworkPolicy& p, Direction d, std::size_t i) {
    auto& pol = find_policy(w, p);
    return (*(d == Direction::Ingress ? pol.ingress : pol.egress))[i];
  }
  static void label_namespace(World& w, const std::string& ns, const kube::Labels& add) {
    for (auto& n : w.inventory.namespaces)
      if (n.meta.name == ns)
        for (const auto& [k, v] : add) n.meta.labels[k] = v;
  }
  static std::string pod_object(const kube::PodInfo& pod) {
    std::string out = "Pod " + pod.namespace_ + "/" + pod.name;
    if (!pod.owner_kind.empty()) out += " (set it in the pod template of its " + pod.owner_kind + " " + pod.owner_name + "'s controller)";
    return out;
  }

  template <class Apply>
  void try_edit(std::vector<Suggestion>& out, Direction side, Edit edit, Apply apply) {
    for (const auto& s : out)
      if (s.edits.front().object == edit.object && s.edits.front().field == edit.field && s.edits.front().change == edit.change) return;
    World w = base_;
    apply(w);
    PolicyIndex index(w.policies, w.inventory, &w.admin, w.semantics);
    Connection c{rebind(conn_.src, w.inventory), rebind(conn_.dst, w.inventory), conn_.protocol, conn_.port, conn_.via_service};
    if (!evaluate_side(index, c, side).allowed) return;  // the edit does not do it: not a suggestion
    Suggestion s;
    s.side = side;
    s.edits.push_back(std::move(edit));
    const std::string self = conn_.src.label() + " -> " + conn_.dst.label() + " " + proto_port(conn_.protocol, conn_.port);
    for (const auto& t : allowed_triples(w, ports_)) {
      if (before_.count(t) || t == self) continue;
      ++s.also_opens_total;
      if (s.also_opens.size() < kAlsoOpensShown) s.also_opens.push_back(t);
    }
    out.push_back(std::move(s));
  }

  World base_;
  Connection conn_;
  std::vector<std::pair<net::Protocol, net::Port>> ports_;
  std::set<std::string> before_;
};

}  // namespace

std::vector<Suggestion> suggest_fixes(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                                      const Connection& c, const Evaluation& e, std::size_t limit,
                                      CniSemantics semantics, const std::vector<kube::AdminNetworkPolicy>* admin) {
  std::vector<Suggestion> out;
  if (e.allowed) return out;
  Suggester s(policies, inventory, c, semantics, admin);
  for (const auto* side : {&e.egress, &e.ingress}) {
    if (side->allowed) continue;
    auto part = tier_denial(*side).empty() ? s.side(*side, limit) : s.admin_side(*side, limit);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace packetwalk::model::policy
