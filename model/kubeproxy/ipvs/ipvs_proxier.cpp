// The IPVS proxier's sync (syncProxyRules): per service port, the ipset entries, the virtual
// servers and their real servers, and the addresses bound to kube-ipvs0; then the iptables rules.

#include <algorithm>
#include <set>
#include <tuple>

#include "ipvs_internal.h"
#include "packetwalk/model/kubeproxy/chain_names.h"

namespace packetwalk::model::kubeproxy {

namespace {

using datapath::IpSet;
using datapath::IpSetType;
using datapath::IpvsRealServer;
using datapath::IpvsVirtualServer;
using namespace ipvsdetail;  // NOLINT: the set names

struct SetInfo {
  const std::string* name;
  IpSetType type;
  const char* comment;
};

// ipsetInfo, in upstream order.
const SetInfo kSets[] = {
    {&kLoopBackSet, IpSetType::HashIpPortIp, "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"},
    {&kClusterIPSet, IpSetType::HashIpPort, "Kubernetes service cluster ip + port for masquerade purpose"},
    {&kExternalIPSet, IpSetType::HashIpPort, "Kubernetes service external ip + port for masquerade and filter purpose"},
    {&kExternalIPLocalSet, IpSetType::HashIpPort, "Kubernetes service external ip + port with externalTrafficPolicy=local"},
    {&kLoadBalancerSet, IpSetType::HashIpPort, "Kubernetes service lb portal"},
    {&kLoadBalancerFWSet, IpSetType::HashIpPort, "Kubernetes service load balancer ip + port for load balancer with sourceRange"},
    {&kLoadBalancerLocalSet, IpSetType::HashIpPort, "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"},
    {&kLoadBalancerSourceIPSet, IpSetType::HashIpPortIp, "Kubernetes service load balancer ip + port + source IP for packet filter purpose"},
    {&kLoadBalancerSourceCIDRSet, IpSetType::HashIpPortNet, "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"},
    {&kNodePortTCPSet, IpSetType::BitmapPort, "Kubernetes nodeport TCP port for masquerade purpose"},
    {&kNodePortLocalTCPSet, IpSetType::BitmapPort, "Kubernetes nodeport TCP port with externalTrafficPolicy=local"},
    {&kNodePortUDPSet, IpSetType::BitmapPort, "Kubernetes nodeport UDP port for masquerade purpose"},
    {&kNodePortLocalUDPSet, IpSetType::BitmapPort, "Kubernetes nodeport UDP port with externalTrafficPolicy=local"},
    {&kNodePortSCTPSet, IpSetType::HashIpPort, "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"},
    {&kNodePortLocalSCTPSet, IpSetType::HashIpPort, "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"},
    {&kHealthCheckNodePortSet, IpSetType::BitmapPort, "Kubernetes health check node port"},
    {&kIPVSSet, IpSetType::HashIp, "Addresses on the ipvs interface"},
};

// syncEndpoint: which endpoints become real servers of a virtual server.
std::vector<IpvsRealServer> real_servers(const EndpointCategories& cats, bool only_node_local) {
  const auto& chosen = (only_node_local && !cats.local.empty()) ? cats.local : cats.cluster;
  std::vector<IpvsRealServer> out;
  for (const auto* e : chosen) out.push_back(IpvsRealServer{e->ip, static_cast<net::Port>(e->port), 1});
  return out;
}

}  // namespace

const std::vector<std::string>& ipvs_ipset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& s : kSets) v.push_back(*s.name);
    return v;
  }();
  return names;
}

