#pragma once
// Where each pane sits in the window, as a pure function of the window size: the workspace draws
// with it and the screenshot tests check colours inside the same rectangles. Panes read left to
// right: object tree, topology, timeline, inspector (with the node's rule table below it); the
// replay bar runs across the top.

namespace packetwalk::ui::gui {

struct PaneRect {
  float x = 0, y = 0, w = 0, h = 0;
};

struct PaneLayout {
  PaneRect replay_bar;
  PaneRect object_tree;
  PaneRect topology;
  PaneRect timeline;
  PaneRect inspector;
  PaneRect rules;
};

inline PaneLayout compute_pane_layout(float width, float height) {
  constexpr float kBarH = 62;
  PaneLayout l;
  l.replay_bar = {0, 0, width, kBarH};
  const float body_y = kBarH, body_h = height - kBarH;
  // Fixed shares of the width, with floors so labels stay readable on small windows.
  const float tree_w = width * 0.14f < 170 ? 170 : width * 0.14f;
  const float timeline_w = width * 0.17f < 200 ? 200 : width * 0.17f;
  const float inspector_w = width * 0.28f < 340 ? 340 : width * 0.28f;
  float topo_w = width - tree_w - timeline_w - inspector_w;
  if (topo_w < 200) topo_w = 200;
  float x = 0;
  l.object_tree = {x, body_y, tree_w, body_h};
  x += tree_w;
  l.topology = {x, body_y, topo_w, body_h};
  x += topo_w;
  l.timeline = {x, body_y, timeline_w, body_h};
  x += timeline_w;
  const float insp_h = body_h * 0.56f;
  l.inspector = {x, body_y, width - x, insp_h};
  l.rules = {x, body_y + insp_h, width - x, body_h - insp_h};
  return l;
}

// The fault panel, when open, takes the lower part of the object tree's column: the topology
// and the timeline stay in view, so a fault's effect on the selected probe shows at once.
inline PaneRect tree_above_faults(const PaneLayout& l) { return {l.object_tree.x, l.object_tree.y, l.object_tree.w, l.object_tree.h * 0.5f}; }
inline PaneRect fault_pane(const PaneLayout& l) {
  return {l.object_tree.x, l.object_tree.y + l.object_tree.h * 0.5f, l.object_tree.w, l.object_tree.h * 0.5f};
}
// The load error banner: across the top of the topology pane.
inline PaneRect error_banner(const PaneLayout& l) { return {l.topology.x + 8, l.topology.y + 30, l.topology.w + l.timeline.w - 16, 110}; }

// The diff view, when open, covers the topology and the timeline: its rows are wide.
inline PaneRect diff_pane(const PaneLayout& l) { return {l.topology.x, l.topology.y, l.topology.w + l.timeline.w, l.topology.h}; }

}  // namespace packetwalk::ui::gui
