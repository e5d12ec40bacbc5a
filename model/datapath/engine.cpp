// The IP layer of the packet engine: receive, routing, forwarding, local in/out, neighbours.
// Netfilter and conntrack live in engine_hooks.cpp; links, the bridge and VXLAN in engine_link.cpp.
#include "packetwalk/model/datapath/engine.h"

#include "engine_pass.h"

namespace packetwalk::model::datapath {

using trace::DropReason;
using trace::HopAction;

PacketEngine::PacketEngine(Topology& topology, sim::Simulator& simulator, sim::RandomStreams& random,
                           EngineCosts costs)
    : topology_(topology), simulator_(simulator), random_(random), costs_(costs) {}

void PacketEngine::publish(trace::Hop&& hop) {
  if (!hop_hook.empty()) hop_hook.fire(hop);
  if (recorder_) recorder_->record(std::move(hop));
}

trace::Hop& PacketEngine::open_hop(std::uint64_t packet_id, NetnsId ns, IfaceId iface, HopAction action, sim::Time t) {
  trace::Hop* hop = &scratch_hop_;
  if (recorder_) {
    hop = &recorder_->open(packet_id);
  } else {
    scratch_hop_ = trace::Hop{};
  }
  hop->time = t;
  const Netns& n = topology_.netns(ns);
  hop->node = n.node_text;
  hop->netns = n.name_text;
  if (iface != kNone) hop->iface = device(iface).name_text;
  hop->action = action;
  return *hop;
}

void PacketEngine::close_hop(trace::Hop& hop) {
  if (recorder_) recorder_->close(hop);
  if (!hop_hook.empty()) hop_hook.fire(hop);
}

void PacketEngine::emit(HopAction action, NetnsId ns, IfaceId iface, const net::Packet& p, sim::Time t,
                        text::SharedText detail) {
  trace::Hop& hop = open_hop(p.id, ns, iface, action, t);
  hop.packet = p;
  hop.detail = std::move(detail);
  close_hop(hop);
}

void PacketEngine::emit_drop(NetnsId ns, IfaceId iface, const net::Packet& p, sim::Time t, DropReason why,
                             text::SharedText detail) {
  trace::Hop& hop = open_hop(p.id, ns, iface, HopAction::Drop, t);
  hop.packet = p;
  hop.drop_reason = why;
  hop.detail = std::move(detail);
  close_hop(hop);
}

bool PacketEngine::send(NetnsId netns, net::Packet packet, sim::Time at) {
  simulator_.schedule_at(at, [this, netns, packet = std::move(packet), at]() mutable {
    emit(HopAction::Send, netns, kNone, packet, at, packet.payload_note);
    local_out(netns, std::move(packet), at);
  });
  return true;
}

void PacketEngine::send_icmp_error(NetnsId netns, const net::Packet& offending, net::IcmpKind kind, sim::Time at) {
  if (offending.protocol == net::Protocol::Icmp) return;  // RFC 1122: never answer an ICMP error with one
  net::Packet icmp;
  icmp.id = new_packet_id();
  icmp.protocol = net::Protocol::Icmp;
  icmp.icmp = kind;
  icmp.icmp_quoted = offending.tuple();
  icmp.dst = offending.src;
  icmp.length = 56;
  icmp.dont_fragment = false;
  icmp.payload_note = text::SharedText::interned("ICMP " + std::string(net::icmp_kind_name(kind)));  // one text per ICMP kind
  const Route* back = topology_.netns(netns).routes.lookup(offending.src);
  if (back) {
    if (back->preferred_source) {
      icmp.src = *back->preferred_source;
    } else if (auto a = device(back->dev).primary_address()) {
      icmp.src = *a;
    }
  }
  emit(HopAction::Respond, netns, kNone, icmp, at, icmp.payload_note);
  local_out(netns, std::move(icmp), at);
}

void PacketEngine::receive(IfaceId in, net::Packet p, sim::Time t) {
  const Interface& i = device(in);
  emit(HopAction::Receive, i.netns, in, p, t);
  if (!i.up) {
    emit_drop(i.netns, in, p, t, DropReason::InterfaceDown, i.name + " is down");
    return;
  }
  if (i.master != kNone) {
    bridge_input(in, std::move(p), t);
    return;
  }
  ip_receive(i.netns, in, std::move(p), t, false);
}

void PacketEngine::ip_receive(NetnsId ns, IfaceId in, net::Packet p, sim::Time t, bool already_prerouted) {
  Pass pass{ns, in};
  if (!already_prerouted && !run_hook(pass, NfHook::Prerouting, p, t, {})) return;
  if (in != kNone && device(in).tc_ingress && !run_tc(pass, in, *device(in).tc_ingress, p, t)) return;
  t += costs_.stack_pass;
  if (topology_.is_local_address(ns, p.dst)) {
    local_in(pass, std::move(p), t);
    return;
  }
  const Netns& n = topology_.netns(ns);
  const Route* route = n.routes.lookup(p.dst);
  if (!route) {
    pass.abort();
    emit_drop(ns, in, p, t, DropReason::NoRoute, "no route to " + p.dst.to_string());
    send_icmp_error(ns, p, net::IcmpKind::NetUnreachable, t);
    return;
  }
  Route chosen = *route;
  emit(HopAction::Route, ns, chosen.dev, p, t, topology_.describe_route(chosen));
  forward(pass, chosen, std::move(p), t);
}

void PacketEngine::local_in(Pass& pass, net::Packet p, sim::Time t) {
  if (!run_hook(pass, NfHook::Input, p, t, {})) return;
  if (ipvs_local_in(pass, p, t)) return;  // a virtual server took it (engine_ipvs.cpp)
  const Netns& n = topology_.netns(pass.ns);
  if (p.protocol == net::Protocol::Udp && !p.inner.empty()) {
    for (IfaceId id : n.interfaces) {
      const Interface& vx = device(id);
      if (vx.kind != IfaceKind::Vxlan || vx.vxlan_port != p.dport || vx.vni != p.vxlan_vni) continue;
      net::Packet inner = p.inner.front();
      t += costs_.vxlan;
      trace::Hop& hop = open_hop(inner.id, pass.ns, id, HopAction::Decapsulate, t);
      hop.before = p;
      hop.packet = inner;
      hop.detail = topology_.memo_text({kDecapsulateText, id, p.src.value(), vx.vni}, [&] {
        return "VXLAN VNI " + std::to_string(vx.vni) + " from " + p.src.to_string();
      });
      close_hop(hop);
      pass.confirm();
      receive(id, std::move(inner), t);
      return;
    }
  }
  pass.confirm();
  if (deliver) deliver(LocalDelivery{pass.ns, std::move(p), t});
}

void PacketEngine::forward(Pass& pass, const Route& route, net::Packet p, sim::Time t) {
  const Netns& n = topology_.netns(pass.ns);
  if (!n.sysctls.ip_forward) {
    pass.abort();
    emit_drop(pass.ns, pass.in, p, t, DropReason::ForwardingDisabled,
              "not addressed to this host and net.ipv4.ip_forward=0");
    return;
  }
  if (p.ttl <= 1) {
    pass.abort();
    // Name the route the packet was about to take: with TTL 64 at the sender, running out inside
    // a cluster means a routing loop, and this route is one side of it.
    emit_drop(pass.ns, pass.in, p, t, DropReason::TtlExceeded,
              "TTL expired in transit, forwarding to " + p.dst.to_string() + " by route " +
                  topology_.describe_route(route));
    send_icmp_error(pass.ns, p, net::IcmpKind::TimeExceeded, t);
    return;
  }
  if (routed_from_port_ != kNone && p.dst != routed_dst_before_ &&
      device(routed_from_port_).master == route.dev && !device(routed_from_port_).hairpin) {
    // br_nf_pre_routing_finish: a frame DNATed in PREROUTING whose route leads back into the same
    // bridge is bridged, not routed, and the bridge never sends a frame out of its input port
    // without hairpin_mode (br_forward's should_deliver): a pod reaching itself through a Service.
    auto mac = topology_.resolve_neighbour(route.dev, route.via.value_or(p.dst));
    if (mac && topology_.bridge_port_for(route.dev, *mac) == routed_from_port_) {
      pass.abort();
      emit_drop(pass.ns, routed_from_port_, p, t, DropReason::Unclaimed,
                "bridge will not send the DNATed frame back out of its input port (hairpin_mode off on " +
                    device(routed_from_port_).name + ")");
      return;
    }
  }
  --p.ttl;
  pass.forwarded = true;
  if (!run_hook(pass, NfHook::Forward, p, t, device(route.dev).name)) return;
  post_routing(pass, route, std::move(p), t);
}

bool PacketEngine::local_out(NetnsId ns, net::Packet p, sim::Time t) {
  const Netns& n = topology_.netns(ns);
  auto pick_route = [&](const net::Packet& pk) -> std::optional<Route> {
    if (topology_.is_local_address(ns, pk.dst)) {
      auto lo = topology_.find_iface(ns, "lo");
      if (!lo) return std::nullopt;
      return Route{net::Cidr::host(pk.dst), std::nullopt, *lo, false, false, std::nullopt};
    }
    const Route* r = n.routes.lookup(pk.dst);
    if (!r) return std::nullopt;
    return *r;
  };
  auto route = pick_route(p);
  if (!route) {
    emit_drop(ns, kNone, p, t, DropReason::NoRoute, "connect: network is unreachable (no route to " +
                                                        p.dst.to_string() + ")");
    return false;
  }
  if (p.src.is_unspecified()) {
    if (route->preferred_source) {
      p.src = *route->preferred_source;
    } else if (topology_.is_local_address(ns, p.dst)) {
      p.src = p.dst;
    } else if (auto a = device(route->dev).primary_address()) {
      p.src = *a;
    }
  }
  emit(HopAction::Route, ns, route->dev, p, t, topology_.describe_route(*route));
  Pass pass{ns, kNone};
  pass.local = true;
  auto dst_before = p.dst;
  if (!run_hook(pass, NfHook::Output, p, t, device(route->dev).name)) return true;
  if (p.dst != dst_before) {  // DNAT in OUTPUT: the kernel routes the packet again (ip_route_me_harder)
    route = pick_route(p);
    if (!route) {
      pass.abort();
      emit_drop(ns, kNone, p, t, DropReason::NoRoute, "no route to " + p.dst.to_string() + " after DNAT");
      return true;
    }
    emit(HopAction::Route, ns, route->dev, p, t, topology_.describe_route(*route));
  }
  t += costs_.stack_pass;
  post_routing(pass, *route, std::move(p), t);
  return true;
}

void PacketEngine::post_routing(Pass& pass, const Route& route, net::Packet p, sim::Time t) {
  if (!run_hook(pass, NfHook::Postrouting, p, t, device(route.dev).name)) return;
  pass.confirm();
  // The conntrack entry is confirmed before tc egress runs, as in the kernel: a packet the
  // program drops leaves its connection unreplied, and the next one is judged again.
  if (const auto& prog = device(route.dev).tc_egress; prog && !run_tc(pass, route.dev, *prog, p, t)) return;
  neighbour_output(pass.ns, route, std::move(p), t, pass.forwarded);
}

bool PacketEngine::run_tc(Pass& pass, IfaceId dev, const TcProgram& program, const net::Packet& p, sim::Time t) {
  const TcVerdict v = program.run(TcContext{p, (ct_state_bits(pass) & (kCtEstablished | kCtRelated)) != 0});
  emit(HopAction::Bpf, pass.ns, dev, p, t, v.program + ": " + v.detail);
  if (!v.drop) return true;
  if (pass.is_new && pass.entry && !pass.entry->confirmed) pass.abort();
  emit_drop(pass.ns, dev, p, t, DropReason::PolicyDenied, v.drop_detail);
  return false;
}

void PacketEngine::neighbour_output(NetnsId ns, const Route& route, net::Packet p, sim::Time t, bool forwarded) {
  const Interface& out = device(route.dev);
  if (p.length > out.mtu && p.dont_fragment) {
    emit_drop(ns, route.dev, p, t, DropReason::MtuExceeded,
              "packet of " + std::to_string(p.length) + " bytes with DF exceeds " + out.name + " MTU " +
                  std::to_string(out.mtu));
    if (forwarded) send_icmp_error(ns, p, net::IcmpKind::FragmentationNeeded, t);
    return;
  }
  net::Ipv4Address next_hop = route.via.value_or(p.dst);
  auto mac = topology_.resolve_neighbour(route.dev, next_hop);
  if (!mac) {
    // The kernel gives up after mcast_solicit (3) ARP requests retrans_time_ms (1 s) apart, and
    // only then tells the sender the host is unreachable.
    t += costs_.arp_timeout;
    emit_drop(ns, route.dev, p, t, DropReason::NoNeighbour,
              "no ARP answer for " + next_hop.to_string() + " on " + out.name + " (3 requests, 1 s apart)");
    if (forwarded) send_icmp_error(ns, p, net::IcmpKind::HostUnreachable, t);
    return;
  }
  p.src_mac = out.mac;
  p.dst_mac = *mac;
  transmit(route.dev, std::move(p), t);
}

}  // namespace packetwalk::model::datapath
