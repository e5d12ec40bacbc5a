// The iptables walk at one hook, and what the engine does with any walk's decision (iptables or
// nftables): record the netfilter hop with the matched rules, then accept, drop, reject (ICMP
// back to the sender), or rewrite the packet and bind the NAT in its conntrack entry.
#include "engine_pass.h"
#include "packetwalk/model/datapath/netfilter_index.h"

namespace packetwalk::model::datapath {

using trace::DropReason;
using trace::HopAction;

namespace {
// Built before main, not on first use: a function-local static would test its guard at each of
// the hundreds of lookups a trace makes.
using text::SharedText;
const SharedText kTableLabels[] = {SharedText::interned(table_name(NfTableKind::Raw)),
                                   SharedText::interned(table_name(NfTableKind::Mangle)),
                                   SharedText::interned(table_name(NfTableKind::Nat)),
                                   SharedText::interned(table_name(NfTableKind::Filter))};
const SharedText kHookLabels[] = {SharedText::interned(hook_name(NfHook::Prerouting)),
                                  SharedText::interned(hook_name(NfHook::Input)),
                                  SharedText::interned(hook_name(NfHook::Forward)),
                                  SharedText::interned(hook_name(NfHook::Output)),
                                  SharedText::interned(hook_name(NfHook::Postrouting))};

bool in_ipset(const void* context, const SetMatch& m, const net::Packet& p) {
  const auto* c = static_cast<const LocalContext*>(context);
  const IpSet* set = c->topology->netns(c->ns).ipsets.resolve(m);
  return set && set->matches(m.flags, p);
}
}  // namespace

const text::SharedText& table_label(NfTableKind tk) { return kTableLabels[static_cast<int>(tk)]; }
const text::SharedText& hook_label(NfHook hook) { return kHookLabels[static_cast<int>(hook)]; }

sim::RandomStream& PacketEngine::proxy_random(NetnsId ns) {
  auto& cache = *proxy_random_;
  if (cache.size() <= ns) cache.resize(ns + 1, nullptr);
  if (!cache[ns]) cache[ns] = &random_.stream("kube-proxy/" + topology_.netns(ns).name);
  return *cache[ns];
}

bool PacketEngine::walk(Pass& pass, NfTableKind tk, NfHook hook, net::Packet& p, sim::Time& t,
                        const std::string& out_iface) {
  Netns& ns = topology_.netns(pass.ns);
  const Table& table = ns.netfilter.table(tk);
  const TableIndex& index = table_index(table);
  // run_hook calls this only for a table with something at `hook` (not idle), so its chain exists.
  const Chain* builtin = index.builtin[static_cast<int>(hook)]->chain;

  WalkInput in;
  in.hook = hook;
  if (pass.in != kNone) {
    const Interface& i = device(pass.in);
    // iptables sees the bridge, not the port, as the input device of bridged/bridge-received packets.
    in.in_iface = i.master != kNone ? device(i.master).name : i.name;
  }
  in.out_iface = out_iface;
  in.ct_state = ct_state_bits(pass);
  in.bridged = pass.bridged;
  const LocalContext local{&topology_, pass.ns};
  WalkEnvironment env;
  env.is_local_address = &is_local;
  env.set_contains = &in_ipset;
  env.context = &local;
  env.random = &proxy_random(pass.ns);
  env.recent = &ns.recent;
  env.now = t;

  const std::uint32_t mark_before = p.mark;
  // The walk's result lives in the engine, reused walk after walk. Nothing below reads it once
  // apply_decision runs, which may walk again (an ICMP error sent back through OUTPUT).
  WalkResult& r = walk_result_;
  walk_table(table, in, p, env, r);
  t += costs_.per_rule * r.rules_evaluated;

  trace::Hop& hop = open_hop(p.id, pass.ns, pass.in, HopAction::Netfilter, t);
  hop.hook = hook_label(hook);
  hop.detail = table_label(tk);
  hop.packet = p;
  hop.rules_evaluated = r.rules_evaluated;
  // The list of matched rules is the one an earlier walk with the same matches made, if any.
  hop.rules = matched_hits(index, r.matched, table_label(tk));
  close_hop(hop);

  Decision d;
  switch (r.verdict) {
    case WalkVerdict::Accept: return true;
    case WalkVerdict::Drop: d.kind = Decision::Kind::Drop; break;
    case WalkVerdict::Reject:
      d.kind = Decision::Kind::Reject;
      d.reject = r.reject_with == "icmp-host-unreachable" ? net::IcmpKind::HostUnreachable
                 : r.reject_with == "icmp-net-unreachable" ? net::IcmpKind::NetUnreachable
                 : r.reject_with == "icmp-admin-prohibited" ? net::IcmpKind::AdminProhibited
                                                             : net::IcmpKind::PortUnreachable;
      break;
    case WalkVerdict::Dnat:
      d.kind = Decision::Kind::Dnat;
      d.address = r.dnat->address;
      d.port = r.dnat->port;
      break;
    case WalkVerdict::Snat:
      d.kind = Decision::Kind::Snat;
      d.address = r.snat->address;
      break;
    case WalkVerdict::Masquerade: d.kind = Decision::Kind::Masquerade; break;
  }
  // Rule texts are rendered once per rule and kept in the table's index.
  d.decided = r.decided_by ? r.decided_by->index->rule_text(r.decided_by->number - 1) : text::SharedText("policy " + builtin->policy + " of " + builtin->name);
  return apply_decision(pass, hook, mark_before, d, p, t, out_iface);
}

bool PacketEngine::apply_decision(Pass& pass, NfHook hook, std::uint32_t mark_before, const Decision& d,
                                  net::Packet& p, sim::Time t, const std::string& out_iface) {
  Netns& ns = topology_.netns(pass.ns);
  // Called before the rewrite: the hop's "before" is the packet as the walk received it.
  net::Packet before;
  auto keep_before = [&] {
    before = p;
    before.mark = mark_before;
  };
  auto nat_hop = [&](HopAction action) {
    trace::Hop& nat = open_hop(p.id, pass.ns, pass.in, action, t);
    nat.hook = hook_label(hook);
    nat.before = std::move(before);
    nat.packet = p;
    nat.detail = d.decided;
    close_hop(nat);
  };
  switch (d.kind) {
    case Decision::Kind::Accept:
      return true;
    case Decision::Kind::Drop:
      pass.abort();
      emit_drop(pass.ns, pass.in, p, t, DropReason::NetfilterDrop, d.decided);
      return false;
    case Decision::Kind::Reject:
      pass.abort();
      emit_drop(pass.ns, pass.in, p, t, DropReason::NetfilterReject, d.decided);
      send_icmp_error(pass.ns, p, d.reject, t);
      return false;
    case Decision::Kind::Dnat:
      keep_before();
      p.dst = d.address;
      if (d.port) p.dport = *d.port;
      if (pass.entry) {
        pass.entry->dnat = true;
        pass.table->update_reply(*pass.entry, p.tuple().reversed());
      }
      pass.nat_bound = true;
      nat_hop(HopAction::Dnat);
      return true;
    case Decision::Kind::Snat:
    case Decision::Kind::Masquerade:
      keep_before();
      if (d.kind == Decision::Kind::Snat) {
        p.src = d.address;
      } else if (auto oi = topology_.find_iface(pass.ns, out_iface)) {
        // MASQUERADE: the primary address of the outgoing device, chosen after routing. A device
        // without an address (Calico's cali* veths) gets another device's, as inet_select_addr does.
        if (auto a = device(*oi).primary_address()) {
          p.src = *a;
        } else {
          for (IfaceId id : ns.interfaces) {
            const Interface& i = device(id);
            if (i.kind == IfaceKind::Loopback || !i.primary_address()) continue;
            p.src = *i.primary_address();
            break;
          }
        }
      }
      if (pass.entry) {
        pass.entry->snat = true;
        pass.table->update_reply(*pass.entry, p.tuple().reversed());
      }
      pass.nat_bound = true;
      nat_hop(HopAction::Snat);
      return true;
  }
  return true;
}

}  // namespace packetwalk::model::datapath
