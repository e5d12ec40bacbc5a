// Links, the Linux bridge and VXLAN: how a frame leaves one device and reaches the next.
#include <cstdio>

#include "engine_pass.h"

namespace packetwalk::model::datapath {

using trace::DropReason;
using trace::HopAction;

void PacketEngine::transmit(IfaceId out, net::Packet p, sim::Time t) {
  const Interface& o = device(out);
  if (!o.up) {
    emit_drop(o.netns, out, p, t, DropReason::InterfaceDown, o.name + " is down");
    return;
  }
  switch (o.kind) {
    case IfaceKind::Veth: {
      emit(HopAction::Transmit, o.netns, out, p, t);
      if (o.peer == kNone) {
        emit_drop(o.netns, out, p, t, DropReason::InterfaceDown, o.name + " has no peer");
        return;
      }
      p.mark = 0;  // skb_scrub_packet: the mark does not cross into another namespace
      IfaceId peer = o.peer;
      simulator_.schedule_at(t + o.link_latency, [this, peer, p = std::move(p), at = t + o.link_latency]() mutable {
        receive(peer, std::move(p), at);
      });
      return;
    }
    case IfaceKind::Bridge: {
      // The host sends through the bridge device (`tcpdump -i cni0` sees it leave): the bridge picks
      // the port from its FDB.
      emit(HopAction::Transmit, o.netns, out, p, t);
      IfaceId port = topology_.bridge_port_for(out, p.dst_mac);
      if (port == kNone) {
        emit_drop(o.netns, out, p, t, DropReason::NoNeighbour, "no bridge port for " + p.dst_mac.to_string());
        return;
      }
      t += costs_.bridge_forward;
      // Keyed as a frame that entered the bridge from the bridge itself (no port ever does).
      emit(HopAction::Bridge, o.netns, out, p, t,
           topology_.memo_text({kBridgeText, out, out, port}, [&] { return o.name + " -> " + device(port).name; }));
      transmit(port, std::move(p), t);
      return;
    }
    case IfaceKind::Vxlan:
      vxlan_transmit(out, std::move(p), t);
      return;
    case IfaceKind::Ethernet: {
      if (!netem(out, p, t)) return;
      emit(HopAction::Transmit, o.netns, out, p, t, netem_note(o));
      if (o.segment != kNone && topology_.segment(o.segment).mtu && p.length > topology_.segment(o.segment).mtu) {
        const auto& seg = topology_.segment(o.segment);
        emit_drop(o.netns, out, p, t, DropReason::MtuExceeded,
                  std::to_string(p.length) + "-byte packet exceeds the " + seg.name + "'s MTU " +
                      std::to_string(seg.mtu) + ": the switch drops it silently (no ICMP)");
        return;
      }
      IfaceId to = kNone;
      if (o.segment != kNone) {
        for (IfaceId port : topology_.segment(o.segment).ports) {
          if (port != out && device(port).mac == p.dst_mac) to = port;
        }
      }
      if (to == kNone) {
        emit_drop(o.netns, out, p, t, DropReason::NoNeighbour, "no station " + p.dst_mac.to_string() + " on the wire");
        return;
      }
      p.mark = 0;
      simulator_.schedule_at(t + o.link_latency, [this, to, p = std::move(p), at = t + o.link_latency]() mutable {
        receive(to, std::move(p), at);
      });
      return;
    }
    case IfaceKind::Loopback: {
      emit(HopAction::Transmit, o.netns, out, p, t);
      simulator_.schedule_at(t, [this, out, p = std::move(p), t]() mutable { receive(out, std::move(p), t); });
      return;
    }
    case IfaceKind::Dummy:
      emit_drop(o.netns, out, p, t, DropReason::Unclaimed, o.name + " is a dummy device: packets sent to it vanish");
      return;
  }
}

// The device's netem qdisc, at enqueue: a lost frame never reaches the driver (tcpdump, which
// taps dev_hard_start_xmit, never sees it); a delayed one leaves `delay` later.
bool PacketEngine::netem(IfaceId out, const net::Packet& p, sim::Time& t) {
  const Interface& o = device(out);
  if (o.netem.loss_percent > 0) {
    auto& stream = random_.stream("netem/" + topology_.netns(o.netns).name + "/" + o.name);
    if (stream.bernoulli(o.netem.loss_percent / 100)) {
      char pct[32];
      std::snprintf(pct, sizeof pct, "%g", o.netem.loss_percent);
      emit_drop(o.netns, out, p, t, DropReason::LinkLoss,
                "netem loss " + std::string(pct) + "% on " + o.name + ": the qdisc dropped the frame");
      return false;
    }
  }
  t += o.netem.delay;
  return true;
}

std::string PacketEngine::netem_note(const Interface& o) {
  // As tc prints it: whole units (50ms, 1.5s as 1500ms, 250us).
  const std::int64_t ns = o.netem.delay.count_ns();
  if (ns == 0) return {};
  std::string text = ns % 1'000'000 == 0 ? std::to_string(ns / 1'000'000) + "ms"
                     : ns % 1'000 == 0   ? std::to_string(ns / 1'000) + "us"
                                         : std::to_string(ns) + "ns";
  return "after netem delay " + text;
}

