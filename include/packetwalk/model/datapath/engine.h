#pragma once
// The packet engine: moves packets through a Topology the way the Linux network stack does
// (receive -> PREROUTING -> routing -> INPUT | FORWARD -> POSTROUTING -> neighbour -> transmit),
// with the Linux bridge (and br_netfilter), VXLAN, conntrack and NAT. Each crossing of a link is
// an event on the simulator; work inside one namespace advances the packet's clock by the cost
// model below. Every stage fires `hop_hook`; the engine formats nothing.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/trace/recorder.h"
#include "packetwalk/model/trace/trace.h"
#include "packetwalk/sim/hook.h"
#include "packetwalk/sim/random.h"
#include "packetwalk/sim/simulator.h"

namespace packetwalk::model::datapath {

// Cost model (see docs/cost-model.md for where the numbers come from).
struct EngineCosts {
  sim::Time stack_pass = sim::Time::ns(1000);     // one pass through a namespace's IP stack
  sim::Time per_rule = sim::Time::ns(25);         // one iptables or nftables rule tested (linear walk)
  sim::Time per_lookup = sim::Time::ns(40);       // one nftables set / verdict-map lookup (hash)
  sim::Time ipvs_lookup = sim::Time::ns(100);     // IPVS: virtual-server and connection-table lookups
  sim::Time ipvs_schedule = sim::Time::ns(150);   // IPVS: scheduling a new connection (rr + ip_vs_conn)
  sim::Time bridge_forward = sim::Time::ns(500);  // one Linux bridge FDB forward
  sim::Time vxlan = sim::Time::ns(2000);          // VXLAN encapsulation or decapsulation
  sim::Time socket = sim::Time::ns(5000);         // application turnaround (accept, answer)
  sim::Time arp_timeout = sim::Time::s(3);        // neigh: mcast_solicit 3 x retrans_time_ms 1000
};

// A packet reaching a socket layer: who got it and when.
struct LocalDelivery {
  NetnsId netns = kNone;
  net::Packet packet;
  sim::Time time;
};

class PacketEngine {
public:
  PacketEngine(Topology& topology, sim::Simulator& simulator, sim::RandomStreams& random, EngineCosts costs = {});

  // Observers. hop_hook sees every hop in time order; deliver is called when a packet reaches a
  // local socket (after INPUT), and must decide what the socket does with it.
  sim::Hook<const trace::Hop&> hop_hook;
  // The probe's own recorder, if any: hops are built in its storage (open_hop), so recording a
  // trace costs no copy or move of a hop (a probe records dozens per packet).
  void record_into(trace::Recorder* recorder) { recorder_ = recorder; }
  // Where the engine keeps each netns's "kube-proxy/<netns>" stream once looked up. By default its
  // own; a caller that makes an engine per probe over one RandomStreams (query::ProbeRunner) passes
  // one cache kept beside those streams, so the lookups happen once, not once per probe.
  void share_proxy_random(std::vector<sim::RandomStream*>* cache) { proxy_random_ = cache ? cache : &own_proxy_random_; }
  std::function<void(const LocalDelivery&)> deliver;

  // An application in `netns` sends `packet` at time `at` (>= simulator.now()). An unspecified
  // source address is chosen by routing, as the kernel does for an unbound socket.
  // Returns false when the stack refused it at once (no route: ENETUNREACH).
  bool send(NetnsId netns, net::Packet packet, sim::Time at);
  // Sends an ICMP error about `offending` from `netns` back to its source.
  void send_icmp_error(NetnsId netns, const net::Packet& offending, net::IcmpKind kind, sim::Time at);

  // Hands a finished hop to the observers and the recorder.
  void publish(trace::Hop&& hop);
  // The same, for a hop built in place (no copy or move of the hop): open_hop returns the
  // recorder's new hop for packet `packet_id` (a scratch hop when nothing records) with its place
  // and action filled in; the caller fills the rest, its packet carrying that id, and calls
  // close_hop, which fires the observers. Nothing may emit a hop between the two.
  trace::Hop& open_hop(std::uint64_t packet_id, NetnsId ns, IfaceId iface, trace::HopAction action, sim::Time t);
  void close_hop(trace::Hop& hop);
  // Records a hop (used by the socket layer for deliveries and answers).
  void emit(trace::HopAction action, NetnsId ns, IfaceId iface, const net::Packet& p, sim::Time t,
            text::SharedText detail = {});
  void emit_drop(NetnsId ns, IfaceId iface, const net::Packet& p, sim::Time t, trace::DropReason why,
                 text::SharedText detail);

