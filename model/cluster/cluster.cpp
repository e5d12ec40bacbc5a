#include "packetwalk/model/cluster/cluster.h"

#include "external_network.h"
#include "faults.h"
#include "packetwalk/model/cni/calico.h"
#include "packetwalk/model/cni/cilium.h"
#include "packetwalk/model/cni/cni.h"
#include "packetwalk/model/policy/admin.h"
#include "packetwalk/model/ingress/controller.h"
#include "packetwalk/model/ingress/runtime.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"
#include "packetwalk/model/kubeproxy/ipvs_proxier.h"
#include "packetwalk/model/kubeproxy/nftables_proxier.h"

namespace packetwalk::model::cluster {

std::unique_ptr<Cluster> Cluster::build(const load::Scenario& scenario, load::Diagnostics& diags) {
  std::unique_ptr<Cluster> c(new Cluster());
  c->scenario_ = scenario;
  // kubeadm's CoreDNS joins the manifests: its pods and Service go through everything below.
  dns::add_coredns_addon(c->scenario_.cluster, c->scenario_.manifests);
  // coreDnsDown scales that Deployment to zero, before anything is placed or proxied.
  apply_manifest_faults(c->scenario_, c->scenario_.manifests, diags);
  // Ingresses without a controller get ingress-nginx, Gateways their data plane, as objects: the
  // steps below place, address and proxy them like any other workload.
  c->installed_ = ingress::install_default_controllers(c->scenario_.manifests, diags);
  c->inventory_ = kube::build_inventory(c->scenario_.cluster, c->scenario_.manifests, diags);
  if (diags.has_errors()) return nullptr;

  const std::string& cni_name = scenario.cluster.cni;
  if (!cni::check_supported(cni_name, scenario.cluster.proxy_mode, scenario.path, diags)) return nullptr;
  cni::NetworkConfig net;
  net.cluster_cidr = scenario.cluster.pod_cidr;
  net.node_network = scenario.cluster.node_network;
  net.mtu = static_cast<std::uint32_t>(scenario.cluster.mtu);
  if (cni_name == "calico") {
    c->placement_ = cni::build_calico_vxlan(c->inventory_, net, c->topology_);
  } else if (cni_name == "cilium") {
    c->placement_ = cni::build_cilium_vxlan(c->inventory_, net, c->topology_);
  } else {
    c->placement_ = cni::build_flannel_vxlan(c->inventory_, net, c->topology_);
  }
  cni::warn_policy_effects(cni_name, c->scenario_.manifests, c->inventory_, diags);
  policy::warn_equal_priorities(c->scenario_.manifests.admin_policies, diags);

  c->services_ = kube::build_service_state(scenario.cluster, c->scenario_.manifests, c->inventory_, diags);
  if (diags.has_errors()) return nullptr;
  allocate_load_balancer_ips(scenario.cluster, c->services_);
  build_external_network(scenario.cluster, c->inventory_, c->services_, c->placement_, c->topology_);
  const std::string& mode = scenario.cluster.proxy_mode;
  if (mode != "iptables" && mode != "nftables" && mode != "ipvs") {
    diags.error({scenario.path, 0, 0}, "",
                "proxyMode \"" + mode + "\" is not supported (supported: iptables, nftables, ipvs)");
    return nullptr;
  }
  kubeproxy::ProxyConfig proxy;
  proxy.cluster_cidr = scenario.cluster.pod_cidr;
  for (const auto& node : c->inventory_.nodes) {
    const auto ns_id = c->placement_.node_netns.at(node.name);
    auto& ns = c->topology_.netns(ns_id);
    const kubeproxy::ProxyNode proxy_node{node.name, node.internal_ip};
    if (mode == "iptables") {
      kubeproxy::program_iptables(c->services_, node, proxy, ns.netfilter);
    } else if (mode == "nftables") {
      kubeproxy::program_nftables(c->services_, proxy_node, proxy, {scenario.cluster.service_cidr}, ns.nft);
    } else {
      kubeproxy::program_ipvs(c->services_, proxy_node, proxy, c->topology_, ns_id);
    }
  }
  if (cni_name == "calico") {
    cni::program_felix_iptables(c->scenario_.manifests.network_policies, c->inventory_, c->placement_,
                                scenario.cluster.pod_cidr, c->topology_, &c->scenario_.manifests.admin_policies);
  } else if (cni_name == "cilium") {
    cni::program_cilium(c->scenario_.manifests.network_policies, c->inventory_, c->placement_, scenario.cluster.pod_cidr,
                        c->topology_);
  }
  // The scenario's planted faults (faults.h) change what the CNI and kube-proxy just programmed.
  apply_faults(c->scenario_, c->inventory_, c->services_, c->placement_, c->topology_, diags);
  if (diags.has_errors()) return nullptr;
  c->dns_ = dns::ClusterDns::build(c->scenario_.cluster, c->scenario_.manifests, c->inventory_, c->services_, diags);
  c->dns_->set_answer_delay(coredns_answer_delay(c->scenario_, diags));
  if (diags.has_errors()) return nullptr;
  c->dns_->assign_applications(c->placement_, c->topology_, c->applications_);
  c->ingress_ = ingress::IngressRuntime::build(c->scenario_.manifests, c->inventory_, c->services_, c->placement_,
                                               c->topology_, scenario.cluster.seed, diags);
  c->ingress_->register_apps(c->applications_);
  return c;
}

Cluster::~Cluster() = default;

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
