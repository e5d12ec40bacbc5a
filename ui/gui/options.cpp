#include "options.h"

#include <boost/program_options.hpp>
#include <charconv>
#include <ostream>

namespace packetwalk::ui::gui {

namespace po = boost::program_options;

namespace {

const char* const kUsage =
    "Usage: packetwalk-gui [SCENARIO.yaml | -f PATH...] [--probe NAME] [--at-hop K|last|drop]\n"
    "                      [--screenshot FILE.png] [--size WxH] [--bench-frames N]\n"
    "                      [--export-json FILE] [--export-png FILE] [--diff PATH] [--open PATH]\n"
    "                      [--fault ACTION]... [--view picture|dns|reach|faults] [--lookup FROM,NAME[,TYPES]]\n"
    "                      [--reach-cell FROM,TO[,PORT]] [--dump-view FILE] [--exit-after-seconds S]\n";

std::optional<long> parse_long(std::string_view s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<HopRef> parse_hop_ref(const std::string& text) {
  if (text == "last") return HopRef{HopRef::Kind::Last, 0};
  if (text == "drop") return HopRef{HopRef::Kind::Drop, 0};
  auto v = parse_long(text);
  if (!v || *v < 0) return std::nullopt;
  return HopRef{HopRef::Kind::Index, static_cast<std::size_t>(*v)};
}

std::optional<std::pair<int, int>> parse_size(const std::string& text) {
  const auto x = text.find('x');
  if (x == std::string::npos) return std::nullopt;
  auto w = parse_long(std::string_view(text).substr(0, x));
  auto h = parse_long(std::string_view(text).substr(x + 1));
  if (!w || !h || *w < 320 || *h < 320 || *w > 8192 || *h > 8192) return std::nullopt;
  return std::pair<int, int>{static_cast<int>(*w), static_cast<int>(*h)};
}

std::optional<GuiOptions> parse_gui_options(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  d.add_options()("help,h", "show this help")(
      "filename,f", po::value<std::vector<std::string>>()->composing(), "manifest file or directory (repeatable)")(
      "probe", po::value<std::string>(), "select this probe of the scenario at start")(
      "at-hop", po::value<std::string>(), "put the replay on hop K (0-based, over all legs), 'last' or 'drop'")(
      "screenshot", po::value<std::string>(), "render without input, write this PNG and exit")(
      "size", po::value<std::string>(), "window size WxH (default 1600x1000)")(
      "bench-frames", po::value<int>(), "replay for N frames, print the mean frame time and exit")(
      "export-json", po::value<std::string>(), "write the selected probe's trace as JSON (as `packetwalk trace -o json`) and exit")(
      "export-png", po::value<std::string>(), "export a PNG of the window, as the Export button does, and exit")(
      "diff", po::value<std::string>(), "open the diff view: flows PATH (scenario, manifest file or folder) opens and closes")(
      "open", po::value<std::string>(), "then open PATH as File > Open... does (a load error is shown, the first state kept)")(
      "fault", po::value<std::vector<std::string>>()->composing(),
      "plant a fault as the fault panel does: kubeProxyDown:NODE, stopKubeProxy:NODE, linkDown:NODE, linkDelay:NODE[=120ms], "
      "linkLoss:NODE[=30%], coreDnsDown, coreDnsSlow[=2s], corednsReplicas:N")(
      "view", po::value<std::string>(), "open on a view: picture, dns, reach or faults")(
      "lookup", po::value<std::string>(), "DNS view of a lookup: FROM,NAME[,TYPES] (as packetwalk dns --from FROM NAME -t TYPES)")(
      "reach-cell", po::value<std::string>(), "reach view with the cell FROM,TO[,PORT] selected (pods as NS/NAME)")(
      "dump-view", po::value<std::string>(), "write what the window shows as text to FILE ('-': stdout) and exit")(
      "exit-after-seconds", po::value<double>(),
      "run the window (reload on change included) for S seconds, then close it; --screenshot and --dump-view show its last state");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::vector<std::string>>(), "scenario");
  po::options_description all;
  all.add(d).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "packetwalk-gui: " << e.what() << "\n" << kUsage;
    return std::nullopt;
  }
  GuiOptions o;
  if (vm.count("help")) {
    out << kUsage << "\n" << d;
    o.help = true;
    return o;
  }
  if (vm.count("scenario")) {
    const auto& s = vm["scenario"].as<std::vector<std::string>>();
    if (s.size() > 1) {
      err << "packetwalk-gui: give one scenario file (or manifests with -f)\n" << kUsage;
      return std::nullopt;
    }
    o.scenario = s.front();
  }
  if (vm.count("filename")) o.files = vm["filename"].as<std::vector<std::string>>();
  if (!o.scenario && o.files.empty()) {
    err << "packetwalk-gui: give a scenario file or manifests with -f\n" << kUsage;
    return std::nullopt;
  }
  if (vm.count("probe")) o.probe = vm["probe"].as<std::string>();
  if (vm.count("at-hop")) {
    o.at_hop = parse_hop_ref(vm["at-hop"].as<std::string>());
    if (!o.at_hop) {
      err << "packetwalk-gui: --at-hop takes a hop number (0-based), 'last' or 'drop'\n";
      return std::nullopt;
    }
  }
  if (vm.count("screenshot")) o.screenshot = vm["screenshot"].as<std::string>();
  if (vm.count("export-json")) o.export_json = vm["export-json"].as<std::string>();
  if (vm.count("export-png")) o.export_png = vm["export-png"].as<std::string>();
  if (vm.count("diff")) o.diff = vm["diff"].as<std::string>();
  if (vm.count("open")) o.open = vm["open"].as<std::string>();
  if (vm.count("fault")) o.faults = vm["fault"].as<std::vector<std::string>>();
  if (vm.count("view")) {
    o.view = vm["view"].as<std::string>();
    if (*o.view != "picture" && *o.view != "dns" && *o.view != "reach" && *o.view != "faults") {
      err << "packetwalk-gui: --view takes picture, dns, reach or faults\n";
      return std::nullopt;
    }
  }
  if (vm.count("lookup")) o.lookup = vm["lookup"].as<std::string>();
  if (vm.count("reach-cell")) o.reach_cell = vm["reach-cell"].as<std::string>();
  if (vm.count("dump-view")) o.dump_view = vm["dump-view"].as<std::string>();
  if (vm.count("size")) {
    auto s = parse_size(vm["size"].as<std::string>());
    if (!s) {
      err << "packetwalk-gui: --size takes WxH, each between 320 and 8192 (e.g. 1280x800)\n";
      return std::nullopt;
    }
    o.width = s->first;
    o.height = s->second;
  }
  if (vm.count("exit-after-seconds")) {
    o.exit_after_seconds = vm["exit-after-seconds"].as<double>();
    if (!(o.exit_after_seconds > 0 && o.exit_after_seconds <= 3600)) {
      err << "packetwalk-gui: --exit-after-seconds takes a number of seconds (more than 0, at most 3600)\n";
      return std::nullopt;
    }
  }
  if (vm.count("bench-frames")) {
    o.bench_frames = vm["bench-frames"].as<int>();
    if (o.bench_frames <= 0) {
      err << "packetwalk-gui: --bench-frames takes a positive count\n";
      return std::nullopt;
    }
  }
  return o;
}

}  // namespace packetwalk::ui::gui
