#pragma once
// The window: GLFW, OpenGL and the ImGui backends, the frame loop, PNG capture and the frame-time
// benchmark. The only file of packetwalk that touches GLFW or OpenGL.

#include <iosfwd>
#include <optional>
#include <string>

#include "workspace.h"

namespace packetwalk::ui::gui {

struct AppConfig {
  std::string title;
  int width = 1600;
  int height = 1000;
  std::optional<std::string> screenshot;  // headless: render a few frames, write this PNG, return
  int bench_frames = 0;                   // headless: replay for this many frames, print timings
  bool exit_after_exports = false;        // headless: carry out the queued exports, then return
  // > 0: a real, visible window running on wall-clock time (reload on change polls as in a
  // session) that closes itself after this many seconds from its first frame; `screenshot` is
  // then taken of the last frame. Says "window open" on `out` after the first frame.
  double exit_after_seconds = 0;
};

// Exit code: 0 done; 3 when no window can be opened (no X display), or, headless, the PNG cannot
// be written. In a session, an export's outcome goes to the status line instead.
int run_app(Workspace& workspace, const AppConfig& config, std::ostream& out, std::ostream& err);

}  // namespace packetwalk::ui::gui
