#include "packetwalk/model/datapath/nft_walk.h"

#include <stdexcept>

namespace packetwalk::model::datapath {

std::uint32_t nft_numgen(sim::RandomStream& random, std::uint32_t modulus) {
  const auto draw = static_cast<std::uint32_t>(random.next_u64() >> 32);
  return static_cast<std::uint32_t>((std::uint64_t{draw} * modulus) >> 32);
}

namespace {

enum class Step : std::uint8_t { Next, Break, Verdict, Terminal };

struct Evaluator {
  const NftTable& table;
  const NftWalkInput& in;
  net::Packet& packet;
  const NftWalkEnvironment& env;
  NftWalkResult& result;
  const NftVerdict* verdict = nullptr;  // set when Step::Verdict
  std::int32_t element = -1;

  bool dynamic_contains(const NftSet& set, net::Ipv4Address a) const {
    auto list = env.dynamic_sets->lists.find(set.name);
    if (list == env.dynamic_sets->lists.end()) return false;
    auto it = list->second.find(a);
    if (it == list->second.end()) return false;
    return !set.timeout_seconds || env.now - it->second <= sim::Time::s(set.timeout_seconds);
  }

  Step operator()(const NftAddrMatch& m) {
    const auto a = m.source ? packet.src : packet.dst;
    bool hit = false;
    for (const auto& c : m.cidrs) hit = hit || c.contains(a);
    return hit != m.negate ? Step::Next : Step::Break;
  }
  Step operator()(const NftSetMatch& m) {
    ++result.lookups;
    const NftSet& set = table.sets()[m.set_index];
    const auto a = m.source ? packet.src : packet.dst;
    bool hit = set.dynamic ? dynamic_contains(set, a) : set.find(NftKey{{a.value(), 0, 0}, 1}) != nullptr;
    return hit != m.negate ? Step::Next : Step::Break;
  }
  Step operator()(const NftProtoMatch& m) { return packet.protocol == m.protocol ? Step::Next : Step::Break; }
  Step operator()(const NftPortMatch& m) {
    return packet.protocol == m.protocol && packet.dport == m.port ? Step::Next : Step::Break;
  }
  Step operator()(const NftCtStateMatch& m) { return (in.ct_state & m.states) ? Step::Next : Step::Break; }
  Step operator()(const NftMarkMatch& m) {
    return ((packet.mark & m.mask) == m.value) != m.negate ? Step::Next : Step::Break;
  }
  Step operator()(const NftFibLocalMatch& m) {
    return env.is_local_address(env.context, m.source ? packet.src : packet.dst) ? Step::Next : Step::Break;
  }
  Step operator()(const NftVmapLookup& m) {
    ++result.lookups;
    const NftSet& map = table.sets()[m.map_index];
    const NftElement* e = map.find(nft_packet_key(m.key, packet.src, packet.dst, packet.protocol, packet.dport));
    if (!e) return Step::Break;
    verdict = &e->verdict;
    element = static_cast<std::int32_t>(e - map.elements.data());
    return Step::Verdict;
  }
  Step operator()(const NftNumgenVmap& m) {
    ++result.lookups;
    const auto slot = nft_numgen(*env.random, static_cast<std::uint32_t>(m.targets.size()));
    verdict = &m.targets[slot];
    element = static_cast<std::int32_t>(slot);
    return Step::Verdict;
  }
  Step operator()(const NftMarkSet& m) {
    packet.mark = m.op == NftMarkSet::Op::Or ? (packet.mark | m.value) : (packet.mark ^ m.value);
    return Step::Next;
  }
  Step operator()(const NftSetUpdate& m) {
    ++result.lookups;
    env.dynamic_sets->lists[table.sets()[m.set_index].name][packet.src] = env.now;
    return Step::Next;
  }
  Step operator()(const NftDnat& m) {
    result.verdict = NftWalkVerdict::Dnat;
    result.dnat = m;
    return Step::Terminal;
  }
  Step operator()(const NftMasquerade& m) {
    result.verdict = NftWalkVerdict::Masquerade;
    result.masquerade = m;
    return Step::Terminal;
  }
  Step operator()(const NftReject&) {
    result.verdict = NftWalkVerdict::Reject;
    return Step::Terminal;
  }
  Step operator()(const NftVerdict& v) {
    verdict = &v;
    return Step::Verdict;
  }
};

}  // namespace

NftWalkResult walk_nft_chain(const NftTable& table, std::uint32_t chain_pos, const NftWalkInput& in,
                             net::Packet& packet, const NftWalkEnvironment& env) {
  if (!table.linked()) throw std::logic_error("nft table " + table.name() + " walked before link()");
  NftWalkResult result;
  const auto& chains = table.chains();
  const NftChain& base = chains[chain_pos];

  struct Frame { std::uint32_t chain; std::uint32_t next; };
  constexpr std::size_t kMaxDepth = 16;  // nf_tables: NFT_JUMP_STACK_SIZE
  Frame stack[kMaxDepth];
  std::size_t depth = 0;
  std::uint32_t chain = chain_pos;
  std::uint32_t index = 0;

  while (true) {
    const NftChain& c = chains[chain];
    if (index >= c.rules.size()) {
      if (depth == 0) {  // end of the base chain: its policy
        result.verdict = base.base && base.base->policy_drop ? NftWalkVerdict::Drop : NftWalkVerdict::Accept;
        return result;
      }
      --depth;
      chain = stack[depth].chain;
      index = stack[depth].next;
      continue;
    }
    const NftRule& rule = c.rules[index];
    const NftRuleRef here{chain, index, -1};
    ++index;
    ++result.rules_evaluated;
    Evaluator ev{table, in, packet, env, result, nullptr, -1};
    Step step = Step::Next;
    for (const auto& e : rule.exprs) {
      step = std::visit(ev, e);
      if (step != Step::Next) break;
    }
    if (step == Step::Break) continue;
    NftRuleRef ref = here;
    ref.element = ev.element;
    result.matched.push_back(ref);
    if (step == Step::Terminal) {
      result.decided_by = ref;
      return result;
    }
    if (step == Step::Next) continue;  // all statements done, no verdict: next rule
    switch (ev.verdict->kind) {
      case NftVerdict::Kind::Continue:
        break;
      case NftVerdict::Kind::Accept:
        result.verdict = NftWalkVerdict::Accept;
        result.decided_by = ref;
        return result;
      case NftVerdict::Kind::Drop:
        result.verdict = NftWalkVerdict::Drop;
        result.decided_by = ref;
        return result;
      case NftVerdict::Kind::Return:
        index = static_cast<std::uint32_t>(c.rules.size());  // the frame pop above
        break;
      case NftVerdict::Kind::Jump:
        if (depth >= kMaxDepth) throw std::logic_error("nft jump stack exceeded at " + ev.verdict->chain);
        stack[depth++] = Frame{chain, index};
        chain = ev.verdict->target;
        index = 0;
        break;
      case NftVerdict::Kind::Goto:
        chain = ev.verdict->target;
        index = 0;
        break;
    }
  }
}

}  // namespace packetwalk::model::datapath
