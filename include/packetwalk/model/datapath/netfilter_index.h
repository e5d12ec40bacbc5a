#pragma once
// A lookup cache over one iptables Table, so that walking KUBE-SERVICES with 10,000 Services costs
// a hash lookup instead of 10,000 rule tests — while the walk still reports the count a real node
// pays (rules_evaluated is the in-order count; see walk_table).
//
// For each chain: the resolved jump target of each rule, the rendered text of each rule (made on
// first use: traces show matched rules), and for long chains a candidate index. A rule is
// "keyed" when it can match only one (protocol, destination port) — it has a single non-negated
// --dport — optionally with one destination address (-d a.b.c.d/32), and testing it has no side
// effects (no statistic or recent match). Rules that are not keyed are candidates for every packet.
// For a packet, the candidates are the keyed rules of its (dst, proto, dport) and (proto, dport)
// and the unkeyed rules, in rule order; every other rule is certain to fail without side effects,
// so skipping it changes nothing but the time taken.
//
// Validity: the cache belongs to one Table object (its address) with a given number of chains;
// Table's mutators drop it, and the walker rebuilds it when the owner or chain count differ.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/net/packet.h"
#include "packetwalk/model/text/shared_text.h"
#include "packetwalk/model/trace/rule_hits.h"

namespace packetwalk::model::datapath {

struct ChainIndex {
  const Chain* chain = nullptr;
  text::SharedText name;                       // the chain's name, shared by the trace hops naming it
  std::vector<const ChainIndex*> jump_target;  // per rule; nullptr when the target is not a jump
  mutable std::vector<text::SharedText> text;  // per rule, "-A CHAIN ..." once rendered

  // Candidate index (only for chains of at least kIndexedChainLength rules).
  bool indexed = false;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_address;  // (dst, proto, dport)
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> by_port;     // (proto, dport)
  std::vector<std::uint32_t> always;                                          // unkeyed rules

  // Rendered on first use, then shared. The check is inline: every matched rule of a trace asks.
  const text::SharedText& rule_text(std::size_t i) const {
    if (i < text.size() && !text[i].empty()) return text[i];
    return render_rule_text(i);
  }

 private:
  const text::SharedText& render_rule_text(std::size_t i) const;
};

struct TableIndex {
  const Table* owner = nullptr;
  std::size_t chain_count = 0;
  std::vector<ChainIndex> chains;
  const ChainIndex* builtin[5] = {nullptr, nullptr, nullptr, nullptr, nullptr};  // by NfHook
  // By NfHook: the table is not attached there, or its built-in chain is empty with policy
  // ACCEPT, so a walk would change nothing. Most of a probe's hook lookups end here, without
  // touching the chains themselves.
  bool idle[5] = {true, true, true, true, true};
  std::unordered_map<const Chain*, const ChainIndex*> by_chain;

  const ChainIndex* of(const Chain* c) const {
    auto it = by_chain.find(c);
    return it == by_chain.end() ? nullptr : it->second;
  }

  // The matched-rule lists trace hops share (rule_hits.h), found by the walk's matched rules
  // (matched_hits below): a direct-mapped cache of the lists recent walks made, where a walk
  // whose slot holds another walk's list makes its own and takes the slot. Kept with the index,
  // so a changed table, whose index is rebuilt, starts afresh. Made at the first matching walk.
  struct MatchedList {
    std::vector<std::pair<const ChainIndex*, std::uint32_t>> rules;  // (chain, 1-based number)
    trace::RuleHits hits;
  };
  static constexpr std::size_t kMatchedListSlots = 64;
  mutable std::unique_ptr<std::array<MatchedList, kMatchedListSlots>> matched_lists;
};

inline constexpr std::size_t kIndexedChainLength = 16;

struct RuleRef;  // netfilter_walk.h
// The hop's list for a walk of this table that matched `matched`: the one kept from an earlier
// walk that matched the same rules, else a new one (texts as iptables-save prints the rules),
// kept for the next. The reference is valid until the next call for this table.
const trace::RuleHits& matched_hits(const TableIndex& index, const std::vector<RuleRef>& matched,
                                    const text::SharedText& table_text);

// The table's cache, built (or rebuilt) when missing or stale. The freshness check is inline:
// the engine asks at every hook a packet passes, and the answer is nearly always "fresh".
const TableIndex& rebuild_table_index(const Table& table);
inline const TableIndex& table_index(const Table& table) {
  const TableIndex* index = table.index_cache.get();
  if (index && index->owner == &table && index->chain_count == table.chains.size()) return *index;
  return rebuild_table_index(table);
}

// The cursor over one chain's candidates for one packet. next(i) gives the first candidate rule at
// or after position i, or the chain length when none is left.
class CandidateCursor {
public:
  CandidateCursor(const ChainIndex& c, const net::Packet& p);
  std::uint32_t next(std::uint32_t from) const;

private:
  const ChainIndex* chain_;
  const std::vector<std::uint32_t>* lists_[3] = {nullptr, nullptr, nullptr};
};

std::uint64_t index_key(net::Ipv4Address dst, net::Protocol proto, net::Port dport);
std::uint32_t index_key(net::Protocol proto, net::Port dport);

}  // namespace packetwalk::model::datapath
