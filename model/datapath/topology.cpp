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
  ++generation_;
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
  ++generation_;
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
  ++generation_;
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
