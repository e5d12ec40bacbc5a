// File > Export end to end, headless: `packetwalk-gui --export-json` writes, for each probe of a
// shipped scenario, that probe's trace as the CLI reports it (trace/v1, the writer of `packetwalk
// trace -o json`), and
// `--export-png` writes a PNG of the window at the requested size with the cluster drawn in it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

#include "png_regions.h"

namespace packetwalk::tests::gui {
namespace {

namespace theme = ui::gui::theme;
const std::string kSource = PACKETWALK_SOURCE_DIR;
const std::string kCrossNode = kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml";
const std::string kOut = std::string(PACKETWALK_GUI_TEST_OUT) + "/export";

int run(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

TEST(GuiExportRun, JsonIsWhatTheCliPrintsForTheProbe) {
  std::filesystem::create_directories(kOut);
  // The GUI runs a scenario's probes as `packetwalk run` does (one runner, written order), so each
  // export is that probe's object of `run -o json`; the first probe, run on a fresh runner, is
  // also exactly what `packetwalk trace` prints for its from/to.
  const std::string run_json = kOut + "/run.json";
  ASSERT_EQ(run(std::string(PACKETWALK_CLI_BINARY) + " run " + kCrossNode + " -o json > " + run_json), 0);
  const nlohmann::json ran = read_json(run_json);
  ASSERT_TRUE(ran.is_object()) << run_json;
  std::size_t checked = 0;
  for (const auto& probe : ran["probes"]) {
    const std::string name = probe["name"];
    const std::string gui = kOut + "/" + name + ".json";
    std::filesystem::remove(gui);
    // No window is needed for the JSON alone, so this runs without a display too.
    ASSERT_EQ(run(std::string(PACKETWALK_GUI_BINARY) + " " + kCrossNode + " --probe " + name + " --export-json " + gui), 0) << name;
    nlohmann::json exported = read_json(gui);
    ASSERT_TRUE(exported.is_object()) << gui;
    EXPECT_EQ(exported["schema"], "packetwalk/trace/v1");
    exported.erase("schema");
    EXPECT_EQ(exported, probe) << name << ": the GUI exported a different trace than `packetwalk run` reports";
    ++checked;
  }
  EXPECT_EQ(checked, 4u);

  const std::string first = kOut + "/client-to-remote-server.json", cli = kOut + "/first.trace.json";
  ASSERT_EQ(run(std::string(PACKETWALK_CLI_BINARY) + " trace --scenario " + kCrossNode +
                " --from default/client --to default/server-remote:8080 -o json > " + cli),
            0);
  nlohmann::json exported = read_json(first), traced = read_json(cli);
  EXPECT_EQ(exported["passed"], true);
  for (const char* scenario_only : {"name", "expected", "passed", "failures"}) exported.erase(scenario_only);
  EXPECT_EQ(exported, traced) << "the first probe differs from `packetwalk trace -o json`";
}

TEST(GuiExportRun, UnwritableJsonPathFailsTheRun) {
  EXPECT_EQ(run(std::string(PACKETWALK_GUI_BINARY) + " " + kCrossNode + " --export-json /nonexistent-dir/x.json 2>/dev/null"), 3);
}

TEST(GuiExportRun, PngIsTheWindowAtTheRequestedSize) {
  const char* d = std::getenv("DISPLAY");
  if (!d || !*d) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`";
  std::filesystem::create_directories(kOut);
  const std::string png = kOut + "/window.png", json = kOut + "/window.json";
  std::filesystem::remove(png);
  std::filesystem::remove(json);
  ASSERT_EQ(run(std::string(PACKETWALK_GUI_BINARY) + " " + kCrossNode +
                " --probe no-such-address --at-hop drop --size 1024x700 --export-json " + json + " --export-png " + png),
            0);
  const auto img = Image::load(png);
  ASSERT_TRUE(img.has_value()) << "no readable PNG at " << png;
  EXPECT_EQ(img->width, 1024);
  EXPECT_EQ(img->height, 700);
  // It is the window as drawn: node boxes in the topology pane, the drop cross of this probe.
  const auto panes = ui::gui::compute_pane_layout(1024, 700);
  EXPECT_GT(img->count(panes.topology, theme::kNodeFill), 1000u);
  EXPECT_GT(img->count(panes.topology, theme::kDrop), 50u);
  // Both exports of one run happened.
  EXPECT_EQ(read_json(json)["verdict"], "unreachable");
}

}  // namespace
}  // namespace packetwalk::tests::gui
