#include "rule_listing.h"

#include "packetwalk/model/datapath/netfilter_save.h"

namespace packetwalk::ui::gui {

namespace dp = model::datapath;

RuleListing::RuleListing(const dp::Netfilter& nf) {
  // Same tables, same order as save_netfilter(): filter, nat, then mangle and raw when modified.
  add_table(nf.filter);
  add_table(nf.nat);
  if (dp::table_is_modified(nf.mangle)) add_table(nf.mangle);
  if (dp::table_is_modified(nf.raw)) add_table(nf.raw);
}

void RuleListing::add_table(const dp::Table& t) {
  const auto chains = dp::canonical_chain_order(t);
  const std::string table(dp::table_name(t.kind));
  lines_.push_back({t.kind, "", 0, "*" + table});
  for (const dp::Chain* c : chains)
    lines_.push_back({t.kind, c->name, 0, ":" + c->name + " " + (c->builtin ? c->policy : std::string("-")) + " [0:0]"});
  for (const dp::Chain* c : chains) {
    std::uint32_t n = 0;
    for (const dp::Rule& r : c->rules) {
      ++n;
      index_[{table, c->name, n}] = static_cast<int>(lines_.size());
      lines_.push_back({t.kind, c->name, n, dp::rule_to_string(c->name, r)});
      ++rule_count_;
    }
  }
  lines_.push_back({t.kind, "", 0, "COMMIT"});
}

int RuleListing::find(const model::trace::RuleHit& hit) const {
  auto it = index_.find({hit.table, hit.chain, static_cast<std::uint32_t>(hit.number)});
  return it == index_.end() ? -1 : it->second;
}

}  // namespace packetwalk::ui::gui
