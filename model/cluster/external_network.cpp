#include "external_network.h"

namespace packetwalk::model::cluster {

using datapath::IfaceKind;
using datapath::NetnsKind;
using datapath::Route;

void allocate_load_balancer_ips(const load::ClusterSpec& spec, kube::ServiceState& services) {
  std::uint32_t next = 1;
  for (auto& svc : services.services) {
    if (svc.type != kube::ServiceType::LoadBalancer || !svc.load_balancer_ips.empty()) continue;
    if (next + 1 >= spec.load_balancer_pool.size()) break;  // pool exhausted: stays <pending>, as in a real cluster
    svc.load_balancer_ips.push_back(spec.load_balancer_pool.nth(next++));
  }
}

namespace {

// The node a load balancer sends a Service's traffic to. With externalTrafficPolicy Local the
// health check (healthCheckNodePort answers 200 only where a ready endpoint runs) rules out nodes
// without local endpoints; among healthy nodes the model picks the first by name.
const kube::NodeInfo* lb_target(const kube::ServiceInfo& svc, const kube::Inventory& inventory) {
  for (const auto& node : inventory.nodes) {
    if (!svc.external_traffic_policy_local) return &node;
    for (const auto& port : svc.ports) {
      for (const auto& ep : port.endpoints) {
        if (ep.node == node.name && ep.ready) return &node;
      }
    }
  }
  return nullptr;
}

}  // namespace

void build_external_network(const load::ClusterSpec& spec, const kube::Inventory& inventory,
                            const kube::ServiceState& services, cni::Placement& placement,
                            datapath::Topology& topology) {
  const sim::Time wire = sim::Time::us(50);
  const std::uint32_t outside = topology.add_segment("external-network", wire);
  const net::Ipv4Address gateway = spec.node_network.nth(1);

  auto router = topology.add_netns(NetnsKind::External, "external/router", "");
  topology.netns(router).sysctls.ip_forward = true;
  auto lo = topology.add_interface(router, "lo", IfaceKind::Loopback);
  topology.iface(lo).addresses.push_back(*net::Cidr::parse("127.0.0.1/8"));
  auto inside = topology.add_interface(router, "eth0", IfaceKind::Ethernet);
  topology.iface(inside).addresses.push_back(net::Cidr(gateway, spec.node_network.prefix_length()));
  topology.plug(inside, placement.underlay);
  auto out = topology.add_interface(router, "eth1", IfaceKind::Ethernet);
  topology.iface(out).addresses.push_back(net::Cidr(spec.external_network.nth(1), spec.external_network.prefix_length()));
  topology.plug(out, outside);
  auto& rt = topology.netns(router).routes;
  rt.add(Route{net::Cidr(spec.node_network.network(), spec.node_network.prefix_length()), std::nullopt, inside, false, true});
  rt.add(Route{net::Cidr(spec.external_network.network(), spec.external_network.prefix_length()), std::nullopt, out, false, true});
  for (const auto& svc : services.services) {
    const auto* node = lb_target(svc, inventory);
    if (!node) continue;  // no healthy node: the load balancer has nowhere to send it
    for (auto ip : svc.load_balancer_ips) rt.add(Route{net::Cidr::host(ip), node->internal_ip, inside});
  }
  placement.external_netns["router"] = router;

  for (const auto& host : spec.external_hosts) {
    auto ns = topology.add_netns(NetnsKind::External, "external/" + host.name, "");
    auto hlo = topology.add_interface(ns, "lo", IfaceKind::Loopback);
    topology.iface(hlo).addresses.push_back(*net::Cidr::parse("127.0.0.1/8"));
    auto eth = topology.add_interface(ns, "eth0", IfaceKind::Ethernet);
    topology.iface(eth).addresses.push_back(net::Cidr(host.ip, spec.external_network.prefix_length()));
    topology.plug(eth, outside);
    auto& routes = topology.netns(ns).routes;
    routes.add(Route{net::Cidr(spec.external_network.network(), spec.external_network.prefix_length()), std::nullopt, eth,
                     false, true, host.ip});
    routes.add(Route{net::Cidr(net::Ipv4Address(0), 0), spec.external_network.nth(1), eth});
    for (auto [proto, port] : host.listen) topology.netns(ns).listeners[{proto, port}] = datapath::Listener{host.name, "", ""};
    placement.external_netns[host.name] = ns;
  }

  // Nodes leave the cluster through the router (their default gateway).
  for (const auto& [name, ns] : placement.node_netns) {
    auto eth0 = topology.find_iface(ns, "eth0");
    if (eth0) topology.netns(ns).routes.add(Route{net::Cidr(net::Ipv4Address(0), 0), gateway, *eth0});
  }
}

}  // namespace packetwalk::model::cluster
