// Netfilter hooks and conntrack for the packet engine. The order of tables at each hook follows
// the kernel's priorities (raw -300, conntrack -200, mangle -150, nat DNAT -100, filter 0,
// nat SNAT 100); the nat table sees only a connection's first packet, later packets (and
// replies) are translated from the conntrack entry, as nf_nat does.
#include "engine_pass.h"
#include "packetwalk/model/datapath/netfilter_save.h"

namespace packetwalk::model::datapath {

using trace::DropReason;
using trace::HopAction;

namespace {

// The connection an ICMP error talks about: the quoted packet is one this namespace forwarded
// or sent, either before or after its NAT.
ConntrackEntry* find_related(Conntrack& ct, const net::FiveTuple& q) {
  auto m = ct.find(q);
  if (m.entry) return m.entry;
  for (auto& [id, e] : const_cast<std::map<std::uint64_t, ConntrackEntry>&>(ct.entries())) {
    net::FiveTuple translated = e.reply.reversed();
    if (translated == q) return &e;
    net::FiveTuple half = e.original;  // DNAT done, SNAT not yet (error from FORWARD)
    half.dst = translated.dst;
    half.dport = translated.dport;
    if (half == q) return &e;
  }
  return nullptr;
}

std::uint8_t ct_state_bits(const PacketEngine::Pass& pass) {
  if (!pass.entry) return kCtInvalid;
  std::uint8_t bits = 0;
  if (pass.related) {
    bits = kCtRelated;
  } else if (pass.direction == CtDirection::Reply || pass.entry->seen_reply) {
    bits = kCtEstablished;
  } else {
    bits = kCtNew;
  }
  if (pass.entry->dnat) bits |= kCtDnat;
  if (pass.entry->snat) bits |= kCtSnat;
  return bits;
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
  net::Packet before = p;
  std::string what;
  if (dst_hook) {
    if (original && e.dnat) {
      p.dst = e.reply.src;
      p.dport = e.reply.sport;
      what = "conntrack: DNAT of an established connection";
    } else if (!original && e.snat) {
      p.dst = e.original.src;
      p.dport = e.original.sport;
      if (p.icmp_quoted) {
        p.icmp_quoted->src = e.original.src;
        p.icmp_quoted->sport = e.original.sport;
      }
      what = "conntrack: reply un-SNAT (restores the client address)";
    }
  } else {
    if (original && e.snat) {
      p.src = e.reply.dst;
      p.sport = e.reply.dport;
      what = "conntrack: SNAT of an established connection";
    } else if (!original && e.dnat) {
      if (!p.icmp_quoted || p.src == e.reply.src) {
        p.src = e.original.dst;
        if (!p.icmp_quoted) p.sport = e.original.dport;
      }
      if (p.icmp_quoted) {
        p.icmp_quoted->dst = e.original.dst;
        p.icmp_quoted->dport = e.original.dport;
      }
      what = "conntrack: reply un-DNAT (restores the Service address)";
    }
  }
  if (what.empty()) return;
  trace::Hop hop;
  hop.time = t;
  hop.node = topology_.netns(pass.ns).node;
  hop.netns = topology_.netns(pass.ns).name;
  if (pass.in != kNone) hop.iface = topology_.iface(pass.in).name;
  hop.action = dst_hook ? HopAction::Dnat : HopAction::Snat;
  hop.before = before;
  hop.packet = p;
  hop.hook = std::string(hook_name(hook));
  hop.detail = what;
  hop_hook.fire(hop);
}

bool PacketEngine::walk(Pass& pass, NfTableKind tk, NfHook hook, net::Packet& p, sim::Time& t,
                        const std::string& out_iface) {
  Netns& ns = topology_.netns(pass.ns);
  const Table& table = ns.netfilter.table(tk);
  const Chain* builtin = table.find(std::string(hook_name(hook)));
  if (!builtin || (builtin->rules.empty() && builtin->policy != "DROP")) return true;

  WalkInput in;
  in.hook = hook;
  if (pass.in != kNone) {
    const Interface& i = topology_.iface(pass.in);
    // iptables sees the bridge, not the port, as the input device of bridged/bridge-received packets.
    in.in_iface = i.master != kNone ? topology_.iface(i.master).name : i.name;
  }
  in.out_iface = out_iface;
  in.ct_state = ct_state_bits(pass);
  in.bridged = pass.bridged;
  WalkEnvironment env;
  env.is_local_address = [&](net::Ipv4Address a) { return topology_.is_local_address(pass.ns, a); };
  env.set_contains = [&](const SetMatch& m, const net::Packet& pk) {
    auto it = ns.ipsets.find(m.set_name);
    if (it == ns.ipsets.end()) return false;
    for (auto a : it->second) {
      if (a == pk.dst) return true;
    }
    return false;
  };
  env.random = &random_.stream("kube-proxy/" + ns.name);
  env.recent = &ns.recent;
  env.now = t;

  net::Packet before = p;
  WalkResult r = walk_table(table, in, p, env);
  t += costs_.per_rule * r.rules_evaluated;

  trace::Hop hop;
  hop.time = t;
  hop.node = ns.node;
  hop.netns = ns.name;
  if (pass.in != kNone) hop.iface = topology_.iface(pass.in).name;
  hop.action = HopAction::Netfilter;
  hop.hook = std::string(hook_name(hook));
  hop.detail = std::string(table_name(tk));
  hop.packet = p;
  hop.rules_evaluated = r.rules_evaluated;
  for (const auto& ref : r.matched) {
    const Chain* c = table.find(ref.chain);
    hop.rules.push_back({ref.table, ref.chain, ref.number, rule_to_string(ref.chain, c->rules[ref.number - 1])});
  }
  hop_hook.fire(hop);

  auto decided = [&]() -> std::string {
    if (!r.decided_by) return "policy " + builtin->policy + " of " + builtin->name;
    const Chain* c = table.find(r.decided_by->chain);
    return rule_to_string(r.decided_by->chain, c->rules[r.decided_by->number - 1]);
  };
  switch (r.verdict) {
    case WalkVerdict::Accept:
      return true;
    case WalkVerdict::Drop:
      pass.abort();
      emit_drop(pass.ns, pass.in, p, t, DropReason::NetfilterDrop, decided());
      return false;
    case WalkVerdict::Reject: {
      pass.abort();
      emit_drop(pass.ns, pass.in, p, t, DropReason::NetfilterReject, decided());
      auto kind = r.reject_with == "icmp-host-unreachable" ? net::IcmpKind::HostUnreachable
                  : r.reject_with == "icmp-net-unreachable" ? net::IcmpKind::NetUnreachable
                  : r.reject_with == "icmp-admin-prohibited" ? net::IcmpKind::AdminProhibited
                                                              : net::IcmpKind::PortUnreachable;
      send_icmp_error(pass.ns, p, kind, t);
      return false;
    }
    case WalkVerdict::Dnat: {
      p.dst = r.dnat->address;
      if (r.dnat->port) p.dport = *r.dnat->port;
      if (pass.entry) {
        pass.entry->dnat = true;
        pass.table->update_reply(*pass.entry, p.tuple().reversed());
      }
      trace::Hop nat = hop;
      nat.action = HopAction::Dnat;
      nat.before = before;
      nat.packet = p;
      nat.rules.clear();
      nat.rules_evaluated = 0;
      nat.detail = decided();
      hop_hook.fire(nat);
      return true;
    }
    case WalkVerdict::Snat:
    case WalkVerdict::Masquerade: {
      if (r.snat) {
        p.src = r.snat->address;
      } else if (auto oi = topology_.find_iface(pass.ns, out_iface)) {
        // MASQUERADE: the primary address of the outgoing device, chosen after routing.
        if (auto a = topology_.iface(*oi).primary_address()) p.src = *a;
      }
      if (pass.entry) {
        pass.entry->snat = true;
        pass.table->update_reply(*pass.entry, p.tuple().reversed());
      }
      trace::Hop nat = hop;
      nat.action = HopAction::Snat;
      nat.before = before;
      nat.packet = p;
      nat.rules.clear();
      nat.rules_evaluated = 0;
      nat.detail = decided();
      hop_hook.fire(nat);
      return true;
    }
  }
  return true;
}

bool PacketEngine::run_hook(Pass& pass, NfHook hook, net::Packet& p, sim::Time& t, const std::string& out_iface) {
  auto step = [&](NfTableKind tk) { return walk(pass, tk, hook, p, t, out_iface); };
  switch (hook) {
    case NfHook::Prerouting:
      conntrack_in(pass, p, t);
      if (!pass.table) return false;  // conntrack table full: dropped
      if (!step(NfTableKind::Raw) || !step(NfTableKind::Mangle)) return false;
      apply_established_nat(pass, hook, p, t);
      if (pass.is_new && !step(NfTableKind::Nat)) return false;
      return true;
    case NfHook::Output:
      conntrack_in(pass, p, t);
      if (!pass.table) return false;
      if (!step(NfTableKind::Raw) || !step(NfTableKind::Mangle)) return false;
      apply_established_nat(pass, hook, p, t);
      if (pass.is_new && !step(NfTableKind::Nat)) return false;
      return step(NfTableKind::Filter);
    case NfHook::Input:
      if (!step(NfTableKind::Mangle) || !step(NfTableKind::Filter)) return false;
      if (pass.is_new && !step(NfTableKind::Nat)) return false;
      apply_established_nat(pass, hook, p, t);
      return true;
    case NfHook::Forward:
      return step(NfTableKind::Mangle) && step(NfTableKind::Filter);
    case NfHook::Postrouting:
      if (!step(NfTableKind::Mangle)) return false;
      if (pass.is_new && !step(NfTableKind::Nat)) return false;
      apply_established_nat(pass, hook, p, t);
      return true;
  }
  return true;
}

}  // namespace packetwalk::model::datapath
