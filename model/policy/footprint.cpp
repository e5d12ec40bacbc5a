#include "packetwalk/model/policy/footprint.h"

#include <algorithm>

#include "packetwalk/model/policy/admin.h"

namespace packetwalk::model::policy {

namespace {

void add_selector(Footprint& f, const kube::LabelSelector& s) {
  for (const auto& [k, v] : s.match_labels) f.pod_label_values[k].insert(v);
  for (const auto& e : s.match_expressions) {
    auto& values = f.pod_label_values[e.key];
    values.insert(e.values.begin(), e.values.end());
  }
}

void add_range(Footprint& f, const net::Cidr& c) {
  f.address_boundaries.push_back(c.network().value());
  f.address_boundaries.push_back(std::uint64_t{c.broadcast().value()} + 1);
}

}  // namespace

const std::vector<std::string_view>& footprint_kinds() {
  static const std::vector<std::string_view> kinds = {"NetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
                                                      "ClusterNetworkPolicy"};
  return kinds;
}

Footprint footprint(const PolicyIndex& index) {
  Footprint f;
  for (const auto* p : index.all()) {
    add_selector(f, p->pod_selector);
    for (auto d : {Direction::Ingress, Direction::Egress}) {
      for (const auto& rule : rules_of(*p, d)) {
        if (!rule.peers) continue;
        for (const auto& peer : *rule.peers) {
          if (peer.pod_selector) add_selector(f, *peer.pod_selector);
          if (peer.ip_block) {
            if (auto c = net::Cidr::parse(peer.ip_block->cidr)) add_range(f, *c);
            for (const auto& e : peer.ip_block->except)
              if (auto c = net::Cidr::parse(e)) add_range(f, *c);
          }
        }
      }
    }
  }
  // Admin tiers: subjects and peers select pods by labels; `networks` compare addresses. `nodes`
  // peers match node addresses, which no workload pod has (hostNetwork pods are never grouped).
  for (const auto* p : index.admin()) {
    if (p->subject_pods) add_selector(f, p->subject_pods->pod_selector);
    for (auto d : {Direction::Ingress, Direction::Egress}) {
      for (const auto& rule : admin_rules(*p, d)) {
        for (const auto& peer : rule.peers) {
          if (peer.pods) add_selector(f, peer.pods->pod_selector);
          if (peer.networks)
            for (const auto& n : *peer.networks)
              if (auto c = net::Cidr::parse(n)) add_range(f, *c);
        }
      }
    }
  }
  auto& b = f.address_boundaries;
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return f;
}

std::string projected_labels(const Footprint& f, const kube::Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    auto it = f.pod_label_values.find(k);
    if (it == f.pod_label_values.end()) continue;
    out += k;
    out += '=';
    out += it->second.count(v) ? v : std::string("*");
    out += '\n';  // cannot occur in label keys or values
  }
  return out;
}

std::size_t address_interval(const Footprint& f, net::Ipv4Address ip) {
  const auto& b = f.address_boundaries;
  return static_cast<std::size_t>(std::upper_bound(b.begin(), b.end(), std::uint64_t{ip.value()}) - b.begin());
}

}  // namespace packetwalk::model::policy
