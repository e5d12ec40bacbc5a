#pragma once
// A packet's story as data: Trace -> Leg (one packet from its sender to where it ended) -> Hop
// (one thing that happened to it, at one time, in one network namespace). Renderers turn this
// into text, JSON, diagrams; nothing here is formatted for a person except `detail`, which holds
// the routing entry or rule exactly as `ip route` / `iptables-save` print it.
// Every enum value is documented in docs/trace-model.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/net/packet.h"
#include "packetwalk/model/trace/boxed_optional.h"
#include "packetwalk/model/trace/rule_hits.h"
#include "packetwalk/model/text/shared_text.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::trace {

enum class HopAction : std::uint8_t {
  Send,         // an application handed the packet to its network stack
  Route,        // a routing decision picked the next hop and output device
  Netfilter,    // a netfilter hook was walked (tables/chains/rules in `rules`)
  Dnat,         // destination rewritten (kube-proxy DNAT, or reply un-SNAT)
  Snat,         // source rewritten (MASQUERADE/SNAT, or reply un-DNAT)
  Transmit,     // left an interface onto its link
  Receive,      // arrived at an interface
  Bridge,       // the Linux bridge forwarded the frame between two ports
  Encapsulate,  // a VXLAN device wrapped the packet in outer IP/UDP headers
  Decapsulate,  // a VXLAN device removed them
  Deliver,      // handed to a local socket (listener or waiting client)
  Respond,      // the receiving socket answered (SYN-ACK, RST, reply datagram)
  Drop,         // the packet ended here; `drop_reason` says why
  Bpf,          // an eBPF program attached to the device with tc gave its verdict (Cilium's bpf_lxc)
};

enum class DropReason : std::uint8_t {
  None,
  NoRoute,             // no route to the destination (ICMP net unreachable to the sender)
  NoNeighbour,         // ARP got no answer for the next hop (host unreachable)
  NetfilterDrop,       // a rule's DROP target, or a DROP policy
  NetfilterReject,     // a rule's REJECT target (ICMP error sent back)
  NoListener,          // nothing listens on the port (TCP RST / ICMP port unreachable)
  TtlExceeded,         // TTL reached zero while forwarding
  MtuExceeded,         // larger than the device MTU with DF set
  ForwardingDisabled,  // net.ipv4.ip_forward = 0
  InterfaceDown,       // the device or its link is down
  ConntrackFull,       // nf_conntrack table full
  NoSocket,            // a reply reached a host with no matching connection
  Unclaimed,           // reached a host that is not the destination and does not forward
  LinkLoss,            // a netem qdisc's random loss on the output device (the linkLoss fault)
  PolicyDenied,        // an eBPF policy program dropped it (Cilium's DROP_POLICY, "Policy denied")
};

std::string_view action_name(HopAction a);   // "route", "netfilter", "dnat", ...
std::string_view drop_reason_name(DropReason r);

// The chain name and rule text are shared with the table's index, where each is rendered once:
// a hop copies references, not the text.
struct Hop {
  // Every member has its own initialiser. Saying so here keeps `Hop()` (a recorder's emplace_back)
  // from zero-filling the whole hop first, as value-initialisation of an aggregate does.
  Hop() noexcept {}  // NOLINT(modernize-use-equals-default): `= default` would bring the zero-fill back
  sim::Time time;
  // The place names are shared with the topology, which renders each once (a trace names the
  // same few namespaces and devices in every hop): a hop copies references, not characters.
  text::SharedText node;    // "node-1"; "" outside the cluster
  text::SharedText netns;   // "node-1" (root netns) or "default/web-app"
  text::SharedText iface;   // "eth0", "cni0", "flannel.1"; "" when not at a device
  HopAction action = HopAction::Send;
  net::Packet packet;                 // the packet after this hop's action
  BoxedOptional<net::Packet> before;  // the packet before it, when the hop changed headers (boxed: few hops have one)
  text::SharedText detail;            // route / rule / hook name as the tools print it (often shared)
  text::SharedText hook;              // "PREROUTING" etc. for netfilter hops (one shared copy per hook)
  RuleHits rules;                     // rules that matched, in walk order (shared: rule_hits.h)
  std::uint32_t rules_evaluated = 0;  // rules tested at this hook (the node's cost)
  std::uint32_t lookups = 0;          // set/map/IPVS table lookups at this hook (nftables, IPVS)
  DropReason drop_reason = DropReason::None;
};

struct Leg {
  std::string name;           // "SYN", "SYN-ACK", "ACK", "RST", "request", "reply", "ICMP port unreachable"
  std::uint64_t packet_id = 0;
  std::vector<Hop> hops;
};

enum class Disposition : std::uint8_t {
  Connected,    // TCP handshake completed / UDP request answered
  Refused,      // TCP RST or ICMP port unreachable came back
  Timeout,      // nothing came back: a silent drop on the way there or back
  Unreachable,  // ICMP host/net unreachable, or no route at the sender
};
std::string_view disposition_name(Disposition d);

struct Trace {
  Disposition disposition = Disposition::Timeout;
  std::string reason;  // one line: why this disposition (e.g. the deciding drop)
  std::vector<Leg> legs;
  std::uint32_t events = 0;  // simulator events executed for this probe
};

}  // namespace packetwalk::model::trace
