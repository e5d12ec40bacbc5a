// packetwalk-gui: loads a scenario (or manifests), runs its probes exactly as `packetwalk run`
// does, and replays them hop by hop on the cluster's picture. See docs/gui.md.
#include <iostream>

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
  AppConfig config;
  config.title = "packetwalk - " + session->snapshot().title;
  config.width = options->width;
  config.height = options->height;
  config.screenshot = options->screenshot;
  config.bench_frames = options->bench_frames;
  if (config.bench_frames > 0) {
    const auto& snap = session->snapshot();
    std::cout << "bench: " << snap.cluster->inventory().nodes.size() << " nodes, " << snap.cluster->inventory().pods.size()
              << " pods, " << snap.probes.size() << " probes, " << snap.total_hops << " hops\n";
  }
  return run_app(workspace, config, std::cout, std::cerr);
}
