#pragma once
// The file dialog, drawn with ImGui (no new dependency): lists a folder (diff_data.h's
// list_manifest_dir), descends into folders, and picks a scenario file, a manifest file or the
// folder itself — to open it (File > Open..., UiState::request_open) or as the second version for
// the diff view (UiState::request_diff). A path can also be typed.

#include <string>
#include <vector>

#include "../diff_data.h"
#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class FileDialog {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  void enter(const std::string& dir);

  std::string listed_;  // the folder `entries_` were read from
  std::vector<DirEntry> entries_;
  std::string list_error_;
  std::string picked_;  // the path Compare will use
};

}  // namespace packetwalk::ui::gui
