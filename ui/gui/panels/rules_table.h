#pragma once
// Right pane, bottom: a namespace's whole netfilter ruleset as `iptables-save` prints it, with the
// rules the current hop matched highlighted and scrolled into view. It follows the hop under the
// cursor (when that namespace has rules) or the node selected elsewhere. Searchable, filterable by
// table, and clipped: only the visible lines are submitted, so thousands of kube-proxy rules
// cost nothing.

#include <string>
#include <vector>

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class RulesTable {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  model::datapath::NetnsId pick_netns(const Snapshot& snap, UiState& ui) const;
  void refilter(const RuleListing& listing, const UiState& ui);
  void find_hits(const Snapshot& snap, const UiState& ui, const RuleListing& listing);

  // Cache of the filtered rows, rebuilt when listing, search text or table choice change.
  const RuleListing* rows_for_ = nullptr;
  std::string rows_filter_ = "\x01";
  int rows_table_ = -2;
  std::vector<int> rows_;  // indices into listing.lines()

  // Lines the current hop matched, recomputed when the hop changes.
  const RuleListing* hits_for_listing_ = nullptr;
  int hits_probe_ = -2;
  std::size_t hits_hop_ = 0;
  std::vector<int> hits_;
  bool scroll_pending_ = false;
};

}  // namespace packetwalk::ui::gui
