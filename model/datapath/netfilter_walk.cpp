#include "packetwalk/model/datapath/netfilter_walk.h"

#include <optional>
#include <stdexcept>

#include "packetwalk/model/datapath/netfilter_index.h"

namespace packetwalk::model::datapath {

namespace {

bool iface_matches(std::string_view pattern, std::string_view name) {
  // iptables: a trailing '+' matches any interface whose name starts with the rest.
  if (!pattern.empty() && pattern.back() == '+') return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return pattern == name;
}

bool in_range(net::Port p, const std::pair<net::Port, net::Port>& r) { return p >= r.first && p <= r.second; }

std::uint8_t packet_ct_bits(const WalkInput& in) { return in.ct_state; }

struct ModuleMatcher {
  const WalkInput& in;
  const net::Packet& packet;
  const WalkEnvironment& env;

  bool operator()(const CommentMatch&) const { return true; }
  bool operator()(const PortMatch& m) const {
    if (packet.protocol != m.protocol) return false;
    if (m.dport && in_range(packet.dport, *m.dport) == m.negate_dport) return false;
    if (m.sport && !in_range(packet.sport, *m.sport)) return false;
    return true;
  }
  bool operator()(const MarkMatch& m) const { return ((packet.mark & m.mask) == m.value) != m.negate; }
  bool operator()(const AddrTypeMatch& m) const {
    if (m.type != "LOCAL") return m.negate;  // only LOCAL is modelled; others never match
    bool local = env.is_local_address(env.context, m.source ? packet.src : packet.dst);
    return local != m.negate;
  }
  bool operator()(const StatisticMatch& m) const {
    // xt_statistic: (get_random_u32() & 0x7FFFFFFF) < probability, drawn once per evaluation.
    auto draw = static_cast<std::uint32_t>(env.random->next_u64() >> 32) & 0x7fffffffu;
    return draw < m.threshold;
  }
  bool operator()(const RecentMatch& m) const {
    if (m.set) return true;  // --set always matches; the update happens in apply_side_effects
    auto& list = env.recent->lists[m.name];
    auto it = list.find(packet.src);
    if (it == list.end()) return false;
    if (m.seconds && env.now - it->second > sim::Time::s(m.seconds)) {
      if (m.reap) list.erase(it);
      return false;
    }
    return true;
  }
  bool operator()(const ConntrackMatch& m) const { return ((packet_ct_bits(in) & m.states) != 0) != m.negate; }
  bool operator()(const SetMatch& m) const { return env.set_contains(env.context, m, packet) != m.negate; }
  bool operator()(const NfacctMatch&) const { return true; }
  bool operator()(const PhysdevMatch& m) const { return in.bridged == m.is_bridged ? !m.negate : m.negate; }
};

void apply_side_effects(const Rule& rule, const net::Packet& packet, const WalkEnvironment& env) {
  for (const auto& module : rule.modules) {
    if (auto* r = std::get_if<RecentMatch>(&module); r && r->set) env.recent->lists[r->name][packet.src] = env.now;
  }
}

}  // namespace

bool rule_matches(const Rule& rule, const WalkInput& in, const net::Packet& packet, const WalkEnvironment& env) {
  if (rule.source && rule.source->value.contains(packet.src) == rule.source->negate) return false;
  if (rule.destination && rule.destination->value.contains(packet.dst) == rule.destination->negate) return false;
  if (rule.in_iface && iface_matches(rule.in_iface->value, in.in_iface) == rule.in_iface->negate) return false;
  if (rule.out_iface && iface_matches(rule.out_iface->value, in.out_iface) == rule.out_iface->negate) return false;
  if (rule.protocol && (rule.protocol->value == packet.protocol) == rule.protocol->negate) return false;
  ModuleMatcher matcher{in, packet, env};
  for (const auto& module : rule.modules) {
    if (!std::visit(matcher, module)) return false;
  }
  return true;
}

namespace {

// The walk, over the table's index (netfilter_index.h). With `skip` the candidate cursor jumps
// over rules that cannot match this packet, adding them to rules_evaluated as if they had been
// tested, so both ways give the same WalkResult.
void walk(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env, bool skip,
          WalkResult& result) {
  const TableIndex& index = table_index(table);
  const ChainIndex* chain = index.builtin[static_cast<int>(in.hook)];
  if (!chain) return;  // table not attached at this hook: nothing to do
  const Chain* builtin = chain->chain;

  struct Frame { const ChainIndex* chain; std::uint32_t next; };
  constexpr std::size_t kMaxDepth = 64;  // the kernel also bounds jump depth; a loop is a bug in the rules
  Frame stack[kMaxDepth];
  std::size_t depth = 0;
  std::uint32_t index_pos = 0;
  const std::string_view table_text = table_name(table.kind);
  // Only chains long enough to be indexed get a cursor; in a short one every rule is a candidate.
  std::optional<CandidateCursor> cursor;
  auto enter = [&](const ChainIndex* c) {
    if (skip && c->indexed) cursor.emplace(*c, packet);
    else cursor.reset();
  };
  enter(chain);

  while (true) {
    const auto& rules = chain->chain->rules;
    const auto size = static_cast<std::uint32_t>(rules.size());
    if (cursor && index_pos < size) {
      const std::uint32_t candidate = cursor->next(index_pos);
      result.rules_evaluated += candidate - index_pos;  // certain misses, tested on a real node
      index_pos = candidate;
    }
    if (index_pos >= size) {
      if (depth == 0) {  // end of the built-in chain: its policy decides
        result.verdict = builtin->policy == "DROP" ? WalkVerdict::Drop : WalkVerdict::Accept;
        return;
      }
      --depth;
      chain = stack[depth].chain;
      index_pos = stack[depth].next;
      enter(chain);
      continue;
    }
    const Rule& rule = rules[index_pos];
    const std::uint32_t here = index_pos;
    ++index_pos;
    ++result.rules_evaluated;
    if (!rule_matches(rule, in, packet, env)) continue;
    apply_side_effects(rule, packet, env);
    // One allocation for the usual KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP -> KUBE-MARK-MASQ run.
    if (result.matched.capacity() == 0) result.matched.reserve(8);
    RuleRef ref{table_text, chain->chain->name, here + 1, chain};

    auto finish = [&](WalkVerdict v) {
      result.verdict = v;
      result.decided_by = ref;
      result.matched.push_back(std::move(ref));
    };
    if (std::holds_alternative<NoTarget>(rule.target)) {
      result.matched.push_back(std::move(ref));
      continue;
    }
    if (auto* jump = std::get_if<JumpTarget>(&rule.target)) {
      result.matched.push_back(std::move(ref));
      const ChainIndex* next = chain->jump_target[here];
      if (!next) throw std::logic_error("rule jumps to missing chain " + jump->chain);
      if (depth >= kMaxDepth) throw std::logic_error("netfilter jump depth exceeded in " + jump->chain);
      if (!jump->go_to) stack[depth++] = Frame{chain, index_pos};
      chain = next;
      index_pos = 0;
      enter(chain);
      continue;
    }
    if (std::holds_alternative<ReturnTarget>(rule.target)) {
      result.matched.push_back(std::move(ref));
      index_pos = size;  // falls to the frame pop (or policy) above
      continue;
    }
    if (auto* mark = std::get_if<MarkTarget>(&rule.target)) {
      result.matched.push_back(std::move(ref));
      switch (mark->op) {
        case MarkTarget::Op::Set: packet.mark = mark->value; break;
        case MarkTarget::Op::Or: packet.mark |= mark->value; break;
        case MarkTarget::Op::Xor: packet.mark ^= mark->value; break;
        case MarkTarget::Op::SetXmark: packet.mark = (packet.mark & ~mark->mask) ^ mark->value; break;
      }
      continue;  // MARK is non-terminating
    }
    if (std::holds_alternative<AcceptTarget>(rule.target)) {
      finish(WalkVerdict::Accept);
      return;
    }
    if (std::holds_alternative<DropTarget>(rule.target)) {
      finish(WalkVerdict::Drop);
      return;
    }
    if (auto* reject = std::get_if<RejectTarget>(&rule.target)) {
      result.reject_with = reject->with.empty() ? "icmp-port-unreachable" : reject->with;
      finish(WalkVerdict::Reject);
      return;
    }
    if (auto* dnat = std::get_if<DnatTarget>(&rule.target)) {
      result.dnat = *dnat;
      finish(WalkVerdict::Dnat);
      return;
    }
    if (auto* snat = std::get_if<SnatTarget>(&rule.target)) {
      result.snat = *snat;
      finish(WalkVerdict::Snat);
      return;
    }
    if (auto* masq = std::get_if<MasqueradeTarget>(&rule.target)) {
      result.masquerade = *masq;
      finish(WalkVerdict::Masquerade);
      return;
    }
  }
}

}  // namespace

WalkResult walk_table(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env) {
  WalkResult result;
  walk(table, in, packet, env, true, result);
  return result;
}

void walk_table(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env,
                WalkResult& result) {
  std::vector<RuleRef> matched = std::move(result.matched);
  matched.clear();
  result = WalkResult{};
  result.matched = std::move(matched);
  walk(table, in, packet, env, true, result);
}

WalkResult walk_table_linear(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env) {
  WalkResult result;
  walk(table, in, packet, env, false, result);
  return result;
}

}  // namespace packetwalk::model::datapath
