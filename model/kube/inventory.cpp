// Nodes, namespaces and the assembly of the inventory.
#include "packetwalk/model/kube/inventory.h"

#include <algorithm>
#include <set>

#include "inventory_steps.h"

namespace packetwalk::model::kube {

namespace detail {

namespace {

// The labels the kubelet puts on every node it registers.
void add_kubelet_labels(NodeInfo& node) {
  node.labels.try_emplace("kubernetes.io/hostname", node.name);
  node.labels.try_emplace("kubernetes.io/os", "linux");
  node.labels.try_emplace("kubernetes.io/arch", "amd64");
  node.labels.try_emplace("beta.kubernetes.io/os", "linux");
  node.labels.try_emplace("beta.kubernetes.io/arch", "amd64");
}

std::vector<NodeInfo> nodes_from_objects(const load::ClusterSpec& cluster, const std::vector<Node>& objects,
                                         load::Diagnostics& diags) {
  std::vector<load::NodeAddressing> addressing;
  for (const auto& n : objects) {
    load::NodeAddressing a{n.internal_ip, n.pod_cidr};
    // A node the scenario also lists lends its values to a Node object that lacks them.
    if (cluster.set.nodes) {
      auto same = std::find_if(cluster.nodes.begin(), cluster.nodes.end(),
                               [&](const load::ClusterNode& c) { return c.name == n.meta.name; });
      if (same != cluster.nodes.end()) {
        if (!a.ip) a.ip = same->ip;
        if (!a.pod_cidr) a.pod_cidr = same->pod_cidr;
      }
    }
    addressing.push_back(a);
  }
  fill_node_addressing(addressing, cluster.node_network, cluster.pod_cidr);

  std::vector<NodeInfo> nodes;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto& object = objects[i];
    if (!addressing[i].ip || !addressing[i].pod_cidr) {
      diags.error(object.meta.pos, object.ref(), "no address or pod CIDR left in the cluster's ranges for this node");
      continue;
    }
    NodeInfo node{object.meta.name, object.meta.labels, *addressing[i].ip, *addressing[i].pod_cidr, object.meta.pos};
    if (object.pod_cidr && !cluster.pod_cidr.contains(*object.pod_cidr))
      diags.warning(object.meta.pos_of("spec.podCIDR"), object.ref(),
                    "spec.podCIDR: " + object.pod_cidr->to_string() + " is outside the cluster pod CIDR " +
                        cluster.pod_cidr.to_string());
    for (const auto& other : nodes) {
      if (other.internal_ip == node.internal_ip)
        diags.error(object.meta.pos_of("status.addresses"), object.ref(),
                    "InternalIP " + node.internal_ip.to_string() + " is also used by node \"" + other.name + "\"");
      if (other.pod_cidr.overlaps(node.pod_cidr))
        diags.error(object.meta.pos_of("spec.podCIDR"), object.ref(),
                    "pod CIDR " + node.pod_cidr.to_string() + " overlaps node \"" + other.name + "\"'s " +
                        other.pod_cidr.to_string());
    }
    nodes.push_back(std::move(node));
  }
  if (cluster.set.nodes) {
    for (const auto& c : cluster.nodes) {
      bool defined = std::any_of(objects.begin(), objects.end(), [&](const Node& n) { return n.meta.name == c.name; });
      if (!defined)
        diags.warning(c.pos, "", "cluster node \"" + c.name +
                                     "\" is not used: the manifests define the cluster's nodes with Node objects");
    }
  }
  return nodes;
}

}  // namespace

std::vector<NodeInfo> build_nodes(const load::ClusterSpec& cluster, const load::ManifestSet& manifests,
                                  load::Diagnostics& diags) {
  std::vector<NodeInfo> nodes;
  if (!manifests.nodes.empty()) {
    nodes = nodes_from_objects(cluster, manifests.nodes, diags);
  } else {
    for (const auto& c : cluster.nodes) nodes.push_back(NodeInfo{c.name, c.labels, c.ip, c.pod_cidr, c.pos});
  }
  for (auto& n : nodes) add_kubelet_labels(n);
  std::sort(nodes.begin(), nodes.end(), [](const NodeInfo& a, const NodeInfo& b) { return a.name < b.name; });
  return nodes;
}

}  // namespace detail

