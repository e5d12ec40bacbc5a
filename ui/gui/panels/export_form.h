#pragma once
// "Export...": the selected probe's trace as JSON (the document `packetwalk trace -o json`
// prints) and a PNG of the window, each to a path the user can edit (relative paths are taken
// from the directory packetwalk-gui was started in). Clicking a button only queues the request
// (UiState::request_export_*); the workspace writes the JSON between frames and app.cpp captures
// the PNG from the next frame, after this form has closed.

#include <string>

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class ExportForm {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  int for_probe_ = -2;  // the probe the default names were made for
  std::string json_;
  std::string png_;
};

}  // namespace packetwalk::ui::gui
