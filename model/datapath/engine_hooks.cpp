// Netfilter hooks and conntrack for the packet engine. The order of tables at each hook follows
// the kernel's priorities (raw -300, conntrack -200, mangle -150, nat DNAT -100, filter 0,
// nat SNAT 100), with nftables base chains merged in at theirs; the nat table sees only a
// connection's first packet, later packets (and replies) are translated from the conntrack entry,
// as nf_nat does. The walks themselves are in engine_walk.cpp (iptables) and engine_nft.cpp.
#include <limits>

#include "engine_pass.h"
#include "packetwalk/model/datapath/netfilter_index.h"

namespace packetwalk::model::datapath {

using trace::DropReason;
using trace::HopAction;

namespace {

// The connection an ICMP error talks about: the quoted packet is one this namespace forwarded
// or sent, either before or after its NAT.
ConntrackEntry* find_related(Conntrack& ct, const net::FiveTuple& q) {
  auto m = ct.find(q);
  if (m.entry) return m.entry;
  ConntrackEntry* found = nullptr;
  ct.for_each([&](ConntrackEntry& e) {
    if (found) return;
    net::FiveTuple translated = e.reply.reversed();
    net::FiveTuple half = e.original;  // DNAT done, SNAT not yet (error from FORWARD)
    half.dst = translated.dst;
    half.dport = translated.dport;
    if (translated == q || half == q) found = &e;
  });
  return found;
}

}  // namespace

void PacketEngine::conntrack_in(Pass& pass, net::Packet& p, sim::Time t) {
  Conntrack& ct = topology_.netns(pass.ns).conntrack;
  pass.table = &ct;
  if (p.protocol == net::Protocol::Icmp && p.icmp_quoted) {
    if (auto* e = find_related(ct, *p.icmp_quoted)) {
      pass.entry = e;
      pass.direction = CtDirection::Reply;
      pass.related = true;
    }
    return;  // untracked errors pass as INVALID
  }
  auto m = ct.find(p.tuple());
  if (m.entry) {
    pass.entry = m.entry;
    pass.direction = m.direction;
    if (m.direction == CtDirection::Reply) m.entry->seen_reply = true;
    return;
  }
  if (ct.size() >= ct.max_entries) {
    emit_drop(pass.ns, pass.in, p, t, DropReason::ConntrackFull, "nf_conntrack: table full, dropping packet");
    pass.entry = nullptr;
    pass.table = nullptr;
    return;
  }
  pass.entry = &ct.create(p.tuple(), t);
  pass.direction = CtDirection::Original;
  pass.is_new = true;
}

void PacketEngine::apply_established_nat(Pass& pass, NfHook hook, net::Packet& p, sim::Time t) {
  if (!pass.entry || pass.is_new) return;
  const ConntrackEntry& e = *pass.entry;
  const bool dst_hook = hook == NfHook::Prerouting || hook == NfHook::Output;
  const bool original = pass.direction == CtDirection::Original;
  // Most packets of a NATed connection need nothing at most hooks: copy the packet for the hop's
  // "before" only when this hook rewrites it.
  const bool rewrites = dst_hook ? (original ? e.dnat : e.snat) : (original ? e.snat : e.dnat);
  if (!rewrites) return;
  net::Packet before = p;
  // The four texts are shared by every hop that shows them.
  static const text::SharedText kDnat = text::SharedText::interned("conntrack: DNAT of an established connection");
  static const text::SharedText kUnSnat = text::SharedText::interned("conntrack: reply un-SNAT (restores the client address)");
  static const text::SharedText kSnat = text::SharedText::interned("conntrack: SNAT of an established connection");
  static const text::SharedText kUnDnat = text::SharedText::interned("conntrack: reply un-DNAT (restores the Service address)");
  const text::SharedText* what = nullptr;
  if (dst_hook) {
    if (original && e.dnat) {
      p.dst = e.reply.src;
      p.dport = e.reply.sport;
      what = &kDnat;
    } else if (!original && e.snat) {
      p.dst = e.original.src;
      p.dport = e.original.sport;
      if (p.icmp_quoted) {
        p.icmp_quoted->src = e.original.src;
        p.icmp_quoted->sport = e.original.sport;
      }
      what = &kUnSnat;
    }
  } else {
    if (original && e.snat) {
      p.src = e.reply.dst;
      p.sport = e.reply.dport;
      what = &kSnat;
    } else if (!original && e.dnat) {
      if (!p.icmp_quoted || p.src == e.reply.src) {
        p.src = e.original.dst;
        if (!p.icmp_quoted) p.sport = e.original.dport;
      }
      if (p.icmp_quoted) {
        p.icmp_quoted->dst = e.original.dst;
        p.icmp_quoted->dport = e.original.dport;
      }
      what = &kUnDnat;
    }
  }
  if (!what) return;
  trace::Hop& hop = open_hop(p.id, pass.ns, pass.in, dst_hook ? HopAction::Dnat : HopAction::Snat, t);
  hop.before = std::move(before);
  hop.packet = p;
  hop.hook = hook_label(hook);
  hop.detail = *what;
  close_hop(hop);
}

bool PacketEngine::run_hook(Pass& pass, NfHook hook, net::Packet& p, sim::Time& t, const std::string& out_iface) {
  // Each hook runs its iptables tables and nftables base chains in priority order; a base chain at
  // the same priority as an iptables table runs after it (the iptables tables registered first).
  // nat-type chains see only a connection's first packet, and only until one of them has bound
  // a NAT at this hook (nf_nat calls the registered nat chains until one sets up a mapping).
  constexpr int kFirst = std::numeric_limits<int>::min();
  constexpr int kLast = std::numeric_limits<int>::max();
  const Netns& ns = topology_.netns(pass.ns);
  // Most tables have nothing at most hooks (a pod's, or raw everywhere): the index says so, and
  // checking here spares walk() setting up a walk that would return at once.
  auto step = [&](NfTableKind tk) {
    return table_index(ns.netfilter.table(tk)).idle[static_cast<int>(hook)] || walk(pass, tk, hook, p, t, out_iface);
  };
  // Most namespaces have no nftables tables (iptables and IPVS modes, pods): skip the call.
  const bool no_nft = ns.nft.empty();
  auto nft = [&](int lo, int hi) { return no_nft || run_nft(pass, hook, lo, hi, p, t, out_iface); };
  auto nat = [&]() { return !pass.is_new || pass.nat_bound || step(NfTableKind::Nat); };
  pass.nat_bound = false;
  switch (hook) {
    case NfHook::Prerouting:
      conntrack_in(pass, p, t);
      if (!pass.table) return false;  // conntrack table full: dropped
      if (!step(NfTableKind::Raw) || !nft(kFirst, -150) || !step(NfTableKind::Mangle) || !nft(-150, -100)) return false;
      apply_established_nat(pass, hook, p, t);
      return nat() && nft(-100, kLast);
    case NfHook::Output:
      conntrack_in(pass, p, t);
      if (!pass.table) return false;
      if (!step(NfTableKind::Raw) || !nft(kFirst, -150) || !step(NfTableKind::Mangle) || !nft(-150, -100)) return false;
      apply_established_nat(pass, hook, p, t);
      return nat() && nft(-100, 0) && step(NfTableKind::Filter) && nft(0, kLast);
    case NfHook::Input:
      if (!nft(kFirst, -150) || !step(NfTableKind::Mangle) || !nft(-150, 0) || !step(NfTableKind::Filter) ||
          !nft(0, 100) || !nat() || !nft(100, kLast))
        return false;
      apply_established_nat(pass, hook, p, t);
      return true;
    case NfHook::Forward:
      if (!nft(kFirst, -150) || !step(NfTableKind::Mangle) || !nft(-150, 0) || !step(NfTableKind::Filter) ||
          !nft(0, kLast))
        return false;
      ipvs_forward_out(pass, p, t);  // ip_vs_out runs at FORWARD after the filter (priority 100)
      return true;
    case NfHook::Postrouting:
      if (!nft(kFirst, -150) || !step(NfTableKind::Mangle) || !nft(-150, 100) || !nat() || !nft(100, kLast))
        return false;
      apply_established_nat(pass, hook, p, t);
      return true;
  }
  return true;
}

}  // namespace packetwalk::model::datapath
