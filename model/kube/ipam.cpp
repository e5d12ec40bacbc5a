// Pod IP assignment as flannel's host-local IPAM would do it, made deterministic: per node, the
// pod CIDR's .0 is flannel.1's and .1 is cni0's (the pods' gateway); pods get .2 upwards in
// (namespace, name) order, skipping addresses that pods with status.podIP already hold. The
// broadcast address is never handed out. hostNetwork pods share their node's InternalIP.
#include <map>
#include <set>

#include "inventory_steps.h"

namespace packetwalk::model::kube::detail {

namespace {

bool reserved(const net::Cidr& cidr, net::Ipv4Address ip) {
  return ip == cidr.nth(0) || ip == cidr.nth(1) || ip == cidr.broadcast();
}

}  // namespace

void assign_pod_ips(std::vector<PendingPod>& pods, const std::vector<NodeInfo>& nodes, load::Diagnostics& diags) {
  std::map<std::string, const NodeInfo*, std::less<>> by_name;
  for (const auto& n : nodes) by_name[n.name] = &n;
  std::set<net::Ipv4Address> taken;

  // Honour status.podIP first, so fresh addresses can avoid them whatever the order.
  for (auto& p : pods) {
    if (!p.placed || p.info.host_network || !p.status_ip) continue;
    const NodeInfo& node = *by_name.at(p.info.node);
    std::string ip = p.status_ip->to_string();
    if (!node.pod_cidr.contains(*p.status_ip)) {
      diags.error(p.pod_ip_pos, p.info.ref(), "status.podIP: " + ip + " is outside the pod CIDR " +
                                                  node.pod_cidr.to_string() + " of node \"" + node.name + "\"");
    } else if (reserved(node.pod_cidr, *p.status_ip)) {
      diags.error(p.pod_ip_pos, p.info.ref(),
                  "status.podIP: " + ip + " is reserved on node \"" + node.name +
                      "\" (network address for flannel.1, .1 for cni0, or broadcast)");
    } else if (!taken.insert(*p.status_ip).second) {
      diags.error(p.pod_ip_pos, p.info.ref(), "status.podIP: " + ip + " is already used by another pod");
    } else {
      p.info.ip = *p.status_ip;
      p.addressed = true;
    }
  }

  std::map<std::string, std::uint64_t, std::less<>> next;  // per node: next host index to try
  for (auto& p : pods) {
    if (!p.placed || p.addressed) continue;
    const NodeInfo& node = *by_name.at(p.info.node);
    if (p.info.host_network) {
      p.info.ip = node.internal_ip;
      p.addressed = true;
      continue;
    }
    auto& cursor = next.try_emplace(node.name, 2).first->second;
    while (cursor + 1 < node.pod_cidr.size() && taken.count(node.pod_cidr.nth(static_cast<std::uint32_t>(cursor))))
      ++cursor;
    if (cursor + 1 >= node.pod_cidr.size()) {
      diags.error(p.info.pos, p.info.ref(), "no free pod IP left in " + node.pod_cidr.to_string() + " on node \"" +
                                                node.name + "\"");
      continue;
    }
    p.info.ip = node.pod_cidr.nth(static_cast<std::uint32_t>(cursor));
    taken.insert(p.info.ip);
    p.addressed = true;
  }
}

}  // namespace packetwalk::model::kube::detail
