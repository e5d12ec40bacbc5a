#pragma once
// What the user has chosen — probe, replay cursor, selection, filters, view ranges — as plain
// data that panels read and write each frame (the Tracy ViewData idea). Nothing here is derived
// from the model; requests that change the model's results (a new probe, a reload) are queued
// here and carried out by the workspace between frames.

#include <optional>
#include <string>

#include "../cli/probe_exec.h"
#include "faults.h"
#include "layout/graph_layout.h"
#include "packetwalk/model/datapath/topology.h"

namespace packetwalk::ui::gui {

struct UiState {
  // Replay.
  int probe = -1;       // index into Snapshot::probes; -1 when there is none
  double cursor = 0;    // position over the probe's hops (replay.h)
  bool playing = false;
  float speed = 1.0f;   // multiplier on replay.h's pacing

  // Selection: a scene key ("node/node-1", "pod/default/web", "svc/default/api", "stack/node-1",
  // "netns/external/router"); empty = the hop under the cursor. Moving the cursor clears it.
  std::string selected;

  // Filters.
  std::string tree_filter;
  std::string rules_filter;
  int rules_table = -1;  // -1 all tables, else NfTableKind value
  // Whose rules the rules pane lists when no hop with rules is under the cursor (kNone: follow
  // the hop).
  model::datapath::NetnsId rules_netns = model::datapath::kNone;

  // Topology view: world point at the canvas's top-left, and pixels per world unit.
  bool topo_fit = true;
  float topo_zoom = 1.0f;
  Vec2 topo_pan;

  // Timeline view: the visible range on the time axis (display units, time_axis.h).
  bool timeline_fit = true;
  double timeline_from = 0, timeline_to = 1;

  // Requests for the workspace, carried out between frames.
  std::optional<cli::ProbeInput> request_probe;
  bool request_reload = false;
  std::string probe_form_error;  // the last request_probe's error, shown in the form
  bool probe_form_open = false;
  std::string status;            // one line for the replay bar ("reloaded", "reload failed: ...")
  // Export (export_form): the JSON is written by the workspace, the PNG by app.cpp after the
  // next frame is rendered (so the form itself is not in the picture).
  bool export_form_open = false;
  std::optional<std::string> request_export_json;
  std::optional<std::string> request_export_png;
  std::string export_error;      // the last export's error ("" when it worked)
  // Diff view: the file dialog picks the second version; the workspace computes the diff.
  bool file_dialog_open = false;
  std::string file_dialog_dir;   // the folder the dialog lists ("" = the loaded source's folder)
  std::optional<std::string> request_diff;
  bool diff_open = false;        // the diff view covers the topology and timeline panes
  std::string diff_error;        // why the last request_diff failed
  // The same dialog serves File > Open...: then the pick replaces what is loaded (request_open).
  bool file_dialog_opens = false;  // false: it picks the diff's second version
  std::optional<std::string> request_open;
  // Loading (open, reload, reload on change, faults) failed: the diagnostics, file:line first, shown
  // over the picture until the next successful load; the previous state stays.
  std::string load_error;
  bool watch = true;             // reload when a watched file changes (polled once a second)

  // DNS and reach views: like the diff view, they cover the topology and timeline panes.
  bool dns_open = false;
  bool reach_open = false;
  // DNS view: a lookup the user typed ("NS/POD", name, types); empty from = the probe's own lookup.
  struct Lookup {
    std::string from, name, types = "A";
  };
  std::optional<Lookup> request_lookup;
  std::string lookup_error;
  // Reach view: which grid and cell.
  bool request_reach = false;    // (re)compute the matrix between frames
  int reach_port = 0;
  bool reach_by_namespace = false;
  int reach_from = -1, reach_to = -1;  // selected cell; -1 none

  // Fault panel (left, under the object tree): its edits are applied between frames, then every
  // probe reruns, the selected one staying selected at the same hop.
  bool faults_open = false;
  std::optional<FaultSet> request_faults;

  // One view at a time covers the topology and timeline panes (Picture: none, the replay shows).
  enum class Center { Picture, Diff, Dns, Reach };
  void show(Center c) {
    diff_open = c == Center::Diff;
    dns_open = c == Center::Dns;
    reach_open = c == Center::Reach;
  }

  void move_cursor(double c) {
    cursor = c;
    selected.clear();
  }
};

}  // namespace packetwalk::ui::gui