void PacketEngine::bridge_input(IfaceId port, net::Packet p, sim::Time t) {
  const Interface& in = device(port);
  const IfaceId bridge = in.master;
  const Interface& br = device(bridge);
  const Netns& ns = topology_.netns(br.netns);
  if (p.dst_mac == br.mac) {
    // Addressed to the bridge itself (the pods' default gateway): up into the host's IP stack,
    // with the bridge as the input device. `tcpdump -i cni0` sees it here, so the trace does too.
    emit(HopAction::Receive, br.netns, bridge, p, t);
    routed_from_port_ = port;
    routed_dst_before_ = p.dst;
    ip_receive(br.netns, bridge, std::move(p), t, false);
    routed_from_port_ = kNone;
    return;
  }
  IfaceId out = topology_.bridge_port_for(bridge, p.dst_mac);
  if (out == kNone) {
    emit_drop(br.netns, port, p, t, DropReason::NoNeighbour, "no FDB entry for " + p.dst_mac.to_string());
    return;
  }
  if (out == port && !in.hairpin) {
    emit_drop(br.netns, port, p, t, DropReason::Unclaimed,
              "bridge will not send a frame back out of its input port (hairpin_mode off on " + in.name + ")");
    return;
  }
  if (ns.sysctls.bridge_nf_call_iptables) {
    // br_netfilter: bridged IPv4 traffic traverses iptables' PREROUTING, FORWARD and POSTROUTING
    // with -i/-o naming the bridge. This is what un-NATs a same-node Service reply.
    Pass pass{br.netns, port};
    pass.bridged = true;
    auto dst_before = p.dst;
    if (!run_hook(pass, NfHook::Prerouting, p, t, {})) return;
    if (p.dst != dst_before) {
      // DNAT changed the destination: br_netfilter hands the packet to IP routing instead.
      p.dst_mac = br.mac;
      ip_receive(br.netns, bridge, std::move(p), t, true);
      return;
    }
    if (!run_hook(pass, NfHook::Forward, p, t, br.name)) return;
    if (!run_hook(pass, NfHook::Postrouting, p, t, br.name)) return;
    pass.confirm();
  }
  t += costs_.bridge_forward;
  emit(HopAction::Bridge, br.netns, bridge, p, t,
       topology_.memo_text({kBridgeText, bridge, port, out}, [&] { return in.name + " -> " + device(out).name; }));
  transmit(out, std::move(p), t);
}

void PacketEngine::vxlan_transmit(IfaceId vxlan, net::Packet p, sim::Time t) {
  const Interface& vx = device(vxlan);
  auto remote = vx.fdb.find(p.dst_mac);
  if (remote == vx.fdb.end()) {
    emit_drop(vx.netns, vxlan, p, t, DropReason::NoNeighbour, "no VXLAN FDB entry for " + p.dst_mac.to_string());
    return;
  }
  emit(HopAction::Transmit, vx.netns, vxlan, p, t);
  net::Packet carrier;
  carrier.id = p.id;
  carrier.payload_note = p.payload_note;
  carrier.protocol = net::Protocol::Udp;
  carrier.src = vx.vxlan_local;
  carrier.dst = remote->second;
  // The kernel derives the outer source port from a hash of the inner flow (within the local
  // port range) so that the underlay can spread flows; any stable hash serves the model.
  auto tuple = p.tuple();
  std::uint32_t h = tuple.src.value() * 2654435761u ^ tuple.dst.value() ^ (std::uint32_t{tuple.sport} << 16 | tuple.dport);
  carrier.sport = static_cast<net::Port>(32768 + (h % 28232));
  carrier.dport = vx.vxlan_port;
  carrier.ttl = 64;
  carrier.dont_fragment = false;
  carrier.length = static_cast<std::uint16_t>(p.length + 50);  // outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14
  carrier.vxlan_vni = vx.vni;
  carrier.inner.push_back(p);
  t += costs_.vxlan;
  trace::Hop& hop = open_hop(carrier.id, vx.netns, vxlan, HopAction::Encapsulate, t);
  const Topology::TextKey key{kEncapsulateText, vxlan, std::uint64_t{remote->second.value()} << 32 | vx.vni,
                              p.dst_mac.value << 16 | vx.vxlan_port};
  hop.detail = topology_.memo_text(key, [&] {
    return "VXLAN VNI " + std::to_string(vx.vni) + " to " + remote->second.to_string() + ":" +
           std::to_string(vx.vxlan_port) + " (FDB " + p.dst_mac.to_string() + ")";
  });
  hop.packet = carrier;
  hop.before = std::move(p);
  close_hop(hop);
  local_out(vx.netns, std::move(carrier), t);
}

}  // namespace packetwalk::model::datapath
