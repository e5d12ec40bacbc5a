#pragma once
// The datapath's static shape: network namespaces, their interfaces, addresses, routes and
// netfilter tables. Builders (CNI, kube-proxy) fill it; the packet engine reads it. Objects are
// referred to by index so that copies of a trace never hold pointers into a topology.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/datapath/conntrack.h"
#include "packetwalk/model/datapath/ipset.h"
#include "packetwalk/model/datapath/ipvs.h"
#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/datapath/netfilter_walk.h"
#include "packetwalk/model/datapath/nft.h"
#include "packetwalk/model/datapath/tc_program.h"
#include "packetwalk/model/net/ip.h"
#include "packetwalk/model/net/packet.h"
#include "packetwalk/model/text/shared_text.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::datapath {

using IfaceId = std::uint32_t;
using NetnsId = std::uint32_t;
inline constexpr std::uint32_t kNone = 0xffffffffu;

enum class IfaceKind : std::uint8_t { Loopback, Veth, Bridge, Vxlan, Ethernet, Dummy };
std::string_view iface_kind_name(IfaceKind k);

struct Interface {
  IfaceId id = kNone;
  NetnsId netns = kNone;
  std::string name;
  text::SharedText name_text;    // the same name, shared by every trace hop at this device (set with name)
  IfaceKind kind = IfaceKind::Ethernet;
  net::MacAddress mac;
  std::vector<net::Cidr> addresses;  // address with its prefix length, e.g. 10.244.0.1/24
  std::uint32_t mtu = 1500;
  bool up = true;
  IfaceId peer = kNone;          // veth: the other end
  IfaceId master = kNone;        // bridge port: its bridge
  bool hairpin = false;          // bridge port hairpin_mode
  bool proxy_arp = false;        // answers ARP for any address (Calico's host-side veths)
  std::uint32_t segment = kNone; // Ethernet: the L2 segment (underlay) it is plugged into
  sim::Time link_latency;        // one-way delay to the far end
  // A netem root qdisc on the device (`tc qdisc add dev eth0 root netem delay D loss P%`): every
  // frame it transmits waits `delay` more, and is lost with probability loss_percent / 100, drawn
  // from the probe's seeded random stream "netem/NETNS/DEV" (the linkDelay and linkLoss faults).
  struct Netem {
    sim::Time delay;
    double loss_percent = 0;
  } netem;
  // VXLAN device settings (Flannel: VNI 1, dstport 8472, no learning, static FDB).
  std::uint32_t vni = 0;
  net::Port vxlan_port = 0;
  net::Ipv4Address vxlan_local;  // source address of the outer header (the node's underlay IP)
  std::map<net::MacAddress, net::Ipv4Address> fdb;  // remote VTEP MAC -> remote node IP
  // eBPF programs attached with tc (tc_program.h); shared, as one program object serves a device
  // in every copy of the topology.
  std::shared_ptr<const TcProgram> tc_ingress, tc_egress;
  std::optional<net::Ipv4Address> primary_address() const;
};

struct Route {
  net::Cidr destination;
  std::optional<net::Ipv4Address> via;
  IfaceId dev = kNone;
  bool onlink = false;
  bool scope_link = false;
  std::optional<net::Ipv4Address> preferred_source;
  auto operator<=>(const Route&) const = default;
};

class RouteTable {
public:
  void add(Route r);
  // Longest-prefix match; among equal prefixes the first added wins (as `ip route` keeps order
  // of insertion for routes of equal metric).
  const Route* lookup(net::Ipv4Address dst) const;
  const std::vector<Route>& routes() const { return routes_; }

private:
  std::vector<Route> routes_;
};

// A listening socket, as a container declares it with containerPort.
struct Listener {
  std::string container;
  std::string port_name;
  std::string app;  // which application answers (query/application.h); "" = a plain echo server
};

struct Sysctls {
  bool ip_forward = false;
  bool bridge_nf_call_iptables = true;  // br_netfilter loaded: kube-proxy needs it
  bool route_localnet = false;
};

enum class NetnsKind : std::uint8_t { Node, Pod, External };

struct Netns {
  NetnsId id = kNone;
  NetnsKind kind = NetnsKind::Pod;
  std::string name;      // "node-1", "default/web-app"
  std::string node;      // the node it lives on ("" for external hosts)
  // The same two names, shared by every trace hop in this namespace (set with them: names never
  // change once created).
  text::SharedText name_text, node_text;
  std::vector<IfaceId> interfaces;
  RouteTable routes;
  Netfilter netfilter;
  Conntrack conntrack;
  RecentTable recent;
  Sysctls sysctls;
  std::map<std::pair<net::Protocol, net::Port>, Listener> listeners;
  IpSets ipsets;                        // name -> set (`-m set --match-set`)
  NftRuleset nft;                       // nftables tables (kube-proxy nftables mode); linked
  Ipvs ipvs;                            // IPVS virtual servers and connection state (IPVS mode)
  bool kube_proxy_running = true;
};

// An L2 segment (the node network): frames are delivered to the port owning the destination MAC.
struct Segment {
  std::string name;
  std::vector<IfaceId> ports;
  sim::Time latency;
  // The switches' MTU (IP bytes a frame may carry); 0: whatever the ports send. Switches do not
  // fragment or answer ICMP: a larger frame is lost on the wire (the underlayMtu fault).
  std::uint32_t mtu = 0;
};

