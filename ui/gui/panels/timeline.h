#pragma once
// Simulated time, running downwards; one lane per probe, side by side (the selected one wide and
// labelled). Idle stretches are squeezed (time_axis.h) and shown as grey bands saying how long
// they were. Wheel zooms around the mouse, drag pans, a click on a lane selects its probe and a
// click on a mark of the selected lane moves the replay to that hop. While playing, the view
// follows the cursor.

#include <memory>
#include <vector>

#include "../snapshot.h"
#include "../timeline/probe_lane.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class TimelinePanel {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  void sync_lanes(const Snapshot& snap);
  void fit(const Snapshot& snap, UiState& ui) const;
  void handle_input(UiState& ui, const TimelineView& view, const std::vector<float>& lane_x, float lane_end);
  void draw_gaps(ImDrawList* dl, const TimelineView& view, float x1) const;

  std::vector<std::unique_ptr<ProbeLane>> lanes_;
  const Snapshot* lanes_for_ = nullptr;
  const model::cluster::Cluster* lanes_cluster_ = nullptr;
  std::size_t lanes_probes_ = 0;
};

}  // namespace packetwalk::ui::gui
