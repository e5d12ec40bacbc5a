#include "packetwalk/model/datapath/netfilter_walk.h"

#include <stdexcept>

namespace packetwalk::model::datapath {

namespace {

bool iface_matches(const std::string& pattern, const std::string& name) {
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
    bool local = env.is_local_address(m.source ? packet.src : packet.dst);
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
  bool operator()(const SetMatch& m) const { return env.set_contains(m, packet) != m.negate; }
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

WalkResult walk_table(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env) {
  WalkResult result;
  const Chain* chain = table.find(std::string(hook_name(in.hook)));
  if (!chain) return result;  // table not attached at this hook: nothing to do

  struct Frame { const Chain* chain; std::size_t next; };
  std::vector<Frame> stack;
  const Chain* builtin = chain;
  std::size_t index = 0;
  constexpr std::size_t kMaxDepth = 64;  // the kernel also bounds jump depth; a loop is a bug in the rules

  while (true) {
    if (index >= chain->rules.size()) {
      if (stack.empty()) {  // end of the built-in chain: its policy decides
        result.verdict = builtin->policy == "DROP" ? WalkVerdict::Drop : WalkVerdict::Accept;
        return result;
      }
      chain = stack.back().chain;
      index = stack.back().next;
      stack.pop_back();
      continue;
    }
    const Rule& rule = chain->rules[index];
    RuleRef ref{std::string(table_name(table.kind)), chain->name, index + 1};
    ++index;
    ++result.rules_evaluated;
    if (!rule_matches(rule, in, packet, env)) continue;
    apply_side_effects(rule, packet, env);
    result.matched.push_back(ref);

    auto finish = [&](WalkVerdict v) {
      result.verdict = v;
      result.decided_by = ref;
      return result;
    };
    if (std::holds_alternative<NoTarget>(rule.target)) continue;
    if (auto* jump = std::get_if<JumpTarget>(&rule.target)) {
      const Chain* next = table.find(jump->chain);
      if (!next) throw std::logic_error("rule jumps to missing chain " + jump->chain);
      if (stack.size() >= kMaxDepth) throw std::logic_error("netfilter jump depth exceeded in " + jump->chain);
      if (!jump->go_to) stack.push_back({chain, index});
      chain = next;
      index = 0;
      continue;
    }
    if (std::holds_alternative<ReturnTarget>(rule.target)) {
      index = chain->rules.size();  // falls to the frame pop (or policy) above
      continue;
    }
    if (auto* mark = std::get_if<MarkTarget>(&rule.target)) {
      switch (mark->op) {
        case MarkTarget::Op::Set: packet.mark = mark->value; break;
        case MarkTarget::Op::Or: packet.mark |= mark->value; break;
        case MarkTarget::Op::Xor: packet.mark ^= mark->value; break;
      }
      continue;  // MARK is non-terminating
    }
    if (std::holds_alternative<AcceptTarget>(rule.target)) return finish(WalkVerdict::Accept);
    if (std::holds_alternative<DropTarget>(rule.target)) return finish(WalkVerdict::Drop);
    if (auto* reject = std::get_if<RejectTarget>(&rule.target)) {
      result.reject_with = reject->with.empty() ? "icmp-port-unreachable" : reject->with;
      return finish(WalkVerdict::Reject);
    }
    if (auto* dnat = std::get_if<DnatTarget>(&rule.target)) {
      result.dnat = *dnat;
      return finish(WalkVerdict::Dnat);
    }
    if (auto* snat = std::get_if<SnatTarget>(&rule.target)) {
      result.snat = *snat;
      return finish(WalkVerdict::Snat);
    }
    if (auto* masq = std::get_if<MasqueradeTarget>(&rule.target)) {
      result.masquerade = *masq;
      return finish(WalkVerdict::Masquerade);
    }
  }
}

}  // namespace packetwalk::model::datapath
