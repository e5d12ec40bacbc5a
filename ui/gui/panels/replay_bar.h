#pragma once
// The bar across the top: which probe, its outcome, and the replay controls (first, step back,
// play/pause, step forward, last, speed) with a scrubber over the probe's hops. Keys: Space
// plays/pauses, Left/Right step, Home/End jump.

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class ReplayBar {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  void draw_probe_picker(const Snapshot& snap, UiState& ui);
  void draw_transport(const ProbeView& p, UiState& ui);
  void handle_keys(const ProbeView& p, UiState& ui);
};

// Selects probe `index`: cursor on its first hop, paused, the timeline refitted.
void select_probe(UiState& ui, int index);

}  // namespace packetwalk::ui::gui