void program_ipvs(const kube::ServiceState& services, const ProxyNode& node, const ProxyConfig& config,
                  datapath::Topology& topology, datapath::NetnsId node_ns) {
  using namespace ipvsdetail;  // NOLINT: the set names
  datapath::Netns& ns = topology.netns(node_ns);
  for (const auto& s : kSets) ns.ipsets[*s.name] = IpSet(s.type, s.comment);
  auto& sets = ns.ipsets;

  // The node's own addresses (every interface but kube-ipvs0 and lo) carry the NodePorts.
  std::vector<net::Ipv4Address> node_ips;
  for (auto id : ns.interfaces) {
    const auto& i = topology.iface(id);
    if (i.name == kIpvsDummyDevice || i.kind == datapath::IfaceKind::Loopback) continue;
    for (const auto& c : i.addresses) node_ips.push_back(c.address());
  }
  std::sort(node_ips.begin(), node_ips.end());
  auto is_node_ip = [&](net::Ipv4Address a) { return std::binary_search(node_ips.begin(), node_ips.end(), a); };

  std::vector<std::pair<std::string, const kube::ServiceInfo*>> order;
  for (const auto& s : services.services)
    if (s.cluster_ip) order.emplace_back(s.namespace_ + "/" + s.name, &s);
  std::sort(order.begin(), order.end());

  std::vector<IpvsVirtualServer> virtual_servers;
  std::set<net::Ipv4Address> bound;  // addresses for kube-ipvs0
  for (const auto& [key, svc] : order) {
    for (const auto& port : svc->ports) {
      const auto cats = categorize_endpoints(*svc, port, node.name);
      const net::Protocol proto = port.protocol;
      // svc captured by name: clang before 16 cannot capture a structured binding implicitly.
      auto vs_for = [&, svc = svc](net::Ipv4Address a, int p, bool only_local) {
        IpvsVirtualServer vs;
        vs.protocol = proto;
        vs.address = a;
        vs.port = static_cast<net::Port>(p);
        vs.persistent = svc->session_affinity_client_ip;
        vs.timeout_seconds = vs.persistent ? static_cast<std::uint32_t>(svc->affinity_timeout_seconds) : 0;
        vs.real_servers = real_servers(cats, only_local);
        virtual_servers.push_back(std::move(vs));
      };
      // Hairpin: local endpoints reaching themselves through the Service get masqueraded.
      for (const auto& e : port.endpoints)
        if (!node.name.empty() && e.node == node.name)
          sets[kLoopBackSet].add_ip_port_ip(e.ip, proto, static_cast<net::Port>(e.port), e.ip);

      sets[kClusterIPSet].add_ip_port(*svc->cluster_ip, proto, static_cast<net::Port>(port.port));
      vs_for(*svc->cluster_ip, port.port, svc->internal_traffic_policy_local);
      bound.insert(*svc->cluster_ip);

      for (auto ip : svc->external_ips) {
        sets[svc->external_traffic_policy_local ? kExternalIPLocalSet : kExternalIPSet].add_ip_port(
            ip, proto, static_cast<net::Port>(port.port));
        vs_for(ip, port.port, svc->external_traffic_policy_local);
        if (!is_node_ip(ip)) bound.insert(ip);  // never bind an address another interface has
      }
      for (auto ip : svc->load_balancer_ips) {
        sets[kLoadBalancerSet].add_ip_port(ip, proto, static_cast<net::Port>(port.port));
        if (svc->external_traffic_policy_local)
          sets[kLoadBalancerLocalSet].add_ip_port(ip, proto, static_cast<net::Port>(port.port));
        if (!svc->load_balancer_source_ranges.empty()) {
          sets[kLoadBalancerFWSet].add_ip_port(ip, proto, static_cast<net::Port>(port.port));
          bool allow_from_node = false;
          for (const auto& c : svc->load_balancer_source_ranges) {
            sets[kLoadBalancerSourceCIDRSet].add(datapath::IpSetEntry{ip, proto, static_cast<net::Port>(port.port),
                                                                       c.network(), static_cast<std::uint8_t>(c.prefix_length())});
            if (node.ip && c.contains(*node.ip)) allow_from_node = true;
          }
          if (allow_from_node)
            sets[kLoadBalancerSourceIPSet].add_ip_port_ip(ip, proto, static_cast<net::Port>(port.port), ip);
        }
        vs_for(ip, port.port, svc->external_traffic_policy_local);
        bound.insert(ip);
      }
      if (port.node_port != 0) {
        const auto np = static_cast<net::Port>(port.node_port);
        const bool local = svc->external_traffic_policy_local;
        switch (proto) {
          case net::Protocol::Tcp:
            sets[kNodePortTCPSet].add_port(np);
            if (local) sets[kNodePortLocalTCPSet].add_port(np);
            break;
          case net::Protocol::Udp:
            sets[kNodePortUDPSet].add_port(np);
            if (local) sets[kNodePortLocalUDPSet].add_port(np);
            break;
          default:
            for (auto ip : node_ips) {
              sets[kNodePortSCTPSet].add_ip_port(ip, proto, np);
              if (local) sets[kNodePortLocalSCTPSet].add_ip_port(ip, proto, np);
            }
        }
        for (auto ip : node_ips) vs_for(ip, port.node_port, local);
      }
    }
    if (svc->health_check_node_port != 0)
      sets[kHealthCheckNodePortSet].add_port(static_cast<net::Port>(svc->health_check_node_port));
  }
  for (auto a : bound) sets[kIPVSSet].add_ip(a);
  ns.ipvs.assign(std::move(virtual_servers));

  // kube-ipvs0: a dummy device (down, NOARP) whose addresses only make the VIPs local.
  auto dummy = topology.find_iface(node_ns, kIpvsDummyDevice);
  if (!dummy) dummy = topology.add_interface(node_ns, kIpvsDummyDevice, datapath::IfaceKind::Dummy);
  auto& dev = topology.iface(*dummy);
  dev.addresses.clear();
  for (auto a : bound) dev.addresses.push_back(net::Cidr::host(a));  // std::set order: sorted
  dev.up = false;

  ipvsdetail::SyncContext ctx{config, ns.netfilter, sets, std::uint32_t{1} << config.masquerade_bit};
  ipvsdetail::write_iptables(ctx);
}

}  // namespace packetwalk::model::kubeproxy
