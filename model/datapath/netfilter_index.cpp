#include "packetwalk/model/datapath/netfilter_index.h"

#include <algorithm>
#include <memory>

#include "packetwalk/model/datapath/netfilter_save.h"

namespace packetwalk::model::datapath {

std::uint64_t index_key(net::Ipv4Address dst, net::Protocol proto, net::Port dport) {
  return (std::uint64_t{dst.value()} << 32) | (std::uint64_t{static_cast<std::uint8_t>(proto)} << 16) | dport;
}

std::uint32_t index_key(net::Protocol proto, net::Port dport) {
  return (std::uint32_t{static_cast<std::uint8_t>(proto)} << 16) | dport;
}

const text::SharedText& ChainIndex::render_rule_text(std::size_t i) const {
  if (text.size() != chain->rules.size()) text.assign(chain->rules.size(), text::SharedText());
  // Interned: a trace holds the text without a count, and only rules some trace matched are rendered.
  if (text[i].empty()) text[i] = text::SharedText::interned(rule_to_string(chain->name, chain->rules[i]));
  return text[i];
}

namespace {

struct Key {
  bool keyed = false;
  bool has_address = false;
  std::uint64_t address_key = 0;
  std::uint32_t port_key = 0;
};

// See the header: which packets a rule can possibly match, when that is one (proto, dport).
Key key_of(const Rule& r) {
  Key k;
  const PortMatch* port = nullptr;
  for (const auto& m : r.modules) {
    if (std::holds_alternative<StatisticMatch>(m) || std::holds_alternative<RecentMatch>(m)) return k;
    if (const auto* p = std::get_if<PortMatch>(&m)) {
      if (port) return k;  // two port matches: leave it to the walk
      port = p;
    }
  }
  if (!port || !port->dport || port->negate_dport || port->dport->first != port->dport->second) return k;
  if (r.protocol && (r.protocol->negate || r.protocol->value != port->protocol)) return k;
  k.keyed = true;
  k.port_key = index_key(port->protocol, port->dport->first);
  if (r.destination && !r.destination->negate && r.destination->value.prefix_length() == 32) {
    k.has_address = true;
    k.address_key = index_key(r.destination->value.address(), port->protocol, port->dport->first);
  }
  return k;
}

void build_candidates(ChainIndex& ci) {
  const auto& rules = ci.chain->rules;
  ci.indexed = true;
  for (std::uint32_t i = 0; i < rules.size(); ++i) {
    Key k = key_of(rules[i]);
    if (!k.keyed) ci.always.push_back(i);
    else if (k.has_address) ci.by_address[k.address_key].push_back(i);
    else ci.by_port[k.port_key].push_back(i);
  }
}

std::shared_ptr<const TableIndex> build(const Table& table) {
  auto index = std::make_shared<TableIndex>();
  index->owner = &table;
  index->chain_count = table.chains.size();
  index->chains.resize(table.chains.size());
  auto& by_chain = index->by_chain;
  std::size_t i = 0;
  for (const auto& [name, chain] : table.chains) {
    index->chains[i].chain = &chain;
    index->chains[i].name = text::SharedText::interned(name);
    by_chain.emplace(&chain, &index->chains[i]);
    ++i;
  }
  for (auto& ci : index->chains) {
    const auto& rules = ci.chain->rules;
    ci.jump_target.assign(rules.size(), nullptr);
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const auto* jump = std::get_if<JumpTarget>(&rules[r].target);
      if (!jump) continue;
      if (const Chain* target = table.find(jump->chain)) ci.jump_target[r] = by_chain.at(target);
    }
    if (rules.size() >= kIndexedChainLength) build_candidates(ci);
  }
  for (NfHook h : {NfHook::Prerouting, NfHook::Input, NfHook::Forward, NfHook::Output, NfHook::Postrouting}) {
    const Chain* c = table.find(std::string(hook_name(h)));
    if (!c) continue;
    index->builtin[static_cast<int>(h)] = by_chain.at(c);
    index->idle[static_cast<int>(h)] = c->rules.empty() && c->policy != "DROP";
  }
  return index;
}

}  // namespace

const TableIndex& rebuild_table_index(const Table& table) {
  table.index_cache = build(table);
  return *table.index_cache;
}

CandidateCursor::CandidateCursor(const ChainIndex& c, const net::Packet& p) : chain_(&c) {
  if (!c.indexed) return;
  if (auto it = c.by_address.find(index_key(p.dst, p.protocol, p.dport)); it != c.by_address.end()) lists_[0] = &it->second;
  if (auto it = c.by_port.find(index_key(p.protocol, p.dport)); it != c.by_port.end()) lists_[1] = &it->second;
  lists_[2] = &c.always;
}

std::uint32_t CandidateCursor::next(std::uint32_t from) const {
  const auto size = static_cast<std::uint32_t>(chain_->chain->rules.size());
  if (!chain_->indexed) return from;  // every rule is a candidate
  std::uint32_t best = size;
  for (const auto* list : lists_) {
    if (!list) continue;
    auto it = std::lower_bound(list->begin(), list->end(), from);
    if (it != list->end() && *it < best) best = *it;
  }
  return best;
}

}  // namespace packetwalk::model::datapath
