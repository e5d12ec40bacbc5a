// Cilium's devices and routes in tunnel mode (include/packetwalk/model/cni/cilium.h). The policy
// programs and Cilium's iptables live in cilium_policy.cpp.
#include "packetwalk/model/cni/cilium.h"

#include "node_setup.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>

namespace packetwalk::model::cni {

using detail::add_listeners;
using detail::add_loopback;

using datapath::IfaceId;
using datapath::IfaceKind;
using datapath::NetnsId;
using datapath::Route;

namespace {

// Cilium's VXLAN: the Linux default port 8472 (tunnel-port). Real Cilium writes the source
// endpoint's security identity into the VNI; the model keeps no identities on the wire and uses
// one fixed VNI for every packet.
constexpr std::uint32_t kCiliumVni = 2;
constexpr net::Port kCiliumVxlanPort = 8472;

struct NodeDevices {
  NetnsId ns;
  IfaceId vxlan;
};

}  // namespace

std::string cilium_lxc_name(const std::string& pod_namespace, const std::string& pod_name) {
  // pkg/datapath/connector Endpoint2IfName: "lxc" + hex(sha256(endpoint ID)) cut to
  // IFNAMSIZ - len("tmp") - 1 = 12 characters. The model hashes the pod's name for reproducibility.
  const std::string id = pod_namespace + "/" + pod_name;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  [[maybe_unused]] int ok = EVP_Digest(id.data(), id.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string out = "lxc";
  char buf[3];
  for (unsigned i = 0; i < 6 && i < length; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    out += buf;
  }
  return out;
}

net::Ipv4Address cilium_router_address(const kube::NodeInfo& node) { return node.pod_cidr.nth(1); }

Placement build_cilium_vxlan(const kube::Inventory& inventory, const NetworkConfig& config,
                             datapath::Topology& topology) {
  Placement placement;
  placement.underlay = topology.add_segment("node-network", config.wire_latency);
  const std::uint32_t tunnel_mtu = config.mtu - 50;  // outer IPv4 20 + UDP 8 + VXLAN 8 + Ethernet 14

  std::map<std::string, NodeDevices> nodes;
  for (const auto& node : inventory.nodes) {
    const auto [ns, eth0] = detail::add_node(topology, placement, node, config);

    // cilium_host (one end of the cilium_host/cilium_net veth pair; the model keeps the end that
    // holds the router address as a dummy device).
    IfaceId host = topology.add_interface(ns, "cilium_host", IfaceKind::Dummy);
    topology.iface(host).addresses.push_back(net::Cidr::host(cilium_router_address(node)));
    topology.iface(host).mtu = config.mtu;

    IfaceId vtep = topology.add_interface(ns, "cilium_vxlan", IfaceKind::Vxlan);
    auto& vx = topology.iface(vtep);
    vx.mtu = tunnel_mtu;
    vx.vni = kCiliumVni;
    vx.vxlan_port = kCiliumVxlanPort;
    vx.vxlan_local = node.internal_ip;

    topology.netns(ns).routes.add(Route{net::Cidr(config.node_network.network(), config.node_network.prefix_length()),
                                        std::nullopt, eth0, false, true, node.internal_ip});
    nodes[node.name] = NodeDevices{ns, vtep};
  }

  // A route per remote node's pod CIDR through the tunnel, sourced from the router address (as
  // Cilium's `src` on its cilium_host routes), with the FDB entry that names the remote node.
  for (const auto& node : inventory.nodes) {
    const NodeDevices& here = nodes[node.name];
    for (const auto& other : inventory.nodes) {
      if (other.name == node.name) continue;
      const NodeDevices& there = nodes[other.name];
      topology.netns(here.ns).routes.add(Route{net::Cidr(other.pod_cidr.network(), other.pod_cidr.prefix_length()),
                                               cilium_router_address(other), here.vxlan, true, false,
                                               cilium_router_address(node)});
      topology.iface(here.vxlan).fdb[topology.iface(there.vxlan).mac] = other.internal_ip;
    }
  }

  for (const auto& pod : inventory.pods) {
    const std::string key = pod.namespace_ + "/" + pod.name;
    auto node_it = nodes.find(pod.node);
    if (node_it == nodes.end()) continue;  // the scheduler reported it already
    const NodeDevices& host = node_it->second;
    if (pod.host_network) {
      placement.pod_netns[key] = host.ns;
      add_listeners(topology, host.ns, pod, true);
      continue;
    }
    const auto& node_info = *inventory.find_node(pod.node);
    NetnsId ns = topology.add_netns(datapath::NetnsKind::Pod, key, pod.node);
    placement.pod_netns[key] = ns;
    add_loopback(topology, ns);
    auto [eth0, lxc] =
        topology.add_veth(ns, "eth0", host.ns, cilium_lxc_name(pod.namespace_, pod.name), config.veth_latency);
    topology.iface(eth0).addresses.push_back(net::Cidr::host(pod.ip));
    topology.iface(eth0).mtu = tunnel_mtu;
    // bpf_lxc answers the pod's ARP requests for its gateway with the lxc device's MAC.
    topology.iface(lxc).proxy_arp = true;
    topology.iface(lxc).mtu = tunnel_mtu;
    const auto router = cilium_router_address(node_info);
    auto& routes = topology.netns(ns).routes;
    routes.add(Route{net::Cidr::host(router), std::nullopt, eth0, false, true, std::nullopt});
    routes.add(Route{net::Cidr(net::Ipv4Address(0), 0), router, eth0, false, false, std::nullopt});
    // The host sources its own packets for the pod from its InternalIP (the lxc device has no address).
    topology.netns(host.ns).routes.add(
        Route{net::Cidr::host(pod.ip), std::nullopt, lxc, false, true, node_info.internal_ip});
    add_listeners(topology, ns, pod, false);
  }
  return placement;
}

}  // namespace packetwalk::model::cni