  std::uint64_t new_packet_id() { return next_packet_id_++; }
  const Topology& topology() const { return topology_; }
  const EngineCosts& costs() const { return costs_; }

  struct Pass;  // engine-internal: one packet's traversal of one namespace (engine_pass.h)

private:
  void receive(IfaceId in, net::Packet p, sim::Time t);
  void bridge_input(IfaceId port, net::Packet p, sim::Time t);
  void ip_receive(NetnsId ns, IfaceId in, net::Packet p, sim::Time t, bool already_prerouted);
  void local_in(Pass& pass, net::Packet p, sim::Time t);
  void forward(Pass& pass, const Route& route, net::Packet p, sim::Time t);
  bool local_out(NetnsId ns, net::Packet p, sim::Time t);
  void post_routing(Pass& pass, const Route& route, net::Packet p, sim::Time t);
  void neighbour_output(NetnsId ns, const Route& route, net::Packet p, sim::Time t, bool forwarded);
  void transmit(IfaceId out, net::Packet p, sim::Time t);
  void vxlan_transmit(IfaceId vxlan, net::Packet p, sim::Time t);
  // The output device's netem qdisc (Interface::netem): false when it lost the frame (drop hop
  // emitted); otherwise `t` moves past its delay.
  bool netem(IfaceId out, const net::Packet& p, sim::Time& t);
  // A tc program's verdict (tc_program.h) as a `bpf` hop; false when it dropped the packet
  // (policy-denied drop hop emitted, an unconfirmed conntrack entry forgotten).
  bool run_tc(Pass& pass, IfaceId dev, const TcProgram& program, const net::Packet& p, sim::Time t);
  static std::string netem_note(const Interface& o);

  // Netfilter + conntrack at one hook. Returns false if the packet was dropped (drop hop emitted).
  bool run_hook(Pass& pass, NfHook hook, net::Packet& p, sim::Time& t, const std::string& out_iface);
  void conntrack_in(Pass& pass, net::Packet& p, sim::Time t);
  void apply_established_nat(Pass& pass, NfHook hook, net::Packet& p, sim::Time t);
  bool walk(Pass& pass, NfTableKind table, NfHook hook, net::Packet& p, sim::Time& t, const std::string& out_iface);
  // nftables base chains at `hook` with lo <= priority < hi, in priority order (engine_nft.cpp).
  bool run_nft(Pass& pass, NfHook hook, int lo, int hi, net::Packet& p, sim::Time& t, const std::string& out_iface);
  bool walk_nft(Pass& pass, const NftHookEntry& entry, net::Packet& p, sim::Time& t, const std::string& out_iface);
  // IPVS (engine_ipvs.cpp): at LOCAL_IN a packet for a virtual server is translated and sent on
  // (true: IPVS took it); at FORWARD replies get the virtual address back.
  bool ipvs_local_in(Pass& pass, net::Packet& p, sim::Time t);
  void ipvs_forward_out(Pass& pass, net::Packet& p, sim::Time t);
  // What a walk decided, applied by one routine for iptables and nftables alike.
  struct Decision;
  // `hook` is where the walk ran (a NAT hop is reported there); `mark_before` is the packet's mark
  // before the walk, the only field a walk changes.
  bool apply_decision(Pass& pass, NfHook hook, std::uint32_t mark_before, const Decision& d,
                      net::Packet& p, sim::Time t, const std::string& out_iface);
  sim::RandomStream& proxy_random(NetnsId ns);  // the node's "kube-proxy/<netns>" stream
  // The engine only reads devices, through a const topology: a non-const Topology::iface() counts
  // as changing the device, and would have the topology rebuild its address lookups.
  const Interface& device(IfaceId id) const { return std::as_const(topology_).iface(id); }

  Topology& topology_;
  sim::Simulator& simulator_;
  sim::RandomStreams& random_;
  EngineCosts costs_;
  std::uint64_t next_packet_id_ = 1;
  trace::Recorder* recorder_ = nullptr;
  trace::Hop scratch_hop_;  // open_hop's hop when there is no recorder
  WalkResult walk_result_;  // walk()'s, kept so its matched-rule list is allocated once
  std::vector<sim::RandomStream*> own_proxy_random_;  // by netns, looked up once per engine
  std::vector<sim::RandomStream*>* proxy_random_ = &own_proxy_random_;
  // While the host routes a frame that was addressed to a bridge (bridge_input): the port it came
  // in by and its destination before PREROUTING. br_netfilter bridges a DNATed frame whose route
  // leads back into that bridge, so it may not leave by that port without hairpin_mode (forward).
  IfaceId routed_from_port_ = kNone;
  net::Ipv4Address routed_dst_before_;
};

}  // namespace packetwalk::model::datapath
