// Calico's routing datapath (VXLAN mode): what the CNI plugin and calico-node program per node.
// Felix's iptables live in calico_felix.cpp.
#include "packetwalk/model/cni/calico.h"

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

constexpr std::uint32_t kCalicoVni = 4096;
constexpr net::Port kCalicoVxlanPort = 4789;
// 169.254.1.1: the pods' gateway, an address that exists nowhere; the host veth answers ARP for it.
constexpr net::Ipv4Address kLinkLocalGateway = net::Ipv4Address::from_octets(169, 254, 1, 1);
constexpr std::uint64_t kHostVethMac = 0xeeeeeeeeeeeeull;

struct NodeDevices {
  NetnsId ns;
  IfaceId eth0, vtep;
};

}  // namespace

std::string calico_veth_name(const std::string& pod_namespace, const std::string& pod_name) {
  // libcalico-go VethNameForWorkload: "cali" + hex(sha1(namespace + "." + pod))[:11].
  const std::string id = pod_namespace + "." + pod_name;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  [[maybe_unused]] int ok = EVP_Digest(id.data(), id.size(), digest.data(), &length, EVP_sha1(), nullptr);
  std::string out = "cali";
  char buf[3];
  for (unsigned i = 0; out.size() < 15 && i < length; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    out += buf;
  }
  out.resize(15);
  return out;
}

net::Ipv4Address calico_tunnel_address(const kube::NodeInfo& node) { return node.pod_cidr.network(); }

Placement build_calico_vxlan(const kube::Inventory& inventory, const NetworkConfig& config,
                             datapath::Topology& topology) {
  Placement placement;
  placement.underlay = topology.add_segment("node-network", config.wire_latency);
  const std::uint32_t vxlan_mtu = config.mtu - 50;  // outer IPv4 20 + UDP 8 + VXLAN 8 + Ethernet 14

  std::map<std::string, NodeDevices> nodes;
  for (const auto& node : inventory.nodes) {
    const auto [ns, eth0] = detail::add_node(topology, placement, node, config);

    IfaceId vtep = topology.add_interface(ns, "vxlan.calico", IfaceKind::Vxlan);
    auto& vx = topology.iface(vtep);
    vx.addresses.push_back(net::Cidr::host(calico_tunnel_address(node)));
    vx.mtu = vxlan_mtu;
    vx.vni = kCalicoVni;
    vx.vxlan_port = kCalicoVxlanPort;
    vx.vxlan_local = node.internal_ip;

    topology.netns(ns).routes.add(Route{net::Cidr(config.node_network.network(), config.node_network.prefix_length()),
                                        std::nullopt, eth0, false, true, node.internal_ip});
    nodes[node.name] = NodeDevices{ns, eth0, vtep};
  }

  // Felix's VXLAN manager: a route per remote block through the remote tunnel address, with the
  // static neighbour and FDB entries that make it resolvable.
  for (const auto& node : inventory.nodes) {
    const NodeDevices& here = nodes[node.name];
    for (const auto& other : inventory.nodes) {
      if (other.name == node.name) continue;
      const NodeDevices& there = nodes[other.name];
      topology.netns(here.ns).routes.add(Route{net::Cidr(other.pod_cidr.network(), other.pod_cidr.prefix_length()),
                                               calico_tunnel_address(other), here.vtep, true, false, std::nullopt});
      topology.iface(here.vtep).fdb[topology.iface(there.vtep).mac] = other.internal_ip;
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
    NetnsId ns = topology.add_netns(datapath::NetnsKind::Pod, key, pod.node);
    placement.pod_netns[key] = ns;
    add_loopback(topology, ns);
    auto [eth0, host_side] =
        topology.add_veth(ns, "eth0", host.ns, calico_veth_name(pod.namespace_, pod.name), config.veth_latency);
    topology.iface(eth0).addresses.push_back(net::Cidr::host(pod.ip));
    topology.iface(eth0).mtu = vxlan_mtu;
    auto& cali = topology.iface(host_side);
    cali.proxy_arp = true;
    cali.mac = net::MacAddress{kHostVethMac};
    cali.mtu = vxlan_mtu;
    auto& routes = topology.netns(ns).routes;
    routes.add(Route{net::Cidr::host(kLinkLocalGateway), std::nullopt, eth0, false, true, std::nullopt});
    routes.add(Route{net::Cidr(net::Ipv4Address(0), 0), kLinkLocalGateway, eth0, false, false, std::nullopt});
    // The host veth has no address: the kernel sources host -> pod packets from the node's
    // address, which the model writes into the route as `src`.
    const auto& node_info = *inventory.find_node(pod.node);
    topology.netns(host.ns).routes.add(
        Route{net::Cidr::host(pod.ip), std::nullopt, host_side, false, true, node_info.internal_ip});
    add_listeners(topology, ns, pod, false);
  }
  return placement;
}

}  // namespace packetwalk::model::cni
