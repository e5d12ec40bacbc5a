#pragma once
// The window's contents: the replay bar over four panes (object tree, topology, timeline,
// inspector with the rules table below), placed by pane_layout.h. Each frame it first carries out
// what the previous frame asked for (a new probe, a reload) — the only time the snapshot changes —
// then advances the replay and draws every panel from the snapshot.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "options.h"
#include "diff_data.h"
#include "dns_data.h"
#include "panels/diff_panel.h"
#include "panels/dns_panel.h"
#include "panels/fault_panel.h"
#include "panels/reach_panel.h"
#include "reach_data.h"
#include "watch.h"
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

  // Applies --probe and --at-hop, and queues --export-json / --export-png, --open, --fault,
  // --lookup, --view and --reach-cell as the buttons would. False (and `error`) when the probe or
  // hop does not exist, or a fault or cell cannot be parsed.
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
  // What the window shows as text (--dump-view): what is loaded, the faults, the status and any
  // load error, the selected probe's outcome, then the open view's content (DNS tries, the reach
  // grid and the selected cell's explanation).
  std::string dump_view() const;
  // Reload on change: called each frame with the wall-clock time since the last; polls the
  // watched files once a second and queues a reload when one changed.
  void poll_files(double dt);

private:
  // After any successful (re)load: watch the files it read, refresh the views next frame, keep the
  // probe the user was looking at (by name) and its hop.
  void after_load(const std::string& probe_name, double cursor);
  void apply_session_requests();
  void refresh_views();


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
  DnsPanel dns_panel_;
  ReachPanel reach_panel_;
  FaultPanel fault_panel_;

  FileWatcher watcher_;
  double since_poll_ = 0;
  std::uint64_t generation_ = 0;  // counts loads: views computed for an older one are stale
  std::optional<DnsViewData> dns_;
  std::optional<UiState::Lookup> lookup_;  // the typed lookup the DNS view shows (none: the probe's)
  std::uint64_t dns_generation_ = ~0ull;
  int dns_probe_ = -2;
  std::optional<ReachHeat> reach_;
  std::uint64_t reach_generation_ = ~0ull;
  std::optional<std::array<std::string, 3>> pending_cell_;  // --reach-cell FROM,TO[,PORT]
  // `packetwalk explain` of the selected pod cell (its own load of the same files), and for which.
  std::string explain_key_, explain_;
  std::string fault_effect_;
};

}  // namespace packetwalk::ui::gui
