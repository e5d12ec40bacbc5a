// nftables base chains at a hook: walked in priority order between the iptables tables (see
// run_hook), each recorded as a netfilter hop whose rules are the nft rules that matched, and
// whose decision goes through the same apply_decision as an iptables walk.
#include "engine_pass.h"
#include "packetwalk/model/datapath/nft_print.h"
#include "packetwalk/model/datapath/nft_walk.h"

namespace packetwalk::model::datapath {

using trace::HopAction;

bool PacketEngine::run_nft(Pass& pass, NfHook hook, int lo, int hi, net::Packet& p, sim::Time& t,
                           const std::string& out_iface) {
  const Netns& ns = topology_.netns(pass.ns);
  if (ns.nft.empty()) return true;
  for (const NftHookEntry& e : ns.nft.at_hook(hook)) {
    if (e.hook.priority < lo || e.hook.priority >= hi) continue;
    if (e.hook.type == NftChainType::Nat && (!pass.is_new || pass.nat_bound)) continue;
    if (!walk_nft(pass, e, p, t, out_iface)) return false;
  }
  return true;
}

bool PacketEngine::walk_nft(Pass& pass, const NftHookEntry& entry, net::Packet& p, sim::Time& t,
                            const std::string& out_iface) {
  Netns& ns = topology_.netns(pass.ns);
  const NftTable& table = ns.nft.tables[entry.table];
  const NftChain& chain = table.chains()[entry.chain];
  if (chain.rules.empty() && !entry.hook.policy_drop) return true;

  NftWalkInput in;
  in.hook = entry.hook.hook;
  in.ct_state = ct_state_bits(pass);
  const LocalContext local{&topology_, pass.ns};
  NftWalkEnvironment env;
  env.is_local_address = &is_local;
  env.context = &local;
  env.random = &proxy_random(pass.ns);
  env.dynamic_sets = &ns.recent;
  env.now = t;

  const std::uint32_t mark_before = p.mark;
  NftWalkResult r = walk_nft_chain(table, entry.chain, in, p, env);
  t += costs_.per_rule * r.rules_evaluated + costs_.per_lookup * r.lookups;

  // Names and rule texts are rendered once per table and shared by the hops.
  const NftTable::TraceTexts& texts = nft_trace_texts(table);
  trace::Hop& hop = open_hop(p.id, pass.ns, pass.in, HopAction::Netfilter, t);
  hop.hook = hook_label(entry.hook.hook);
  hop.detail = texts.chain_labels[entry.chain];
  hop.packet = p;
  hop.rules_evaluated = r.rules_evaluated;
  hop.lookups = r.lookups;
  trace::RuleHits& hits = hop.rules = trace::RuleHits(r.matched.size());
  for (std::size_t i = 0; i < r.matched.size(); ++i) {
    const auto& m = r.matched[i];
    trace::RuleHit& hit = hits.at(i);
    hit.table = texts.family_table;
    hit.chain = texts.chain_names[m.chain];
    hit.number = m.rule + 1;
    hit.text = nft_matched_text(table, m.chain, m.rule, m.element);
  }
  close_hop(hop);

  Decision d;
  switch (r.verdict) {
    case NftWalkVerdict::Accept: return true;
    case NftWalkVerdict::Drop: d.kind = Decision::Kind::Drop; break;
    case NftWalkVerdict::Reject: d.kind = Decision::Kind::Reject; break;
    case NftWalkVerdict::Dnat:
      d.kind = Decision::Kind::Dnat;
      d.address = r.dnat->address;
      d.port = r.dnat->port;
      break;
    case NftWalkVerdict::Masquerade: d.kind = Decision::Kind::Masquerade; break;
  }
  if (r.decided_by) {
    const auto& ref = *r.decided_by;
    d.decided = "add rule " + texts.chain_labels[ref.chain] + " " + nft_matched_text(table, ref.chain, ref.rule, ref.element);
  } else {
    d.decided = "policy drop of " + texts.chain_labels[entry.chain];
  }
  return apply_decision(pass, entry.hook.hook, mark_before, d, p, t, out_iface);
}

}  // namespace packetwalk::model::datapath
