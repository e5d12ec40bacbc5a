#pragma once
// The window's contents: the replay bar over four panes (object tree, topology, timeline,
// inspector with the rules table below), placed by pane_layout.h. Each frame it first carries out
// what the previous frame asked for (a new probe, a reload) — the only time the snapshot changes —
// then advances the replay and draws every panel from the snapshot.

#include <string>

#include "options.h"
#include "panels/inspector.h"
#include "panels/object_tree.h"
#include "panels/probe_form.h"
#include "panels/replay_bar.h"
#include "panels/rules_table.h"
#include "panels/timeline.h"
#include "panels/topology.h"
#include "snapshot.h"
#include "ui_state.h"

namespace packetwalk::ui::gui {

class Workspace {
public:
  explicit Workspace(Session& session);

  // Applies --probe and --at-hop. False (and `error`) when the probe or hop does not exist.
  bool start(const GuiOptions& options, std::string& error);
  // One frame of `width` x `height` pixels, `dt` seconds after the previous one.
  void frame(float width, float height, double dt);
  // Benchmarks replay forever: restart at the first hop instead of stopping at the last.
  void set_loop(bool loop) { loop_ = loop; }
  UiState& state() { return ui_; }

private:
  void apply_requests();

  Session& session_;
  UiState ui_;
  bool loop_ = false;
  ReplayBar bar_;
  ProbeForm form_;
  ObjectTree tree_;
  TopologyPanel topology_;
  TimelinePanel timeline_;
  Inspector inspector_;
  RulesTable rules_;
};

}  // namespace packetwalk::ui::gui
