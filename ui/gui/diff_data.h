#pragma once
// The diff view's data: the flows that a second version of the manifests (a scenario file, a
// manifest file or a folder, picked in the file dialog) opens and closes compared with the
// version loaded in the GUI. The verdicts and explanations are the model's
// (query::compute_reach_diff, the code behind `packetwalk diff --services`); this file only
// turns its FlowChanges into rows of words the panel draws, and lists folders for the dialog.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/query/reachability_diff.h"
#include "snapshot.h"

namespace packetwalk::ui::gui {

struct DiffRow {
  bool opened = false;  // false: closed
  std::string from, to;  // "ns/pod"; `to` is "Service ns/name" for a Service flow
  std::string port;      // "80/TCP", or "80/TCP -> ns/backend 8080/TCP" for a Service flow
  std::string before, after;  // "allowed" / "denied" / "absent", then the model's reason
};

struct DiffView {
  std::string before, after;  // what was compared: the loaded source, the picked path
  model::query::ReachDiff diff;
  std::vector<DiffRow> rows;  // diff.changes in order (grouped by destination)
  std::vector<std::string> notes;  // pods and Services added, removed, replaced

  std::string summary() const;  // "2 opened, 1 closed (96 flows compared)"
};

// Loads `other` (a scenario file, or manifests as `-f` reads them) and diffs the loaded version
// against it, Service flows included. nullopt when `other` does not load; its diagnostics go to
// `err` as the CLI prints them.
std::optional<DiffView> compute_diff_view(const Snapshot& loaded, const std::string& other, std::ostream& err);

// One row of the file dialog.
struct DirEntry {
  std::string name;  // file or folder name; ".." for the parent
  bool folder = false;
};

// The entries the dialog offers in `dir`: "..", then folders, then *.yaml / *.yml / *.json
// files, each group sorted by name; hidden entries skipped. Empty with `error` when `dir` cannot
// be read.
std::vector<DirEntry> list_manifest_dir(const std::string& dir, std::string& error);

}  // namespace packetwalk::ui::gui
