#pragma once
// Left pane: the scenario's probes (pass/fail), nodes with their pods, namespaces, Services and
// the hosts outside the cluster. With text in the filter box it becomes a flat list of matches,
// clipped so that thousands of pods cost only the visible rows.

#include <string>
#include <vector>

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class ObjectTree {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  struct Entry {
    std::string label;  // what the row shows
    std::string key;    // scene key to select; empty for probes
    int probe = -1;
  };

  void draw_tree(const Snapshot& snap, UiState& ui);
  void draw_matches(const Snapshot& snap, UiState& ui);
  void rebuild_entries(const Snapshot& snap);
  void select_row(const std::string& key, const std::string& label, UiState& ui);

  std::vector<Entry> entries_;  // every object, for the filter
  std::vector<std::size_t> matches_;
  const model::cluster::Cluster* entries_for_ = nullptr;
  std::size_t entries_probes_ = 0;
  std::string matches_for_ = "\x01";
};

}  // namespace packetwalk::ui::gui
