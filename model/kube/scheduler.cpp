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

#include "inventory_steps.h"

namespace packetwalk::model::kube::detail {

namespace {

std::string selector_text(const Labels& selector) {
  std::string out;
  for (const auto& [k, v] : selector) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

}  // namespace

void schedule_pods(std::vector<PendingPod>& pods, const std::vector<NodeInfo>& nodes, load::Diagnostics& diags) {
  std::map<std::string, int, std::less<>> load;
  for (const auto& n : nodes) load[n.name] = 0;

  for (auto& p : pods) {
    if (p.node_name.empty()) continue;
    if (!load.count(p.node_name)) {
      diags.error(p.node_name_pos, p.info.ref(), "spec.nodeName: node \"" + p.node_name + "\" does not exist");
      continue;
    }
    p.info.node = p.node_name;
    p.placed = true;
    ++load[p.node_name];
  }

  for (auto& p : pods) {
    if (!p.node_name.empty()) continue;
    const NodeInfo* best = nullptr;
    bool best_holds_ip = false;
    for (const auto& n : nodes) {  // sorted by name: the first of equals wins
      if (!labels_match(p.node_selector, n.labels)) continue;
      bool holds_ip = p.status_ip && n.pod_cidr.contains(*p.status_ip);
      bool better = !best || (holds_ip && !best_holds_ip) ||
                    (holds_ip == best_holds_ip && load[n.name] < load[best->name]);
      if (better) {
        best = &n;
        best_holds_ip = holds_ip;
      }
    }
    if (!best) {
      if (nodes.empty()) diags.error(p.info.pos, p.info.ref(), "no nodes to schedule on");
      else
        diags.error(p.node_selector_pos, p.info.ref(),
                    "spec.nodeSelector: no node matches {" + selector_text(p.node_selector) + "} (" +
                        std::to_string(nodes.size()) + " nodes)");
      continue;
    }
    p.info.node = best->name;
    p.placed = true;
    ++load[best->name];
  }
}

}  // namespace packetwalk::model::kube::detail