namespace {

std::vector<Namespace> build_namespaces(const load::ManifestSet& m) {
  std::map<std::string, Namespace> by_name;
  for (const auto& ns : m.namespaces) by_name.emplace(ns.meta.name, ns);
  std::set<std::string> used = {"default", "kube-system"};
  auto note = [&](const auto& list) {
    for (const auto& o : list)
      if (!o.meta.namespace_.empty()) used.insert(o.meta.namespace_);
  };
  note(m.pods);
  note(m.deployments);
  note(m.replica_sets);
  note(m.stateful_sets);
  note(m.daemon_sets);
  note(m.jobs);
  note(m.services);
  note(m.endpoint_slices);
  note(m.network_policies);
  note(m.config_maps);
  note(m.others);
  for (const auto& name : used) {
    if (by_name.count(name)) continue;
    Namespace ns;
    ns.meta.kind = "Namespace";
    ns.meta.api_version = "v1";
    ns.meta.name = name;
    by_name.emplace(name, std::move(ns));
  }
  std::vector<Namespace> out;
  for (auto& [name, ns] : by_name) {
    // The API server sets this label on every namespace (and overwrites a user's value).
    ns.meta.labels["kubernetes.io/metadata.name"] = name;
    out.push_back(std::move(ns));
  }
  return out;
}

}  // namespace

const PodInfo* Inventory::find_pod(std::string_view ns, std::string_view name) const {
  auto it = std::lower_bound(pods.begin(), pods.end(), std::pair(ns, name), [](const PodInfo& p, const auto& key) {
    return std::pair<std::string_view, std::string_view>(p.namespace_, p.name) < key;
  });
  return it != pods.end() && it->namespace_ == ns && it->name == name ? &*it : nullptr;
}

const NodeInfo* Inventory::find_node(std::string_view name) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), name,
                             [](const NodeInfo& n, std::string_view key) { return n.name < key; });
  return it != nodes.end() && it->name == name ? &*it : nullptr;
}

const Namespace* Inventory::find_namespace(std::string_view name) const {
  auto it = std::lower_bound(namespaces.begin(), namespaces.end(), name,
                             [](const Namespace& n, std::string_view key) { return n.meta.name < key; });
  return it != namespaces.end() && it->meta.name == name ? &*it : nullptr;
}

Inventory build_inventory(const load::ClusterSpec& cluster, const load::ManifestSet& manifests,
                          load::Diagnostics& diags) {
  Inventory inv;
  inv.nodes = detail::build_nodes(cluster, manifests, diags);
  auto pending = detail::expand_pods(manifests, inv.nodes, diags);
  // A scenario's timeline (load/timeline.h): pods that already ran keep their node and address.
  const auto& history = cluster.history;
  for (auto& p : pending) {
    auto pin = history.pinned.find(p.info.namespace_ + "/" + p.info.name);
    if (pin == history.pinned.end()) continue;
    if (p.node_name.empty()) p.node_name = pin->second.first;
    if (!p.status_ip) p.status_ip = pin->second.second;
  }
  detail::schedule_pods(pending, inv.nodes, diags, history.cordoned);
  detail::assign_pod_ips(pending, inv.nodes, diags);
  for (auto& p : pending) {
    if (!p.placed || !p.addressed) continue;
    if (history.not_ready.count(p.info.namespace_ + "/" + p.info.name) || history.not_ready_nodes.count(p.info.node))
      p.info.ready = false;
    inv.pods.push_back(std::move(p.info));
  }
  inv.namespaces = build_namespaces(manifests);
  return inv;
}

}  // namespace packetwalk::model::kube
