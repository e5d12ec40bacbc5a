#include "packetwalk/model/cni/flannel.h"

#include "node_setup.h"

#include <cstdio>

namespace packetwalk::model::cni {

using detail::add_listeners;
using detail::add_loopback;

using datapath::IfaceId;
using datapath::IfaceKind;
using datapath::NetnsId;
using datapath::Route;

namespace {

std::uint32_t fnv1a32(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

datapath::Rule comment_rule(const std::string& comment) {
  datapath::Rule r;
  r.modules.push_back(datapath::CommentMatch{comment});
  return r;
}

// flanneld's masquerade and forward rules (pkg/trafficmngr/iptables), in flanneld's order.
void add_flannel_iptables(datapath::Netfilter& nf, const net::Cidr& cluster, const net::Cidr& node_subnet) {
  using namespace datapath;
  const std::string masq = "flanneld masq";
  Rule jump = comment_rule(masq);
  jump.target = JumpTarget{"FLANNEL-POSTRTG"};
  nf.nat.append("POSTROUTING", jump);
  nf.nat.chain("FLANNEL-POSTRTG");

  Rule kube_marked = comment_rule(masq);
  kube_marked.modules.insert(kube_marked.modules.begin(), MarkMatch{0x4000, 0x4000, false});
  kube_marked.target = ReturnTarget{};
  nf.nat.append("FLANNEL-POSTRTG", kube_marked);

  Rule r1 = comment_rule(masq);
  r1.source = Negatable<net::Cidr>{node_subnet, false};
  r1.destination = Negatable<net::Cidr>{cluster, false};
  r1.target = ReturnTarget{};
  nf.nat.append("FLANNEL-POSTRTG", r1);

  Rule r2 = comment_rule(masq);
  r2.source = Negatable<net::Cidr>{cluster, false};
  r2.destination = Negatable<net::Cidr>{node_subnet, false};
  r2.target = ReturnTarget{};
  nf.nat.append("FLANNEL-POSTRTG", r2);

  Rule r3 = comment_rule(masq);
  r3.source = Negatable<net::Cidr>{cluster, true};
  r3.destination = Negatable<net::Cidr>{node_subnet, false};
  r3.target = ReturnTarget{};
  nf.nat.append("FLANNEL-POSTRTG", r3);

  Rule r4 = comment_rule(masq);
  r4.source = Negatable<net::Cidr>{cluster, false};
  r4.destination = Negatable<net::Cidr>{*net::Cidr::parse("224.0.0.0/4"), true};
  r4.target = MasqueradeTarget{true};
  nf.nat.append("FLANNEL-POSTRTG", r4);

  Rule r5 = comment_rule(masq);
  r5.source = Negatable<net::Cidr>{cluster, true};
  r5.destination = Negatable<net::Cidr>{cluster, false};
  r5.target = MasqueradeTarget{true};
  nf.nat.append("FLANNEL-POSTRTG", r5);

  const std::string fwd = "flanneld forward";
  Rule fj = comment_rule(fwd);
  fj.target = JumpTarget{"FLANNEL-FWD"};
  nf.filter.append("FORWARD", fj);
  nf.filter.chain("FLANNEL-FWD");
  Rule fa = comment_rule(fwd);
  fa.source = Negatable<net::Cidr>{cluster, false};
  fa.target = AcceptTarget{};
  nf.filter.append("FLANNEL-FWD", fa);
  Rule fb = comment_rule(fwd);
  fb.destination = Negatable<net::Cidr>{cluster, false};
  fb.target = AcceptTarget{};
  nf.filter.append("FLANNEL-FWD", fb);
}

struct NodeDevices {
  NetnsId ns;
  IfaceId eth0, cni0, vtep;
};

}  // namespace

std::string host_veth_name(const std::string& pod_namespace, const std::string& pod_name) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "veth%08x", fnv1a32(pod_namespace + "/" + pod_name));
  return buf;
}

