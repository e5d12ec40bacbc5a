// The non-walking parts of the netfilter model: tables, chains and their built-in layout.
// (The walk itself lives in netfilter_walk.cpp; printing in netfilter_save.cpp.)

#include "packetwalk/model/datapath/netfilter.h"

#include <array>
#include <utility>

namespace packetwalk::model::datapath {

std::string_view hook_name(NfHook h) {
  switch (h) {
    case NfHook::Prerouting: return "PREROUTING";
    case NfHook::Input: return "INPUT";
    case NfHook::Forward: return "FORWARD";
    case NfHook::Output: return "OUTPUT";
    case NfHook::Postrouting: return "POSTROUTING";
  }
  return "?";
}

std::string_view table_name(NfTableKind t) {
  switch (t) {
    case NfTableKind::Raw: return "raw";
    case NfTableKind::Mangle: return "mangle";
    case NfTableKind::Nat: return "nat";
    case NfTableKind::Filter: return "filter";
  }
  return "?";
}

// Which built-in chains each table registers, as the kernel modules iptable_raw, iptable_mangle,
// iptable_nat and iptable_filter do (their `valid_hooks` masks).
bool table_has_hook(NfTableKind t, NfHook h) {
  switch (t) {
    case NfTableKind::Raw: return h == NfHook::Prerouting || h == NfHook::Output;
    case NfTableKind::Mangle: return true;
    case NfTableKind::Nat: return h != NfHook::Forward;
    case NfTableKind::Filter: return h == NfHook::Input || h == NfHook::Forward || h == NfHook::Output;
  }
  return false;
}

Chain& Table::chain(const std::string& name) {
  index_cache.reset();  // the caller may change the chain through the reference
  auto it = chains.find(name);
  if (it == chains.end()) {
    Chain c;
    c.name = name;
    c.builtin = false;  // user chains have no policy; the printer shows "-"
    it = chains.emplace(name, std::move(c)).first;
  }
  return it->second;
}

const Chain* Table::find(const std::string& name) const {
  auto it = chains.find(name);
  return it == chains.end() ? nullptr : &it->second;
}

void Table::append(const std::string& chain_name, Rule rule) { chain(chain_name).rules.push_back(std::move(rule)); }  // chain() drops the index

void Table::prepend(const std::string& chain_name, Rule rule) {
  auto& rules = chain(chain_name).rules;
  rules.insert(rules.begin(), std::move(rule));
}

Netfilter::Netfilter() {
  constexpr std::array<NfHook, 5> kHooks{NfHook::Prerouting, NfHook::Input, NfHook::Forward, NfHook::Output,
                                         NfHook::Postrouting};
  for (Table* t : {&raw, &mangle, &nat, &filter}) {
    for (NfHook h : kHooks) {
      if (!table_has_hook(t->kind, h)) continue;
      Chain c;
      c.name = std::string(hook_name(h));
      c.builtin = true;
      c.policy = "ACCEPT";
      t->chains.emplace(c.name, std::move(c));
    }
  }
}

}  // namespace packetwalk::model::datapath
