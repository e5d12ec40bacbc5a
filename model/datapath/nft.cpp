// The non-walking parts of the nftables model: building tables and linking names to positions.
// (Walking lives in nft_walk.cpp, printing in nft_print.cpp.)

#include "packetwalk/model/datapath/nft.h"

#include <algorithm>
#include <stdexcept>

namespace packetwalk::model::datapath {

std::string_view nft_chain_type_name(NftChainType t) { return t == NftChainType::Nat ? "nat" : "filter"; }

std::string_view nft_hook_name(NfHook h) {
  switch (h) {
    case NfHook::Prerouting: return "prerouting";
    case NfHook::Input: return "input";
    case NfHook::Forward: return "forward";
    case NfHook::Output: return "output";
    case NfHook::Postrouting: return "postrouting";
  }
  return "?";
}

std::string_view nft_data_type_name(NftDataType t) {
  switch (t) {
    case NftDataType::Ipv4Addr: return "ipv4_addr";
    case NftDataType::InetProto: return "inet_proto";
    case NftDataType::InetService: return "inet_service";
  }
  return "?";
}

NftChain& NftTable::chain(const std::string& name) {
  linked_ = false;
  auto it = chain_pos_.find(name);
  if (it != chain_pos_.end()) return chains_[it->second];
  chain_pos_.emplace(name, static_cast<std::uint32_t>(chains_.size()));
  chains_.push_back(NftChain{name, std::nullopt, {}, {}});
  return chains_.back();
}

NftChain& NftTable::base_chain(const std::string& name, NftBaseHook hook) {
  NftChain& c = chain(name);
  c.base = hook;
  return c;
}

NftSet& NftTable::set(const std::string& name) {
  linked_ = false;
  auto it = set_pos_.find(name);
  if (it != set_pos_.end()) return sets_[it->second];
  set_pos_.emplace(name, static_cast<std::uint32_t>(sets_.size()));
  sets_.push_back(NftSet{});
  sets_.back().name = name;
  return sets_.back();
}

void NftTable::add_element(const std::string& set_name, NftElement e) {
  NftSet& s = set(set_name);
  // `add element` of a key that exists is a no-op in nft (the first value stays).
  if (!s.index.emplace(e.key, static_cast<std::uint32_t>(s.elements.size())).second) return;
  s.elements.push_back(std::move(e));
}

void NftTable::flush_chain(const std::string& name) { chain(name).rules.clear(); }

void NftTable::delete_chain(const std::string& name) {
  auto it = chain_pos_.find(name);
  if (it == chain_pos_.end()) return;
  linked_ = false;
  chains_.erase(chains_.begin() + it->second);
  chain_pos_.clear();
  for (std::uint32_t i = 0; i < chains_.size(); ++i) chain_pos_.emplace(chains_[i].name, i);
}

const NftChain* NftTable::find_chain(const std::string& name) const {
  auto it = chain_pos_.find(name);
  return it == chain_pos_.end() ? nullptr : &chains_[it->second];
}

const NftSet* NftTable::find_set(const std::string& name) const {
  auto it = set_pos_.find(name);
  return it == set_pos_.end() ? nullptr : &sets_[it->second];
}

std::optional<std::uint32_t> NftTable::chain_position(const std::string& name) const {
  auto it = chain_pos_.find(name);
  if (it == chain_pos_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint32_t> NftTable::set_position(const std::string& name) const {
  auto it = set_pos_.find(name);
  if (it == set_pos_.end()) return std::nullopt;
  return it->second;
}

void NftTable::link() {
  auto resolve_chain = [&](NftVerdict& v) {
    if (v.kind != NftVerdict::Kind::Jump && v.kind != NftVerdict::Kind::Goto) return;
    auto pos = chain_position(v.chain);
    if (!pos) throw std::logic_error("nft table " + name_ + ": jump to missing chain " + v.chain);
    v.target = *pos;
  };
  auto resolve_set = [&](const std::string& set_name, std::uint32_t& index) {
    auto pos = set_position(set_name);
    if (!pos) throw std::logic_error("nft table " + name_ + ": reference to missing set " + set_name);
    index = *pos;
  };
  for (auto& c : chains_) {
    for (auto& r : c.rules) {
      for (auto& e : r.exprs) {
        if (auto* v = std::get_if<NftVerdict>(&e)) resolve_chain(*v);
        else if (auto* n = std::get_if<NftNumgenVmap>(&e)) for (auto& t : n->targets) resolve_chain(t);
        else if (auto* m = std::get_if<NftVmapLookup>(&e)) resolve_set(m->map, m->map_index);
        else if (auto* s = std::get_if<NftSetMatch>(&e)) resolve_set(s->set, s->set_index);
        else if (auto* u = std::get_if<NftSetUpdate>(&e)) resolve_set(u->set, u->set_index);
      }
    }
  }
  for (auto& s : sets_) {
    s.index.clear();
    s.index.reserve(s.elements.size());
    for (std::uint32_t i = 0; i < s.elements.size(); ++i) {
      resolve_chain(s.elements[i].verdict);
      s.index.emplace(s.elements[i].key, i);
    }
  }
  text_cache = TraceTexts{};
  linked_ = true;
}

NftTable* NftRuleset::find(const std::string& family, const std::string& name) {
  for (auto& t : tables)
    if (t.family() == family && t.name() == name) return &t;
  return nullptr;
}

const NftTable* NftRuleset::find(const std::string& family, const std::string& name) const {
  return const_cast<NftRuleset*>(this)->find(family, name);
}

NftTable& NftRuleset::table(const std::string& family, const std::string& name) {
  if (auto* t = find(family, name)) return *t;
  tables.emplace_back(family, name);
  return tables.back();
}

void NftRuleset::link() {
  for (auto& h : hooks_) h.clear();
  for (std::uint32_t ti = 0; ti < tables.size(); ++ti) {
    tables[ti].link();
    const auto& chains = tables[ti].chains();
    for (std::uint32_t ci = 0; ci < chains.size(); ++ci) {
      if (!chains[ci].base) continue;
      hooks_[static_cast<int>(chains[ci].base->hook)].push_back({ti, ci, *chains[ci].base});
    }
  }
  for (auto& h : hooks_)
    std::stable_sort(h.begin(), h.end(),
                     [](const NftHookEntry& a, const NftHookEntry& b) { return a.hook.priority < b.hook.priority; });
}

NftKey nft_packet_key(const std::vector<NftField>& fields, net::Ipv4Address src, net::Ipv4Address dst,
                      net::Protocol protocol, net::Port dport) {
  NftKey k;
  for (NftField f : fields) {
    std::uint32_t v = 0;
    switch (f) {
      case NftField::IpSaddr: v = src.value(); break;
      case NftField::IpDaddr: v = dst.value(); break;
      case NftField::L4Proto: v = static_cast<std::uint32_t>(protocol); break;
      case NftField::ThDport: v = dport; break;
    }
    if (k.size < 3) k.v[k.size++] = v;
  }
  return k;
}

}  // namespace packetwalk::model::datapath