class Topology {
public:
  NetnsId add_netns(NetnsKind kind, std::string name, std::string node);
  IfaceId add_interface(NetnsId ns, std::string name, IfaceKind kind);
  // Creates both ends of a veth pair; returns {first, second}.
  std::pair<IfaceId, IfaceId> add_veth(NetnsId a, std::string a_name, NetnsId b, std::string b_name, sim::Time latency);
  std::uint32_t add_segment(std::string name, sim::Time latency);
  void plug(IfaceId eth, std::uint32_t segment);

  Netns& netns(NetnsId id) { return netns_[id]; }
  const Netns& netns(NetnsId id) const { return netns_[id]; }
  // A device reached through this may be changed (its addresses, peer, bridge, MAC): the address
  // and neighbour lookups below are rebuilt before they next answer. So change a device right
  // after taking it, not after a lookup made since; and read through a const Topology where
  // nothing changes, as the packet engine does (a trace would otherwise rebuild them).
  Interface& iface(IfaceId id) {
    ++generation_;
    return ifaces_[id];
  }
  const Interface& iface(IfaceId id) const { return ifaces_[id]; }
  // Moves whenever a device may have changed (see iface()).
  std::uint64_t generation() const { return generation_; }
  const Segment& segment(std::uint32_t id) const { return segments_[id]; }
  Segment& segment(std::uint32_t id) { return segments_[id]; }
  const std::vector<Netns>& all_netns() const { return netns_; }
  const std::vector<Interface>& all_interfaces() const { return ifaces_; }

  std::optional<NetnsId> find_netns(std::string_view name) const;
  std::optional<IfaceId> find_iface(NetnsId ns, std::string_view name) const;
  bool is_local_address(NetnsId ns, net::Ipv4Address a) const;
  // The interface in `ns` that owns address `a`, if any.
  std::optional<IfaceId> iface_with_address(NetnsId ns, net::Ipv4Address a) const;
  // Neighbour resolution (what ARP would answer) for `next_hop` out of `out`: the MAC of the
  // interface on the same L2 domain that owns the address. nullopt = no ARP answer.
  std::optional<net::MacAddress> resolve_neighbour(IfaceId out, net::Ipv4Address next_hop) const;
  // Which bridge port leads to `mac` (the bridge FDB after learning); kNone if unknown.
  IfaceId bridge_port_for(IfaceId bridge, net::MacAddress mac) const;
  // "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink", rendered once per route and shared.
  const text::SharedText& describe_route(const Route& r) const;
  // Other texts a trace repeats packet after packet (a VXLAN device's encapsulation, a bridge's
  // forwarding), rendered once from what the key holds and shared like describe_route's. The key
  // must hold everything the text is rendered from.
  struct TextKey {
    std::uint8_t kind = 0;  // the caller's name for the kind of text
    std::uint32_t iface = 0;
    std::uint64_t a = 0, b = 0;
    auto operator<=>(const TextKey&) const = default;
  };
  template <class Render>
  const text::SharedText& memo_text(const TextKey& key, Render&& render) const {
    auto it = memo_text_.find(key);
    if (it == memo_text_.end()) it = memo_text_.emplace(key, text::SharedText::interned(render())).first;
    return it->second;
  }

private:
  // What a kernel answers from hash tables is indexed here too: which device of a namespace owns
  // an address (its "local" routing table), which bridge port's peer answers ARP for an address
  // (the neighbour table) and which port leads to a MAC (the bridge FDB). A node with a hundred
  // pods has a hundred veths on its bridge, and a trace asks these questions a few dozen times.
  // Each list keeps the first owner in interface order, as the scans it replaces did.
  struct Lookups {
    std::uint64_t generation = 0;  // generation_ when built
    std::vector<std::vector<std::pair<net::Ipv4Address, IfaceId>>> local;        // by NetnsId, by address
    std::vector<std::vector<std::pair<net::Ipv4Address, net::MacAddress>>> arp;  // by bridge IfaceId, by address
    std::vector<std::vector<std::pair<net::MacAddress, IfaceId>>> fdb;           // by bridge IfaceId, by MAC
    std::vector<IfaceId> vxlan;                                                  // VXLAN devices, by id
  };
  const Lookups& lookups() const {
    if (lookups_.generation != generation_) rebuild_lookups();
    return lookups_;
  }
  void rebuild_lookups() const;
  std::uint64_t generation_ = 1;
  mutable Lookups lookups_;

  std::vector<Netns> netns_;
  std::vector<Interface> ifaces_;
  std::vector<Segment> segments_;
  std::map<std::string, NetnsId, std::less<>> netns_by_name_;
  std::uint64_t next_mac_ = 0x0a5800000001ull;  // locally administered, deterministic
  // describe_route's texts: every routed hop of a trace names its route, and a topology has few
  // distinct routes. Interface names never change once created, so entries never go stale.
  mutable std::map<Route, text::SharedText> route_text_;
  mutable std::map<TextKey, text::SharedText> memo_text_;
};

}  // namespace packetwalk::model::datapath
