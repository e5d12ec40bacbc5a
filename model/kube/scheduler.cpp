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
  // Per node, by index: the pods placed so far and whether it takes new ones. Every pod scans every
  // node, so these are plain vectors; name lookups (a map of strings, compared on every step) made
  // placement the largest cost of a 50,000-pod cluster.
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

  for (auto& p : pods) {
    if (!p.node_name.empty()) continue;
    std::size_t best = nodes.size();
    bool best_holds_ip = false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {  // sorted by name: the first of equals wins
      const NodeInfo& n = nodes[i];
      if (!schedulable[i] || !labels_match(p.node_selector, n.labels)) continue;
      bool holds_ip = p.status_ip && n.pod_cidr.contains(*p.status_ip);
      bool better = best == nodes.size() || (holds_ip && !best_holds_ip) ||
                    (holds_ip == best_holds_ip && load[i] < load[best]);
      if (better) {
        best = i;
        best_holds_ip = holds_ip;
      }
    }
    if (best == nodes.size()) {
      if (nodes.empty()) diags.error(p.info.pos, p.info.ref(), "no nodes to schedule on");
      else
        diags.error(p.node_selector_pos, p.info.ref(),
                    "spec.nodeSelector: no node matches {" + selector_text(p.node_selector) + "} (" +
                        std::to_string(nodes.size()) + " nodes)");
      continue;
    }
    p.info.node = nodes[best].name;
    p.placed = true;
    ++load[best];
  }
}

}  // namespace packetwalk::model::kube::detail
