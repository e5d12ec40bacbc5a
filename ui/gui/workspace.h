#pragma once
// The window's contents: the replay bar over four panes (object tree, topology, timeline,
// inspector with the rules table below), placed by pane_layout.h. Each frame it first carries out
// what the previous frame asked for (a new probe, a reload) — the only time the snapshot changes —
// then advances the replay and draws every panel from the snapshot.

#include <optional>
#include <string>

#include "options.h"
#include "diff_data.h"
#include "panels/diff_panel.h"
#include "panels/export_form.h"
#include "panels/file_dialog.h"
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

  // Applies --probe and --at-hop, and queues --export-json / --export-png as the export form
  // would. False (and `error`) when the probe or hop does not exist.
  bool start(const GuiOptions& options, std::string& error);
  // Carries out what the previous frame (or start()) asked for: a new probe, a reload, the JSON
  // export. frame() calls it first; headless JSON export calls it without a window.
  void apply_requests();
  // The PNG export the user asked for, handed to app.cpp (which owns the framebuffer) once.
  std::optional<std::string> take_png_request();
  // One frame of `width` x `height` pixels, `dt` seconds after the previous one.
  void frame(float width, float height, double dt);
  // Benchmarks replay forever: restart at the first hop instead of stopping at the last.
  void set_loop(bool loop) { loop_ = loop; }
  UiState& state() { return ui_; }
  const DiffView* diff() const { return diff_ ? &*diff_ : nullptr; }

private:

  Session& session_;
  UiState ui_;
  bool loop_ = false;
  ReplayBar bar_;
  ProbeForm form_;
  ExportForm export_form_;
  FileDialog file_dialog_;
  DiffPanel diff_panel_;
  std::optional<DiffView> diff_;  // the last diff computed (request_diff)
  ObjectTree tree_;
  TopologyPanel topology_;
  TimelinePanel timeline_;
  Inspector inspector_;
  RulesTable rules_;
};

}  // namespace packetwalk::ui::gui
