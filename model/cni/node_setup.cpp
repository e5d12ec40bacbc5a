#include "node_setup.h"

namespace packetwalk::model::cni::detail {

void add_loopback(datapath::Topology& t, datapath::NetnsId ns) {
  auto lo = t.add_interface(ns, "lo", datapath::IfaceKind::Loopback);
  t.iface(lo).addresses.push_back(*net::Cidr::parse("127.0.0.1/8"));
}

void add_listeners(datapath::Topology& t, datapath::NetnsId ns, const kube::PodInfo& pod, bool host_network) {
  const std::string key = pod.namespace_ + "/" + pod.name;
  for (const auto& c : pod.containers) {
    for (const auto& port : c.ports) {
      t.netns(ns).listeners[{port.protocol, static_cast<net::Port>(port.container_port)}] =
          datapath::Listener{host_network ? key + "/" + c.name : c.name, port.name, {}};
    }
  }
}

NodeUplink add_node(datapath::Topology& t, Placement& placement, const kube::NodeInfo& node,
                    const NetworkConfig& config) {
  const auto ns = t.add_netns(datapath::NetnsKind::Node, node.name, node.name);
  placement.node_netns[node.name] = ns;
  t.netns(ns).sysctls.ip_forward = true;
  add_loopback(t, ns);
  const auto eth0 = t.add_interface(ns, "eth0", datapath::IfaceKind::Ethernet);
  t.iface(eth0).addresses.push_back(net::Cidr(node.internal_ip, config.node_network.prefix_length()));
  t.iface(eth0).mtu = config.mtu;
  t.plug(eth0, placement.underlay);
  return {ns, eth0};
}

}  // namespace packetwalk::model::cni::detail
