// IPVS in the packet engine (kube-proxy IPVS mode). Service IPs are local addresses (kube-ipvs0),
// so a packet to one is routed to LOCAL_IN; after the INPUT hook, ip_vs_in finds the virtual
// server, picks a real server (connection table, persistence template, or the scheduler),
// rewrites the destination and sends the packet on: routing, POSTROUTING, out. Replies get the
// virtual address back from ip_vs_out at FORWARD (or at LOCAL_IN for replies to this node).
// With net.ipv4.vs.conntrack=1 (set by kube-proxy) IPVS updates the conntrack entry's reply tuple,
// so replies are ESTABLISHED for the filter rules; the rewriting itself stays IPVS's.
#include "engine_pass.h"

namespace packetwalk::model::datapath {

using trace::DropReason;
using trace::HopAction;

namespace {

// ip_vs_out: a reply from a real server gets the virtual server's address back. One place for
// both hooks it runs at (FORWARD for pods' connections, LOCAL_IN for the node's own); returns
// the hop to report, or nothing when the packet belongs to no IPVS connection.
std::optional<trace::Hop> unnat_reply(const Topology& topo, const Netns& ns, IfaceId in, net::Packet& p,
                                      sim::Time t, NfHook hook, const text::SharedText& detail) {
  auto vip = ns.ipvs.out(p);
  if (!vip) return std::nullopt;
  trace::Hop hop;
  hop.before = p;
  p.src = vip->first;
  p.sport = vip->second;
  hop.time = t;
  hop.node = ns.node_text;
  hop.netns = ns.name_text;
  if (in != kNone) hop.iface = topo.iface(in).name_text;
  hop.action = HopAction::Snat;
  hop.hook = hook_label(hook);
  hop.packet = p;
  hop.detail = detail;
  return hop;
}

}  // namespace

bool PacketEngine::ipvs_local_in(Pass& pass, net::Packet& p, sim::Time t) {
  Netns& ns = topology_.netns(pass.ns);
  if (ns.ipvs.empty() || p.protocol == net::Protocol::Icmp) return false;

  // A reply to a connection this node made to a virtual server: restore the virtual address.
  static const text::SharedText kUnnatLocal =
      text::SharedText::interned("IPVS: reply from the real server gets the virtual server's address back");
  if (auto hop = unnat_reply(topology_, ns, pass.in, p, t, NfHook::Input, kUnnatLocal)) {
    publish(std::move(*hop));
    return false;  // delivered locally as usual
  }

  const net::FiveTuple original = p.tuple();
  auto choice = ns.ipvs.in(p, t);
  if (!choice) return false;
  const IpvsVirtualServer& vs = ns.ipvs.services()[choice->service];
  t += costs_.ipvs_lookup + (choice->existing ? sim::Time{} : costs_.ipvs_schedule);

  const Ipvs::TraceTexts& texts = ns.ipvs.trace_texts(choice->service);
  trace::Hop& hop = open_hop(p.id, pass.ns, pass.in, HopAction::Netfilter, t);
  hop.hook = hook_label(NfHook::Input);
  static const text::SharedText kIpvs = text::SharedText::interned("IPVS");  // one copy for every IPVS hop
  hop.detail = kIpvs;
  hop.packet = p;
  hop.lookups = choice->existing ? 1 : 2;  // connection table, then the virtual-server table
  if (choice->real_server) hop.rules = texts.chosen[*choice->real_server];
  close_hop(hop);

  if (!choice->real_server) {
    // ip_vs_leave: no usable real server; the client is told at once (ICMP port unreachable,
    // for TCP as for UDP) and the packet dropped.
    pass.abort();
    emit_drop(pass.ns, pass.in, p, t, DropReason::NetfilterReject,
              "IPVS " + texts.service + " has no real server: ICMP port unreachable (ip_vs_leave)");
    send_icmp_error(pass.ns, p, net::IcmpKind::PortUnreachable, t);
    return true;
  }

  const IpvsRealServer& rs = vs.real_servers[*choice->real_server];
  net::Packet before = p;
  p.dst = rs.address;
  p.dport = rs.port;
  if (!choice->existing) {
    ns.ipvs.bind(original, p.tuple(), choice->service);
    if (pass.entry) pass.table->update_reply(*pass.entry, p.tuple().reversed());
  }
  trace::Hop& nat = open_hop(p.id, pass.ns, pass.in, HopAction::Dnat, t);
  nat.hook = hook_label(NfHook::Input);
  nat.before = std::move(before);
  nat.packet = p;
  const auto reason = choice->existing          ? Ipvs::Reason::ConnectionTable
                     : choice->persistence_hit ? Ipvs::Reason::PersistenceTemplate
                                               : Ipvs::Reason::Scheduler;
  nat.detail = texts.dnat[*choice->real_server][static_cast<std::size_t>(reason)];
  close_hop(nat);

  // ip_vs_nat_xmit: route to the real server and send the packet out through POSTROUTING.
  const Route* route = ns.routes.lookup(p.dst);
  if (!route) {
    pass.abort();
    emit_drop(pass.ns, pass.in, p, t, DropReason::NoRoute, "IPVS: no route to real server " + p.dst.to_string());
    return true;
  }
  const Route chosen = *route;
  emit(HopAction::Route, pass.ns, chosen.dev, p, t, topology_.describe_route(chosen));
  post_routing(pass, chosen, std::move(p), t);
  return true;
}

void PacketEngine::ipvs_forward_out(Pass& pass, net::Packet& p, sim::Time t) {
  Netns& ns = topology_.netns(pass.ns);
  if (ns.ipvs.empty() || p.protocol == net::Protocol::Icmp) return;
  static const text::SharedText kUnnatForward = text::SharedText::interned(
      "IPVS: reply from the real server gets the virtual server's address back (ip_vs_out)");
  if (auto hop = unnat_reply(topology_, ns, pass.in, p, t, NfHook::Forward, kUnnatForward)) {
    publish(std::move(*hop));
  }
}

}  // namespace packetwalk::model::datapath
