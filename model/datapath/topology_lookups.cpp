// The topology's address and neighbour lookups (topology.h): which device owns an address, what
// ARP would answer, which bridge port leads to a MAC. Answered from indexes rebuilt whenever a
// device may have changed, with the answers the interface-order scans they replace gave.
#include <algorithm>

#include "packetwalk/model/datapath/topology.h"

namespace packetwalk::model::datapath {

namespace {
// Sorted by key, the first entry of each key kept: stable, so the earliest in interface order.
template <class Key, class Value>
void sort_first_wins(std::vector<std::pair<Key, Value>>& v) {
  std::stable_sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  v.erase(std::unique(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.first == y.first; }), v.end());
}

template <class Key, class Value>
const Value* find_sorted(const std::vector<std::pair<Key, Value>>& v, const Key& k) {
  auto it = std::lower_bound(v.begin(), v.end(), k, [](const auto& e, const Key& x) { return e.first < x; });
  return it != v.end() && it->first == k ? &it->second : nullptr;
}

std::optional<net::MacAddress> owner_mac(const Interface& i, net::Ipv4Address a) {
  for (const auto& c : i.addresses) {
    if (c.address() == a) return i.mac;
  }
  return std::nullopt;
}
}  // namespace

void Topology::rebuild_lookups() const {
  Lookups l;
  l.local.resize(netns_.size());
  l.arp.resize(ifaces_.size());
  l.fdb.resize(ifaces_.size());
  for (const Netns& ns : netns_) {
    auto& local = l.local[ns.id];
    for (IfaceId id : ns.interfaces) {
      const Interface& i = ifaces_[id];
      for (const auto& c : i.addresses) local.emplace_back(c.address(), id);
      // A bridge port with a peer: the peer answers ARP for its addresses, and frames to its MAC
      // leave through the port.
      if (i.master != kNone && i.peer != kNone && ifaces_[i.master].netns == ns.id) {
        const Interface& peer = ifaces_[i.peer];
        for (const auto& c : peer.addresses) l.arp[i.master].emplace_back(c.address(), peer.mac);
        l.fdb[i.master].emplace_back(peer.mac, id);
      }
    }
    sort_first_wins(local);
  }
  for (const Interface& i : ifaces_) {
    if (i.kind == IfaceKind::Vxlan) l.vxlan.push_back(i.id);
    sort_first_wins(l.arp[i.id]);
    sort_first_wins(l.fdb[i.id]);
  }
  l.generation = generation_;
  lookups_ = std::move(l);
}

std::optional<IfaceId> Topology::iface_with_address(NetnsId ns, net::Ipv4Address a) const {
  const IfaceId* id = find_sorted(lookups().local[ns], a);
  return id ? std::optional<IfaceId>(*id) : std::nullopt;
}

std::optional<net::MacAddress> Topology::resolve_neighbour(IfaceId out, net::Ipv4Address next_hop) const {
  const Interface& o = ifaces_[out];
  // ARP on a bridge's L2 domain: the bridge itself, then the peers of its ports.
  auto on_bridge = [&](const Interface& bridge) -> std::optional<net::MacAddress> {
    if (auto m = owner_mac(bridge, next_hop)) return m;
    const net::MacAddress* m = find_sorted(lookups().arp[bridge.id], next_hop);
    return m ? std::optional<net::MacAddress>(*m) : std::nullopt;
  };
  switch (o.kind) {
    case IfaceKind::Loopback:
      return net::MacAddress{0};
    case IfaceKind::Veth: {
      // A veth's L2 domain is its peer, or the whole bridge when the peer is a bridge port.
      const Interface& p = ifaces_[o.peer];
      if (p.proxy_arp) return p.mac;  // e.g. Calico: the host answers for every address
      if (auto m = owner_mac(p, next_hop)) return m;
      if (p.master != kNone) return on_bridge(ifaces_[p.master]);
      return std::nullopt;
    }
    case IfaceKind::Bridge: {
      const net::MacAddress* m = find_sorted(lookups().arp[o.id], next_hop);
      return m ? std::optional<net::MacAddress>(*m) : std::nullopt;
    }
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
      for (IfaceId id : lookups().vxlan) {
        const Interface& other = ifaces_[id];
        if (other.id == out || other.vni != o.vni) continue;
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
  const IfaceId* port = find_sorted(lookups().fdb[bridge], mac);
  return port ? *port : kNone;
}

}  // namespace packetwalk::model::datapath
