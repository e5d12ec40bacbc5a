#include "packetwalk/model/datapath/topology.h"

#include <algorithm>
#include <stdexcept>

namespace packetwalk::model::datapath {

std::string_view iface_kind_name(IfaceKind k) {
  switch (k) {
    case IfaceKind::Loopback: return "loopback";
    case IfaceKind::Veth: return "veth";
    case IfaceKind::Bridge: return "bridge";
    case IfaceKind::Vxlan: return "vxlan";
    case IfaceKind::Ethernet: return "ethernet";
    case IfaceKind::Dummy: return "dummy";
  }
  return "?";
}

std::optional<net::Ipv4Address> Interface::primary_address() const {
  if (addresses.empty()) return std::nullopt;
  return addresses.front().address();
}

void RouteTable::add(Route r) { routes_.push_back(std::move(r)); }

const Route* RouteTable::lookup(net::Ipv4Address dst) const {
  const Route* best = nullptr;
  for (const auto& r : routes_) {
    if (!r.destination.contains(dst)) continue;
    if (!best || r.destination.prefix_length() > best->destination.prefix_length()) best = &r;
  }
  return best;
}

NetnsId Topology::add_netns(NetnsKind kind, std::string name, std::string node) {
  if (netns_by_name_.count(name)) throw std::logic_error("duplicate network namespace " + name);
  Netns ns;
  ns.id = static_cast<NetnsId>(netns_.size());
  ns.kind = kind;
  ns.name = std::move(name);
  ns.node = std::move(node);
  ns.name_text = text::SharedText::interned(ns.name);
  ns.node_text = text::SharedText::interned(ns.node);
  netns_by_name_.emplace(ns.name, ns.id);
  netns_.push_back(std::move(ns));
  return netns_.back().id;
}

IfaceId Topology::add_interface(NetnsId ns, std::string name, IfaceKind kind) {
  Interface i;
  i.id = static_cast<IfaceId>(ifaces_.size());
  i.netns = ns;
  i.name = std::move(name);
  i.name_text = text::SharedText::interned(i.name);
  i.kind = kind;
  i.mac = net::MacAddress{next_mac_++};
  if (kind == IfaceKind::Loopback) {
    i.mac = net::MacAddress{0};
    i.mtu = 65536;
  }
  ifaces_.push_back(std::move(i));
  netns_[ns].interfaces.push_back(ifaces_.back().id);
  return ifaces_.back().id;
}

std::pair<IfaceId, IfaceId> Topology::add_veth(NetnsId a, std::string a_name, NetnsId b, std::string b_name,
                                               sim::Time latency) {
  IfaceId x = add_interface(a, std::move(a_name), IfaceKind::Veth);
  IfaceId y = add_interface(b, std::move(b_name), IfaceKind::Veth);
  ifaces_[x].peer = y;
  ifaces_[y].peer = x;
  ifaces_[x].link_latency = latency;
  ifaces_[y].link_latency = latency;
  return {x, y};
}

std::uint32_t Topology::add_segment(std::string name, sim::Time latency) {
  segments_.push_back(Segment{std::move(name), {}, latency});
  return static_cast<std::uint32_t>(segments_.size() - 1);
}

void Topology::plug(IfaceId eth, std::uint32_t segment) {
  ifaces_[eth].segment = segment;
  ifaces_[eth].link_latency = segments_[segment].latency;
  segments_[segment].ports.push_back(eth);
}

std::optional<NetnsId> Topology::find_netns(std::string_view name) const {
  auto it = netns_by_name_.find(name);
  if (it == netns_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<IfaceId> Topology::find_iface(NetnsId ns, std::string_view name) const {
  for (IfaceId id : netns_[ns].interfaces) {
    if (ifaces_[id].name == name) return id;
  }
  return std::nullopt;
}

bool Topology::is_local_address(NetnsId ns, net::Ipv4Address a) const {
  if (a.is_loopback()) return true;  // 127.0.0.0/8 is local via lo's "local" route
  return iface_with_address(ns, a).has_value();
}

std::optional<IfaceId> Topology::iface_with_address(NetnsId ns, net::Ipv4Address a) const {
  for (IfaceId id : netns_[ns].interfaces) {
    const auto& addrs = ifaces_[id].addresses;
    if (ifaces_[id].sorted_host_addresses) {
      auto it = std::lower_bound(addrs.begin(), addrs.end(), a,
                                 [](const net::Cidr& c, net::Ipv4Address x) { return c.address() < x; });
      if (it != addrs.end() && it->address() == a) return id;
      continue;
    }
    for (const auto& c : addrs) {
      if (c.address() == a) return id;
    }
  }
  return std::nullopt;
}

namespace {
std::optional<net::MacAddress> owner_mac(const Interface& i, net::Ipv4Address a) {
  for (const auto& c : i.addresses) {
    if (c.address() == a) return i.mac;
  }
  return std::nullopt;
}
}  // namespace

std::optional<net::MacAddress> Topology::resolve_neighbour(IfaceId out, net::Ipv4Address next_hop) const {
  const Interface& o = ifaces_[out];
  switch (o.kind) {
    case IfaceKind::Loopback:
      return net::MacAddress{0};
    case IfaceKind::Veth: {
      // A veth's L2 domain is its peer, or the whole bridge when the peer is a bridge port.
      const Interface& p = ifaces_[o.peer];
      if (p.proxy_arp) return p.mac;  // e.g. Calico: the host answers for every address
      if (auto m = owner_mac(p, next_hop)) return m;
      if (p.master != kNone) {
        const Interface& bridge = ifaces_[p.master];
        if (auto m = owner_mac(bridge, next_hop)) return m;
        for (IfaceId port : netns_[bridge.netns].interfaces) {
          const Interface& q = ifaces_[port];
          if (q.master != bridge.id || q.peer == kNone) continue;
          if (auto m = owner_mac(ifaces_[q.peer], next_hop)) return m;
        }
      }
      return std::nullopt;
    }
    case IfaceKind::Bridge:
      for (IfaceId port : netns_[o.netns].interfaces) {
        const Interface& q = ifaces_[port];
        if (q.master != o.id || q.peer == kNone) continue;
        if (auto m = owner_mac(ifaces_[q.peer], next_hop)) return m;
      }
      return std::nullopt;
    case IfaceKind::Ethernet:
      if (o.segment == kNone) return std::nullopt;
      for (IfaceId port : segments_[o.segment].ports) {
        if (port == out) continue;
        if (auto m = owner_mac(ifaces_[port], next_hop)) return m;
      }
      return std::nullopt;
    case IfaceKind::Vxlan:
      // Flannel programs a permanent neighbour entry per remote VTEP: remote flannel.1 address
      // -> remote flannel.1 MAC. The builder stores those MACs in the FDB, keyed by MAC; find
      // the VTEP whose address is next_hop.
      for (const auto& other : ifaces_) {
        if (other.kind != IfaceKind::Vxlan || other.id == out || other.vni != o.vni) continue;
        if (!o.fdb.count(other.mac)) continue;
        if (auto m = owner_mac(other, next_hop)) return m;
        // An address-less tunnel device (Cilium's cilium_vxlan): the remote node is found by the
        // address its namespace owns (Cilium's tunnel map is keyed by the remote pod CIDR and
        // router address).
        if (other.addresses.empty() && is_local_address(other.netns, next_hop)) return other.mac;
      }
      return std::nullopt;
    case IfaceKind::Dummy:
      return std::nullopt;
  }
  return std::nullopt;
}

IfaceId Topology::bridge_port_for(IfaceId bridge, net::MacAddress mac) const {
  for (IfaceId port : netns_[ifaces_[bridge].netns].interfaces) {
    const Interface& q = ifaces_[port];
    if (q.master != bridge || q.peer == kNone) continue;
    if (ifaces_[q.peer].mac == mac) return port;
  }
  return kNone;
}

const text::SharedText& Topology::describe_route(const Route& r) const {
  auto cached = route_text_.find(r);
  if (cached != route_text_.end()) return cached->second;
  std::string out = r.destination.prefix_length() == 0 ? std::string("default") : r.destination.to_string();
  if (r.via) out += " via " + r.via->to_string();
  if (r.dev != kNone) out += " dev " + ifaces_[r.dev].name;
  if (r.scope_link) out += " scope link";
  if (r.preferred_source) out += " src " + r.preferred_source->to_string();
  if (r.onlink) out += " onlink";
  return route_text_.emplace(r, text::SharedText::interned(out)).first->second;
}

}  // namespace packetwalk::model::datapath
