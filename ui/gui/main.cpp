// packetwalk-gui: loads a scenario (or manifests), runs its probes exactly as `packetwalk run`
// does, and replays them hop by hop on the cluster's picture. See docs/gui.md.
#include <iostream>

#include "../render/atomic_file.h"
#include "app.h"
#include "options.h"
#include "snapshot.h"
#include "workspace.h"

int main(int argc, char** argv) {
  using namespace packetwalk::ui::gui;
  auto options = parse_gui_options(argc, argv, std::cout, std::cerr);
  if (!options) return 2;
  if (options->help) return 0;
  auto session = Session::open({options->scenario, options->files}, std::cerr);
  if (!session) return 2;
  Workspace workspace(*session);
  std::string error;
  if (!workspace.start(*options, error)) {
    std::cerr << "packetwalk-gui: " << error << "\n";
    return 2;
  }
  // Exporting only the JSON, or dumping the view as text, needs no window (and no display): the
  // same requests the buttons make, carried out at once.
  if ((options->export_json || options->dump_view) && !options->export_png && !options->screenshot && options->bench_frames == 0 &&
      options->exit_after_seconds <= 0) {
    workspace.apply_requests();
    const std::string& failed = workspace.state().export_error;
    if (!failed.empty()) std::cerr << "packetwalk-gui: " << failed << "\n";
    if (options->dump_view) {
      const std::string text = workspace.dump_view();
      std::string error;
      if (*options->dump_view == "-") {
        std::cout << text;
      } else if (!packetwalk::ui::render::write_file_atomically(*options->dump_view, text, error)) {
        std::cerr << "packetwalk-gui: " << error << "\n";
        return 3;
      }
    }
    return failed.empty() ? 0 : 3;
  }
  AppConfig config;
  config.title = "packetwalk - " + session->snapshot().title;
  config.width = options->width;
  config.height = options->height;
  config.screenshot = options->screenshot;
  config.bench_frames = options->bench_frames;
  config.exit_after_exports = options->export_json || options->export_png;
  config.exit_after_seconds = options->exit_after_seconds;
  if (config.bench_frames > 0) {
    const auto& snap = session->snapshot();
    std::cout << "bench: " << snap.cluster->inventory().nodes.size() << " nodes, " << snap.cluster->inventory().pods.size()
              << " pods, " << snap.probes.size() << " probes, " << snap.total_hops << " hops\n";
  }
  const int code = run_app(workspace, config, std::cout, std::cerr);
  if (code == 0 && options->dump_view && options->exit_after_seconds > 0) {
    // What the window showed when it closed (after any reload it made while running).
    const std::string text = workspace.dump_view();
    std::string error;
    if (*options->dump_view == "-") {
      std::cout << text;
    } else if (!packetwalk::ui::render::write_file_atomically(*options->dump_view, text, error)) {
      std::cerr << "packetwalk-gui: " << error << "\n";
      return 3;
    }
  }
  // A headless JSON export that failed (written in the first frame) fails the run too.
  if (code == 0 && options->export_json && !workspace.state().export_error.empty()) {
    std::cerr << "packetwalk-gui: " << workspace.state().export_error << "\n";
    return 3;
  }
  return code;
}
