#pragma once
// The cluster's picture (layout/graph_layout.h) with the selected probe's packet moving over it:
// the path so far per leg (forward orange, replies teal; earlier legs fainter), the packet
// marker at the replay cursor, a red cross where a packet was dropped, and the Service whose VIP
// the packet is addressed to. Wheel zooms around the mouse, drag pans, click selects, "Fit"
// frames everything. Items off screen are skipped and text is dropped when too small to read,
// so a thousand pods cost little.

#include <imgui.h>

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class TopologyPanel {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  ImVec2 to_screen(Vec2 w) const { return ImVec2(origin_.x + (w.x - pan_.x) * zoom_, origin_.y + (w.y - pan_.y) * zoom_); }
  Vec2 to_world(ImVec2 s) const { return {(s.x - origin_.x) / zoom_ + pan_.x, (s.y - origin_.y) / zoom_ + pan_.y}; }

  void handle_input(const Snapshot& snap, UiState& ui, ImVec2 size);
  void draw_scene(ImDrawList* dl, const Snapshot& snap, const UiState& ui, ImVec2 size) const;
  void draw_item(ImDrawList* dl, const SceneItem& it, float text_size) const;
  void draw_packet(ImDrawList* dl, const Snapshot& snap, const UiState& ui) const;
  int hit(const Scene& scene, Vec2 world) const;

  ImVec2 origin_;
  float zoom_ = 1;
  Vec2 pan_;
};

}  // namespace packetwalk::ui::gui