Placement build_flannel_vxlan(const kube::Inventory& inventory, const NetworkConfig& config,
                              datapath::Topology& topology) {
  Placement placement;
  placement.underlay = topology.add_segment("node-network", config.wire_latency);
  const std::uint32_t vxlan_mtu = config.mtu - 50;  // outer IPv4 20 + UDP 8 + VXLAN 8 + Ethernet 14

  std::map<std::string, NodeDevices> nodes;
  for (const auto& node : inventory.nodes) {
    const auto [ns, eth0] = detail::add_node(topology, placement, node, config);
    topology.netns(ns).sysctls.bridge_nf_call_iptables = true;  // br_netfilter, loaded for the bridge

    IfaceId vtep = topology.add_interface(ns, "flannel.1", IfaceKind::Vxlan);
    auto& vx = topology.iface(vtep);
    vx.addresses.push_back(net::Cidr(node.pod_cidr.network(), 32));
    vx.mtu = vxlan_mtu;
    vx.vni = 1;
    vx.vxlan_port = 8472;
    vx.vxlan_local = node.internal_ip;

    IfaceId cni0 = topology.add_interface(ns, "cni0", IfaceKind::Bridge);
    topology.iface(cni0).addresses.push_back(net::Cidr(node.pod_cidr.nth(1), node.pod_cidr.prefix_length()));
    topology.iface(cni0).mtu = vxlan_mtu;

    topology.netns(ns).routes.add(Route{net::Cidr(config.node_network.network(), config.node_network.prefix_length()),
                                        std::nullopt, eth0, false, true, node.internal_ip});
    topology.netns(ns).routes.add(Route{net::Cidr(node.pod_cidr.network(), node.pod_cidr.prefix_length()),
                                        std::nullopt, cni0, false, true, node.pod_cidr.nth(1)});
    add_flannel_iptables(topology.netns(ns).netfilter, config.cluster_cidr,
                         net::Cidr(node.pod_cidr.network(), node.pod_cidr.prefix_length()));
    nodes[node.name] = NodeDevices{ns, eth0, cni0, vtep};
  }

  // Cross-node routes and the static VTEP entries flanneld programs for every other node.
  for (const auto& node : inventory.nodes) {
    const NodeDevices& here = nodes[node.name];
    for (const auto& other : inventory.nodes) {
      if (other.name == node.name) continue;
      const NodeDevices& there = nodes[other.name];
      topology.netns(here.ns).routes.add(Route{net::Cidr(other.pod_cidr.network(), other.pod_cidr.prefix_length()),
                                               other.pod_cidr.network(), here.vtep, true, false, std::nullopt});
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
        topology.add_veth(ns, "eth0", host.ns, host_veth_name(pod.namespace_, pod.name), config.veth_latency);
    const auto& node_info = *inventory.find_node(pod.node);
    topology.iface(eth0).addresses.push_back(net::Cidr(pod.ip, node_info.pod_cidr.prefix_length()));
    topology.iface(eth0).mtu = vxlan_mtu;
    topology.iface(host_side).master = host.cni0;
    topology.iface(host_side).hairpin = true;  // the bridge plugin sets hairpin_mode on every port
    topology.iface(host_side).mtu = vxlan_mtu;
    const net::Ipv4Address gateway = node_info.pod_cidr.nth(1);
    auto& routes = topology.netns(ns).routes;
    routes.add(Route{net::Cidr(node_info.pod_cidr.network(), node_info.pod_cidr.prefix_length()), std::nullopt, eth0,
                     false, true, pod.ip});
    routes.add(Route{net::Cidr(config.cluster_cidr.network(), config.cluster_cidr.prefix_length()), gateway, eth0,
                     false, false, std::nullopt});
    routes.add(Route{net::Cidr(net::Ipv4Address(0), 0), gateway, eth0, false, false, std::nullopt});
    add_listeners(topology, ns, pod, false);
  }
  return placement;
}

}  // namespace packetwalk::model::cni
