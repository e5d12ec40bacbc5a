#pragma once
// Command line of packetwalk-gui. Kept apart from the window code so tests can parse arguments
// without a display, and so the headless flags are documented in one place.
//
//   packetwalk-gui [SCENARIO.yaml | -f PATH...] [--probe NAME] [--at-hop K]
//                  [--screenshot FILE.png] [--size WxH] [--bench-frames N]
//                  [--export-json FILE] [--export-png FILE] [--diff PATH] [--open PATH]
//                  [--fault ACTION]... [--view picture|dns|reach|faults] [--lookup FROM,NAME[,TYPES]]
//                  [--reach-cell FROM,TO[,PORT]] [--dump-view FILE] [--exit-after-seconds S]

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace packetwalk::ui::gui {

// Which hop --at-hop names: a 0-based index into the probe's hops (all legs, in order), the last
// hop, or the first drop.
struct HopRef {
  enum class Kind { Index, Last, Drop } kind = Kind::Index;
  std::size_t index = 0;
};

struct GuiOptions {
  std::optional<std::string> scenario;  // positional SCENARIO.yaml
  std::vector<std::string> files;       // -f, plain manifests on the default cluster
  std::optional<std::string> probe;     // --probe: select this probe at start
  std::optional<HopRef> at_hop;         // --at-hop: put the replay cursor on this hop
  std::optional<std::string> screenshot;
  // Headless File > Export: the same requests the export form's buttons make, then exit.
  std::optional<std::string> export_json;
  std::optional<std::string> export_png;
  // --diff: open the diff view against this second version (as the file dialog's Compare does).
  std::optional<std::string> diff;
  // --open: File > Open... of PATH after the start (a load error is shown, the first state kept).
  std::optional<std::string> open;
  // --fault: the fault panel's actions (faults.h parse_fault_action), planted after the start.
  std::vector<std::string> faults;
  // --view: the view over the topology and timeline panes (or the fault panel) at start.
  std::optional<std::string> view;
  // --lookup FROM,NAME[,TYPES]: the DNS view's form (opens the DNS view).
  std::optional<std::string> lookup;
  // --reach-cell FROM,TO[,PORT]: select that pod cell of the heat map (opens the reach view).
  std::optional<std::string> reach_cell;
  // --dump-view: write what the window shows as text (Workspace::dump_view) and exit.
  std::optional<std::string> dump_view;
  int width = 1600;
  int height = 1000;
  int bench_frames = 0;  // > 0: render this many frames while replaying, print mean frame time, exit
  // --exit-after-seconds: run the window as a session does (wall-clock time, reload on change),
  // then close it after this many seconds; --screenshot and --dump-view then show its last state.
  double exit_after_seconds = 0;
  bool help = false;
};

// Parses argv; on bad usage prints the reason and the usage to `err` and returns nullopt.
std::optional<GuiOptions> parse_gui_options(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// "K", "last" or "drop".
std::optional<HopRef> parse_hop_ref(const std::string& text);
// "1600x1000" -> {1600, 1000}; both between 320 and 8192.
std::optional<std::pair<int, int>> parse_size(const std::string& text);

}  // namespace packetwalk::ui::gui
