// The shared matched-rule lists of netfilter hops (netfilter_index.h, trace/rule_hits.h).
#include <cstdint>
#include <vector>

#include "packetwalk/model/datapath/netfilter_index.h"
#include "packetwalk/model/datapath/netfilter_walk.h"

namespace packetwalk::model::datapath {

namespace {
// The slot: from the first and last matched rules and the count, which tell apart the walks a
// table sees (they share prefixes like "-A PREROUTING -j KUBE-SERVICES"). Cheap, not a full hash:
// same_rules decides.
std::size_t slot_of(const std::vector<RuleRef>& matched) {
  const RuleRef& first = matched.front();
  const RuleRef& last = matched.back();
  const std::uint64_t a = (reinterpret_cast<std::uintptr_t>(first.index) + first.number) * 0x9e3779b97f4a7c15ull;
  const std::uint64_t b = (reinterpret_cast<std::uintptr_t>(last.index) + last.number + matched.size()) * 0xc2b2ae3d27d4eb4full;
  return static_cast<std::size_t>((a ^ b) >> 58);  // the top bits mix best: 64 slots, no division
}

bool same_rules(const TableIndex::MatchedList& kept, const std::vector<RuleRef>& matched) {
  if (kept.rules.size() != matched.size()) return false;
  for (std::size_t i = 0; i < matched.size(); ++i) {
    if (kept.rules[i].first != matched[i].index || kept.rules[i].second != matched[i].number) return false;
  }
  return true;
}
}  // namespace

const trace::RuleHits& matched_hits(const TableIndex& index, const std::vector<RuleRef>& matched,
                                    const text::SharedText& table_text) {
  static const trace::RuleHits kNone;
  if (matched.empty()) return kNone;
  if (!index.matched_lists) index.matched_lists = std::make_unique<std::array<TableIndex::MatchedList, TableIndex::kMatchedListSlots>>();
  static_assert(TableIndex::kMatchedListSlots == 64);
  TableIndex::MatchedList& slot = (*index.matched_lists)[slot_of(matched)];
  if (same_rules(slot, matched)) return slot.hits;

  slot.rules.clear();  // keeps its capacity; a hop holding the old list keeps that list alive
  slot.hits = trace::RuleHits(matched.size());
  for (std::size_t i = 0; i < matched.size(); ++i) {
    const RuleRef& ref = matched[i];
    slot.rules.emplace_back(ref.index, static_cast<std::uint32_t>(ref.number));
    trace::RuleHit& hit = slot.hits.at(i);
    hit.table = table_text;
    hit.chain = ref.index->name;
    hit.number = ref.number;
    hit.text = ref.index->rule_text(ref.number - 1);  // rendered once per rule, kept by the index
  }
  return slot.hits;
}

}  // namespace packetwalk::model::datapath
