#include "packetwalk/model/cluster/cluster.h"

#include "external_network.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"

namespace packetwalk::model::cluster {

std::unique_ptr<Cluster> Cluster::build(const load::Scenario& scenario, load::Diagnostics& diags) {
  std::unique_ptr<Cluster> c(new Cluster());
  c->scenario_ = scenario;
  c->inventory_ = kube::build_inventory(scenario.cluster, scenario.manifests, diags);
  if (diags.has_errors()) return nullptr;

  if (scenario.cluster.cni != "flannel") {
    diags.error({scenario.path, 0, 0}, "", "cni \"" + scenario.cluster.cni + "\" is not supported yet (supported: flannel)");
    return nullptr;
  }
  cni::NetworkConfig net;
  net.cluster_cidr = scenario.cluster.pod_cidr;
  net.node_network = scenario.cluster.node_network;
  net.mtu = static_cast<std::uint32_t>(scenario.cluster.mtu);
  c->placement_ = cni::build_flannel_vxlan(c->inventory_, net, c->topology_);

  c->services_ = kube::build_service_state(scenario.cluster, scenario.manifests, c->inventory_, diags);
  if (diags.has_errors()) return nullptr;
  allocate_load_balancer_ips(scenario.cluster, c->services_);
  build_external_network(scenario.cluster, c->inventory_, c->services_, c->placement_, c->topology_);
  if (scenario.cluster.proxy_mode == "iptables") {
    kubeproxy::ProxyConfig proxy;
    proxy.cluster_cidr = scenario.cluster.pod_cidr;
    for (const auto& node : c->inventory_.nodes) {
      auto& ns = c->topology_.netns(c->placement_.node_netns.at(node.name));
      kubeproxy::program_iptables(c->services_, node, proxy, ns.netfilter);
    }
  } else {
    diags.error({scenario.path, 0, 0}, "",
                "proxyMode \"" + scenario.cluster.proxy_mode + "\" is not supported yet (supported: iptables)");
    return nullptr;
  }
  return c;
}

std::optional<datapath::NetnsId> Cluster::pod_netns(std::string_view ns, std::string_view name) const {
  auto it = placement_.pod_netns.find(std::string(ns) + "/" + std::string(name));
  if (it == placement_.pod_netns.end()) return std::nullopt;
  return it->second;
}

std::optional<datapath::NetnsId> Cluster::node_netns(std::string_view node) const {
  auto it = placement_.node_netns.find(std::string(node));
  if (it == placement_.node_netns.end()) return std::nullopt;
  return it->second;
}

}  // namespace packetwalk::model::cluster
