// reach's inputs without a datapath, and the per-pair verdict both reach paths share.
#include <algorithm>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/cni/calico.h"
#include "packetwalk/model/cni/cilium.h"
#include "packetwalk/model/cni/cni.h"
#include "packetwalk/model/dns/cluster_dns.h"
#include "packetwalk/model/ingress/controller.h"
#include "packetwalk/model/query/reach_groups.h"

namespace packetwalk::model::query {

ReachInputs reach_inputs(const cluster::Cluster& c) {
  ReachInputs in;
  in.cni = c.spec().cni;
  in.inventory = &c.inventory();
  in.policies = &c.scenario().manifests.network_policies;
  in.admin = &c.scenario().manifests.admin_policies;
  in.host_source = [&c](const kube::PodInfo& pod, net::Ipv4Address dst) { return source_endpoint(c, pod, dst); };
  return in;
}

namespace {

// The source address a node picks towards `dst` without its routing table, as the CNIs program
// it (cni/calico.h, cni/flannel.h): a remote node's pod block is routed through the overlay device,
// whose address is the source; everything else leaves with the node's InternalIP. Only ipBlock
// rules can see the difference, and only Calico enforces them; reach_groups_test compares this
// with the routing of a built cluster.
policy::Endpoint host_source_without_routes(const kube::Inventory& inv, const std::string& cni, const kube::PodInfo& pod,
                                            net::Ipv4Address dst) {
  policy::Endpoint e{&pod, pod.ip, pod.node};
  const auto* own = inv.find_node(pod.node);
  if (!own) return e;
  if (own->internal_ip == dst) {
    e.ip = dst;
    return e;
  }
  if (cni != "calico" && cni != "cilium") return e;
  for (const auto& n : inv.nodes) {
    if (n.name != own->name && n.pod_cidr.contains(dst)) {
      e.ip = cni == "calico" ? cni::calico_tunnel_address(*own) : cni::cilium_router_address(*own);
      return e;
    }
  }
  return e;
}

}  // namespace

ReachInputs ReachWorld::inputs() const {
  ReachInputs in;
  in.cni = scenario.cluster.cni;
  in.inventory = &inventory;
  in.policies = &scenario.manifests.network_policies;
  in.admin = &scenario.manifests.admin_policies;
  const auto* inv = &inventory;
  const std::string cni = scenario.cluster.cni;
  in.host_source = [inv, cni](const kube::PodInfo& pod, net::Ipv4Address dst) {
    return host_source_without_routes(*inv, cni, pod, dst);
  };
  return in;
}

std::unique_ptr<ReachWorld> build_reach_world(load::Scenario scenario, load::Diagnostics& diags) {
  // The first steps of Cluster::build, in its order, so the pods are the same ones.
  auto w = std::make_unique<ReachWorld>();
  w->scenario = std::move(scenario);
  dns::add_coredns_addon(w->scenario.cluster, w->scenario.manifests);
  ingress::install_default_controllers(w->scenario.manifests, diags);
  w->inventory = kube::build_inventory(w->scenario.cluster, w->scenario.manifests, diags);
  if (diags.has_errors()) return nullptr;
  const std::string& cni = w->scenario.cluster.cni;
  if (!cni::check_supported(cni, w->scenario.cluster.proxy_mode, w->scenario.path, diags)) return nullptr;
  cni::warn_policy_effects(cni, w->scenario.manifests, w->inventory, diags);
  return w;
}

bool pair_allowed(const ReachInputs& in, const policy::PolicyIndex& index, const kube::PodInfo& src,
                  const kube::PodInfo& dst, const ReachPort& port, std::string* reason) {
  policy::Connection conn;
  conn.dst = destination_endpoint(dst, *in.inventory);
  conn.src = src.host_network && in.host_source ? in.host_source(src, conn.dst.ip) : policy::Endpoint{&src, src.ip, src.node};
  conn.protocol = port.protocol;
  conn.port = port.port;
  if (auto why = cni_drop_reason(in.cni, conn.src, port.protocol, port.port); !why.empty()) {
    if (reason) *reason = why;
    return false;
  }
  if (!cni_enforces_policy(in.cni)) {
    if (reason) *reason = "allowed: " + in.cni + " does not enforce NetworkPolicy";
    return true;
  }
  auto e = policy::evaluate(index, conn);
  if (reason) *reason = e.reason();
  return e.allowed;
}

std::vector<const kube::PodInfo*> reach_pods(const kube::Inventory& inventory, const ReachOptions& options) {
  std::vector<const kube::PodInfo*> pods;
  for (const auto& p : inventory.pods) {
    if (!options.namespace_.empty() ? p.namespace_ != options.namespace_
                                    : (!options.all_namespaces && p.namespace_ == "kube-system"))
      continue;
    pods.push_back(&p);
  }
  return pods;
}

}  // namespace packetwalk::model::query
