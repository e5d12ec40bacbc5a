// What Cilium 1.16 makes of the policies, said before anything runs (load-time warnings) and
// after (`packetwalk rules`: each endpoint's policy map as `cilium-dbg bpf policy get` lists it).
#include <algorithm>
#include <set>
#include <sstream>

#include "packetwalk/model/cni/cilium.h"
#include "packetwalk/model/policy/match.h"

namespace packetwalk::model::cni {

namespace {

using policy::Direction;

std::string rule_place(Direction d, std::size_t rule, std::size_t peer) {
  return std::string(policy::direction_name(d)) + " rule " + std::to_string(rule) + (d == Direction::Ingress ? " from " : " to ") +
         std::to_string(peer);
}

// The first pod or node address an ipBlock (minus its excepts) contains, for a person.
std::string cluster_address_in(const policy::IpRanges& r, const kube::Inventory& inventory, bool& is_pod) {
  auto inside = [&r](net::Ipv4Address a) {
    if (!r.cidr.contains(a)) return false;
    for (const auto& e : r.except)
      if (e.contains(a)) return false;
    return true;
  };
  for (const auto& p : inventory.pods) {
    if (!p.host_network && inside(p.ip)) {
      is_pod = true;
      return "pod " + p.namespace_ + "/" + p.name + " (" + p.ip.to_string() + ")";
    }
  }
  for (const auto& n : inventory.nodes) {
    if (inside(n.internal_ip)) {
      is_pod = false;
      return "node " + n.name + " (" + n.internal_ip.to_string() + ")";
    }
  }
  return {};
}

}  // namespace

void warn_cilium_policies(const std::vector<kube::NetworkPolicy>& policies,
                          const std::vector<kube::AdminNetworkPolicy>& admin, const kube::Inventory& inventory,
                          load::Diagnostics& diags) {
  for (const auto& p : policies) {
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& rules = policy::rules_of(p, d);
      for (std::size_t i = 0; i < rules.size(); ++i) {
        const auto& rule = rules[i];
        for (std::size_t j = 0; rule.peers && j < rule.peers->size(); ++j) {
          const auto& peer = (*rule.peers)[j];
          if (!peer.ip_block) continue;
          auto ranges = policy::parse_ip_block(*peer.ip_block);
          if (!ranges) continue;
          bool is_pod = false;
          const auto what = cluster_address_in(*ranges, inventory, is_pod);
          if (what.empty()) continue;
          diags.warning(p.meta.pos, p.ref(),
                        rule_place(d, i, j) + ": ipBlock " + peer.ip_block->cidr + " contains " + what +
                            (is_pod ? ", which cni cilium never selects by CIDR (a pod is matched by its identity: use "
                                      "podSelector/namespaceSelector); cni: calico matches it"
                                    : ", which cni cilium selects by CIDR only with policy-cidr-match-mode=nodes (off by "
                                      "default); cni: calico matches it"));
        }
        for (std::size_t j = 0; rule.ports && j < rule.ports->size(); ++j) {
          if ((*rule.ports)[j].protocol != net::Protocol::Sctp) continue;
          diags.warning(p.meta.pos, p.ref(),
                        std::string(policy::direction_name(d)) + " rule " + std::to_string(i) + " port " + std::to_string(j) +
                            ": cni cilium " + kCiliumVersion +
                            " handles SCTP only with enable-sctp (beta, off by default); the model assumes it is on");
        }
      }
    }
  }
  for (const auto& p : admin) {
    diags.warning(p.meta.pos, p.ref(),
                  "cni cilium does not enforce " + p.meta.kind + ": this policy has no effect (cni: calico enforces it)");
  }
}

std::string cilium_policy_listing(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                                  const std::string& node) {
  policy::PolicyIndex index(policies, inventory, nullptr, policy::cni_semantics("cilium"));
  std::vector<const kube::PodInfo*> local;
  for (const auto& p : inventory.pods)
    if (p.node == node && !p.host_network) local.push_back(&p);
  std::sort(local.begin(), local.end(), [](const auto* a, const auto* b) {
    return std::tie(a->namespace_, a->name) < std::tie(b->namespace_, b->name);
  });
  std::ostringstream out;
  char line[512];
  auto row = [&](const char* dir, const std::string& labels, const std::string& port) {
    std::snprintf(line, sizeof line, "Allow    %-11s %-60s %s\n", dir, labels.c_str(), port.c_str());
    out << line;
  };
  for (const auto* pod : local) {
    out << "# cilium-dbg bpf policy get " << cilium_lxc_name(pod->namespace_, pod->name) << "   (endpoint "
        << pod->namespace_ << "/" << pod->name << ")\n";
    std::snprintf(line, sizeof line, "POLICY   %-11s %-60s %s\n", "DIRECTION", "LABELS (source:key[=value])", "PORT/PROTO");
    out << line;
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const char* dir = d == Direction::Ingress ? "Ingress" : "Egress";
      const auto selecting = index.selecting(*pod, d);
      // allow-localhost: the node reaches its endpoints whatever their policy says.
      if (d == Direction::Ingress) row(dir, "reserved:host", "ANY");
      if (selecting.empty()) {
        row(dir, "reserved:unknown", "ANY");  // not isolated: every identity, every port
        continue;
      }
      std::set<std::pair<std::string, std::string>> rows;  // deduplicated, sorted like the map's keys
      for (const auto* p : selecting) {
        for (const auto& rule : policy::rules_of(*p, d)) {
          std::vector<std::string> ports;
          if (!rule.ports || rule.ports->empty()) ports.push_back("ANY");
          for (const auto& e : rule.ports.value_or(std::vector<kube::NetworkPolicyPort>{})) {
            if (!e.port) ports.push_back("ANY/" + std::string(net::kube_name(e.protocol)));
            else ports.push_back(policy::describe_port(e));
          }
          std::vector<std::string> peers;
          if (!rule.peers || rule.peers->empty()) peers.push_back("reserved:unknown");
          for (const auto& peer : rule.peers.value_or(std::vector<kube::NetworkPolicyPeer>{})) {
            if (peer.ip_block) {
              std::string text = "cidr:" + peer.ip_block->cidr;
              for (const auto& e : peer.ip_block->except) text += " except:" + e;
              peers.push_back(text);
              continue;
            }
            // One entry per identity the selectors match: the pod's namespace and labels.
            for (const auto& other : inventory.pods) {
              if (other.host_network) continue;
              const policy::Endpoint e{&other, other.ip, other.node};
              if (!policy::match_peer(peer, p->meta.namespace_, e, index).matched) continue;
              std::string text = "k8s:io.kubernetes.pod.namespace=" + other.namespace_;
              for (const auto& [k, v] : other.labels) text += " k8s:" + k + "=" + v;
              peers.push_back(text);
            }
          }
          for (const auto& who : peers)
            for (const auto& port : ports) rows.insert({who, port});
        }
      }
      for (const auto& [who, port] : rows) row(dir, who, port);
    }
    out << "\n";
  }
  if (local.empty()) out << "# no Cilium endpoints on " << node << "\n";
  return out.str();
}

}  // namespace packetwalk::model::cni
