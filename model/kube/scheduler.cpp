// Deterministic placement: a much simpler scheduler than kube-scheduler, chosen so that results are
// easy to predict from the manifests alone.
//
//  1. Pods with spec.nodeName (and DaemonSet pods) are bound first: they occupy their node before
//     anything else is placed, as pods bound earlier would in a real cluster.
//  2. Every other pod, in (namespace, name) order, goes to the node with the fewest pods among those
//     whose labels match its nodeSelector; ties go to the node whose name sorts first. A pod with a
//     status.podIP (a kubectl dump without nodeName) prefers nodes whose pod CIDR holds that IP.
// Taints, resources and affinity are not modelled.
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "inventory_steps.h"

namespace packetwalk::model::kube::detail {

namespace {

std::string selector_text(const Labels& selector) {
  std::string out;
  for (const auto& [k, v] : selector) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

}  // namespace

void schedule_pods(std::vector<PendingPod>& pods, const std::vector<NodeInfo>& nodes, load::Diagnostics& diags,
                   const std::set<std::string>& cordoned) {
  // Per node, by index: the pods placed so far and whether it takes new ones (plain vectors: name
  // lookups, a map of strings compared on every step, once made placement the largest cost of a
  // 50,000-pod cluster).
  std::vector<int> load(nodes.size(), 0);
  std::vector<char> schedulable(nodes.size());
  std::map<std::string_view, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    index.emplace(nodes[i].name, i);
    schedulable[i] = !cordoned.count(nodes[i].name);
  }

  for (auto& p : pods) {
    if (p.node_name.empty()) continue;
    auto it = index.find(p.node_name);
    if (it == index.end()) {
      diags.error(p.node_name_pos, p.info.ref(), "spec.nodeName: node \"" + p.node_name + "\" does not exist");
      continue;
    }
    p.info.node = p.node_name;
    p.placed = true;
    ++load[it->second];
  }

  // The nodes each distinct nodeSelector admits, ordered by (pods placed, index): the front one
  // is the least loaded, the first by name among equals. Most pods share a handful of selectors
  // (usually none), so a pod is placed in O(log nodes) instead of scanning every node: 150,000
  // pods on 5,000 nodes made that scan the largest cost of scheduling.
  std::map<Labels, std::size_t> group_of;
  std::vector<std::set<std::pair<int, std::size_t>>> groups;
  std::vector<std::vector<std::size_t>> groups_with(nodes.size());  // node index -> groups admitting it
  auto group_for = [&](const Labels& selector) -> std::set<std::pair<int, std::size_t>>& {
    auto [it, fresh] = group_of.emplace(selector, groups.size());
    if (fresh) {
      auto& g = groups.emplace_back();
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (!schedulable[i] || !labels_match(selector, nodes[i].labels)) continue;
        g.emplace(load[i], i);
        groups_with[i].push_back(it->second);
      }
    }
    return groups[it->second];
  };
  auto place = [&](PendingPod& p, std::size_t node) {
    for (auto g : groups_with[node]) {
      groups[g].erase({load[node], node});
      groups[g].emplace(load[node] + 1, node);
    }
    ++load[node];
    p.info.node = nodes[node].name;
    p.placed = true;
  };

  for (auto& p : pods) {
    if (!p.node_name.empty()) continue;
    const auto& candidates = group_for(p.node_selector);
    std::size_t best = candidates.empty() ? nodes.size() : candidates.begin()->second;
    if (p.status_ip && best != nodes.size()) {
      // Among the candidates, a node whose pod CIDR holds the pod's recorded IP comes first.
      std::size_t holder = nodes.size();
      for (const auto& entry : candidates)
        if (nodes[entry.second].pod_cidr.contains(*p.status_ip)) {
          holder = entry.second;  // the set's order: fewest pods, then first by name
          break;
        }
      if (holder != nodes.size()) best = holder;
    }
    if (best == nodes.size()) {
      if (nodes.empty()) diags.error(p.info.pos, p.info.ref(), "no nodes to schedule on");
      else
        diags.error(p.node_selector_pos, p.info.ref(),
                    "spec.nodeSelector: no node matches {" + selector_text(p.node_selector) + "} (" +
                        std::to_string(nodes.size()) + " nodes)");
      continue;
    }
    place(p, best);
  }
}

}  // namespace packetwalk::model::kube::detail
