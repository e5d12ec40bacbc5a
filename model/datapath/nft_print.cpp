// `nft list ruleset` text for the nftables model. The format rules are listed in nft_print.h;
// each was read off the real nft 1.0.6 output.

#include "packetwalk/model/datapath/nft_print.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace packetwalk::model::datapath {

namespace {

std::string hex8(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// A /32 prints bare, anything else as a prefix of its network address.
std::string cidr_text(const net::Cidr& c) {
  if (c.prefix_length() == 32) return c.address().to_string();
  return net::Cidr(c.network(), c.prefix_length()).to_string();
}

std::string verdict_text(const NftVerdict& v) {
  switch (v.kind) {
    case NftVerdict::Kind::Continue: return "continue";
    case NftVerdict::Kind::Accept: return "accept";
    case NftVerdict::Kind::Drop: return "drop";
    case NftVerdict::Kind::Return: return "return";
    case NftVerdict::Kind::Jump: return "jump " + v.chain;
    case NftVerdict::Kind::Goto: return "goto " + v.chain;
  }
  return "?";
}

std::string ct_states_text(std::uint8_t bits) {
  std::string out;
  auto add = [&](std::uint8_t bit, const char* name) {
    if (!(bits & bit)) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(kCtInvalid, "invalid");
  add(kCtEstablished, "established");
  add(kCtRelated, "related");
  add(kCtNew, "new");
  return out;
}

const char* field_text(NftField f) {
  switch (f) {
    case NftField::IpSaddr: return "ip saddr";
    case NftField::IpDaddr: return "ip daddr";
    case NftField::L4Proto: return "meta l4proto";
    case NftField::ThDport: return "th dport";
  }
  return "?";
}

struct ExprPrinter {
  std::string& out;
  void sep() {
    if (!out.empty()) out += ' ';
  }
  void operator()(const NftAddrMatch& m) {
    sep();
    out += m.source ? "ip saddr " : "ip daddr ";
    if (m.negate) out += "!= ";
    if (m.cidrs.size() == 1) {
      out += cidr_text(m.cidrs.front());
      return;
    }
    std::vector<net::Cidr> sorted;
    for (const auto& c : m.cidrs) sorted.emplace_back(c.network(), c.prefix_length());
    std::sort(sorted.begin(), sorted.end());
    out += "{ ";
    for (std::size_t i = 0; i < sorted.size(); ++i) out += (i ? ", " : "") + cidr_text(sorted[i]);
    out += " }";
  }
  void operator()(const NftSetMatch& m) {
    sep();
    out += m.source ? "ip saddr " : "ip daddr ";
    if (m.negate) out += "!= ";
    out += "@" + m.set;
  }
  void operator()(const NftProtoMatch& m) {
    sep();
    out += "meta l4proto ";
    out += net::lower_name(m.protocol);
  }
  void operator()(const NftPortMatch& m) {
    sep();
    out += net::lower_name(m.protocol);
    out += " dport " + std::to_string(m.port);
  }
  void operator()(const NftCtStateMatch& m) {
    sep();
    out += "ct state " + ct_states_text(m.states);
  }
  void operator()(const NftMarkMatch& m) {
    sep();
    out += "meta mark & " + hex8(m.mask) + (m.negate ? " != " : " == ") + hex8(m.value);
  }
  void operator()(const NftFibLocalMatch& m) {
    sep();
    out += m.source ? "fib saddr type local" : "fib daddr type local";
  }
  void operator()(const NftVmapLookup& m) {
    sep();
    for (std::size_t i = 0; i < m.key.size(); ++i) out += std::string(i ? " . " : "") + field_text(m.key[i]);
    out += " vmap @" + m.map;
  }
  void operator()(const NftNumgenVmap& m) {
    sep();
    out += "numgen random mod " + std::to_string(m.targets.size()) + " vmap { ";
    for (std::size_t i = 0; i < m.targets.size(); ++i)
      out += (i ? ", " : "") + std::to_string(i) + " : " + verdict_text(m.targets[i]);
    out += " }";
  }
  void operator()(const NftMarkSet& m) {
    sep();
    out += std::string("meta mark set meta mark ") + (m.op == NftMarkSet::Op::Or ? "| " : "^ ") + hex8(m.value);
  }
  void operator()(const NftSetUpdate& m) {
    sep();
    out += "update @" + m.set + " { ip saddr }";
  }
  void operator()(const NftDnat& m) {
    sep();
    out += "dnat to " + m.address.to_string();
    if (m.port) out += ":" + std::to_string(*m.port);
  }
  void operator()(const NftMasquerade& m) {
    sep();
    out += m.fully_random ? "masquerade fully-random" : "masquerade";
  }
  void operator()(const NftReject&) {
    sep();
    out += "reject";
  }
  void operator()(const NftVerdict& v) {
    sep();
    out += verdict_text(v);
  }
};

std::string key_text(const NftSet& s, const NftKey& k) {
  std::string out;
  for (std::size_t i = 0; i < s.key_type.size() && i < k.size; ++i) {
    if (i) out += " . ";
    switch (s.key_type[i]) {
      case NftDataType::Ipv4Addr: out += net::Ipv4Address(k.v[i]).to_string(); break;
      case NftDataType::InetProto: out += net::lower_name(static_cast<net::Protocol>(k.v[i])); break;
      case NftDataType::InetService: out += std::to_string(k.v[i]); break;
    }
  }
  return out;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

void print_set(std::string& out, const NftSet& s) {
  out += std::string("\t") + (s.is_map ? "map " : "set ") + s.name + " {\n\t\ttype ";
  for (std::size_t i = 0; i < s.key_type.size(); ++i) out += std::string(i ? " . " : "") + std::string(nft_data_type_name(s.key_type[i]));
  if (s.is_map) out += " : verdict";
  out += "\n";
  if (s.dynamic) out += "\t\tsize 65535\n\t\tflags dynamic,timeout\n";
  if (s.timeout_seconds) out += "\t\ttimeout " + nft_time_text(s.timeout_seconds) + "\n";
  if (!s.comment.empty()) out += "\t\tcomment " + quoted(s.comment) + "\n";
  if (!s.elements.empty()) {
    std::vector<const NftElement*> sorted;
    bool has_comment = false;
    for (const auto& e : s.elements) {
      sorted.push_back(&e);
      has_comment = has_comment || !e.comment.empty();
    }
    std::sort(sorted.begin(), sorted.end(), [](const NftElement* a, const NftElement* b) { return a->key < b->key; });
    const std::size_t per_line = (s.is_map || has_comment) ? 1 : 2;
    out += "\t\telements = { ";
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (i) out += (i % per_line == 0) ? ",\n\t\t\t     " : ", ";
      out += key_text(s, sorted[i]->key);
      if (!sorted[i]->comment.empty()) out += " comment " + quoted(sorted[i]->comment);
      if (s.is_map) out += " : " + verdict_text(sorted[i]->verdict);
    }
    out += " }\n";
  }
  out += "\t}\n";
}

void print_chain(std::string& out, const NftChain& c) {
  out += "\tchain " + c.name + " {\n";
  if (!c.comment.empty()) out += "\t\tcomment " + quoted(c.comment) + "\n";
  if (c.base) out += "\t\t" + nft_base_chain_text(*c.base) + "\n";
  for (const auto& r : c.rules) out += "\t\t" + nft_rule_text(r) + "\n";
  out += "\t}\n";
}

}  // namespace

std::string nft_element_text(const NftSet& set, const NftElement& e) {
  std::string out = key_text(set, e.key);
  if (!e.comment.empty()) out += " comment " + quoted(e.comment);
  if (set.is_map) out += " : " + verdict_text(e.verdict);
  return out;
}

namespace {
// The rule's text with the verdict-map element or numgen slot that decided.
std::string render_matched(const NftTable& table, std::uint32_t chain, std::uint32_t rule, std::int32_t element) {
  std::string out = nft_rule_text_cached(table, chain, rule);
  for (const auto& e : table.chains()[chain].rules[rule].exprs) {
    if (const auto* m = std::get_if<NftVmapLookup>(&e)) {
      const NftSet& map = table.sets()[m->map_index];
      out += "  # " + nft_element_text(map, map.elements[static_cast<std::size_t>(element)]);
      break;
    }
    if (const auto* n = std::get_if<NftNumgenVmap>(&e)) {
      out += "  # " + std::to_string(element) + " : " + verdict_text(n->targets[static_cast<std::size_t>(element)]);
      break;
    }
  }
  return out;
}

// The table's cache (mutable: filled while the table is only read), with its names rendered.
NftTable::TraceTexts& trace_texts(const NftTable& table) {
  auto& cache = table.text_cache;
  if (cache.chain_names.size() == table.chains().size() && !cache.family_table.empty()) return cache;
  cache = NftTable::TraceTexts{};
  cache.family_table = text::SharedText::interned(table.family() + " " + table.name());
  for (const auto& c : table.chains()) {
    cache.chain_names.push_back(text::SharedText::interned(c.name));
    cache.chain_labels.push_back(text::SharedText::interned(cache.family_table + " " + c.name));
    cache.rules.emplace_back(c.rules.size());
  }
  return cache;
}
}  // namespace

const NftTable::TraceTexts& nft_trace_texts(const NftTable& table) { return trace_texts(table); }

const text::SharedText& nft_rule_text_cached(const NftTable& table, std::uint32_t chain, std::uint32_t rule) {
  auto& texts = trace_texts(table).rules[chain];
  const auto& rules = table.chains()[chain].rules;
  if (texts.size() != rules.size()) texts.assign(rules.size(), text::SharedText());
  if (texts[rule].empty()) texts[rule] = text::SharedText::interned(nft_rule_text(rules[rule]));
  return texts[rule];
}

const text::SharedText& nft_matched_text(const NftTable& table, std::uint32_t chain, std::uint32_t rule,
                                         std::int32_t element) {
  if (element < 0) return nft_rule_text_cached(table, chain, rule);
  auto& matched = trace_texts(table).matched;
  auto [it, fresh] = matched.try_emplace({chain, rule, element});
  if (fresh) it->second = text::SharedText::interned(render_matched(table, chain, rule, element));
  return it->second;
}

std::string nft_rule_text(const NftRule& rule) {
  std::string out;
  ExprPrinter p{out};
  for (std::size_t i = 0; i < rule.exprs.size(); ++i) {
    const auto& e = rule.exprs[i];
    // nft drops `meta l4proto P` when the next expression is a P header match that implies it.
    if (const auto* proto = std::get_if<NftProtoMatch>(&e); proto && i + 1 < rule.exprs.size()) {
      const auto* port = std::get_if<NftPortMatch>(&rule.exprs[i + 1]);
      if (port && port->protocol == proto->protocol) continue;
    }
    std::visit(p, e);
  }
  if (!rule.comment.empty()) out += " comment " + quoted(rule.comment);
  return out;
}

std::string nft_add_rule_text(const NftTable& table, const NftChain& chain, const NftRule& rule) {
  return "add rule " + table.family() + " " + table.name() + " " + chain.name + " " + nft_rule_text(rule);
}

std::string nft_priority_text(NfHook hook, int priority) {
  struct Std { int value; const char* name; };
  static constexpr Std kStd[] = {{-300, "raw"}, {-150, "mangle"}, {-100, "dstnat"}, {0, "filter"}, {50, "security"}, {100, "srcnat"}};
  for (const auto& s : kStd) {
    if (std::abs(priority - s.value) > 10) continue;
    // nft 1.0.6 (std_prio_family_hook_compat) names dstnat only at prerouting and srcnat only at
    // postrouting: it rejects `priority dstnat` on an output chain and lists such a chain as -100.
    // (nft >= 1.0.8 also allows output/input; the number is accepted by every version.)
    if (s.value == -100 && hook != NfHook::Prerouting) break;
    if (s.value == 100 && hook != NfHook::Postrouting) break;
    std::string out = s.name;
    const int offset = priority - s.value;
    if (offset > 0) out += " + " + std::to_string(offset);
    if (offset < 0) out += " - " + std::to_string(-offset);
    return out;
  }
  return std::to_string(priority);
}

std::string nft_base_chain_text(const NftBaseHook& hook) {
  return "type " + std::string(nft_chain_type_name(hook.type)) + " hook " + std::string(nft_hook_name(hook.hook)) +
         " priority " + nft_priority_text(hook.hook, hook.priority) + "; policy " +
         (hook.policy_drop ? "drop" : "accept") + ";";
}

std::string nft_time_text(std::uint32_t seconds) {
  std::string out;
  const std::uint32_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
  if (d) out += std::to_string(d) + "d";
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || out.empty()) out += std::to_string(s) + "s";
  return out;
}

std::string nft_list_table(const NftTable& table) {
  std::string out = "table " + table.family() + " " + table.name() + " {\n";
  if (!table.comment.empty()) out += "\tcomment " + quoted(table.comment) + "\n";
  bool first = true;
  auto gap = [&]() {
    if (!first) out += "\n";
    first = false;
  };
  for (const auto& s : table.sets()) {
    gap();
    print_set(out, s);
  }
  for (const auto& c : table.chains()) {
    gap();
    print_chain(out, c);
  }
  out += "}\n";
  return out;
}

std::string nft_list_ruleset(const NftRuleset& ruleset) {
  std::string out;
  for (const auto& t : ruleset.tables) out += nft_list_table(t);
  return out;
}

}  // namespace packetwalk::model::datapath
