// The shared matched-rule lists of netfilter hops (netfilter_index.h, trace/rule_hits.h).
#include <cstdint>
#include <vector>

#include "packetwalk/model/datapath/netfilter_index.h"
#include "packetwalk/model/datapath/netfilter_walk.h"

namespace packetwalk::model::datapath {

namespace {
// Past this many distinct walks the lists start afresh: memory stays bounded however many
// endpoints random choice spreads probes over, and a hop keeps its own list alive.
constexpr std::size_t kMaxMatchedLists = 4096;

std::uint64_t key_of(const std::vector<RuleRef>& matched) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a over (chain, number) pairs
  for (const auto& ref : matched) {
    h = (h ^ reinterpret_cast<std::uintptr_t>(ref.index)) * 0x100000001b3ull;
    h = (h ^ ref.number) * 0x100000001b3ull;
  }
  return h;
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
  const std::uint64_t key = key_of(matched);
  auto found = index.matched_lists.find(key);
  if (found != index.matched_lists.end() && same_rules(found->second, matched)) return found->second.hits;

  TableIndex::MatchedList list;
  list.rules.reserve(matched.size());
  list.hits = trace::RuleHits(matched.size());
  for (std::size_t i = 0; i < matched.size(); ++i) {
    const RuleRef& ref = matched[i];
    list.rules.emplace_back(ref.index, static_cast<std::uint32_t>(ref.number));
    trace::RuleHit& hit = list.hits.at(i);
    hit.table = table_text;
    hit.chain = ref.index->name;
    hit.number = ref.number;
    hit.text = ref.index->rule_text(ref.number - 1);  // rendered once per rule, kept by the index
  }
  // Two walks whose keys collide: the newer one takes the slot, the older is built again if it recurs.
  if (found != index.matched_lists.end()) {
    found->second = std::move(list);
    return found->second.hits;
  }
  if (index.matched_lists.size() >= kMaxMatchedLists) index.matched_lists.clear();
  return index.matched_lists.emplace(key, std::move(list)).first->second.hits;
}

}  // namespace packetwalk::model::datapath
