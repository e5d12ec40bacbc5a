// File > Export, tested without a display: the JSON written is render::to_json of the probe's
// report (the writer behind `packetwalk trace -o json`), a failed write leaves the previous file,
// names offered are safe file names, and the command-line flags queue the same requests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "gui/export.h"
#include "gui/options.h"
#include "gui/snapshot.h"
#include "render/trace_render.h"

namespace packetwalk::tests::gui {
namespace {

using namespace ui::gui;
const std::string kSource = PACKETWALK_SOURCE_DIR;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GuiExport, WritesTheProbesTraceDocument) {
  auto s = Session::open({kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml", {}}, std::cerr);
  ASSERT_TRUE(s);
  const Snapshot& snap = s->snapshot();
  const int p = snap.find_probe("no-such-address");
  ASSERT_GE(p, 0);
  const auto dir = std::filesystem::temp_directory_path() / ("pw-gui-export-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "trace.json";
  std::string error;
  ASSERT_TRUE(export_trace_json(snap, p, file.string(), error)) << error;
  const std::string doc = slurp(file);
  EXPECT_EQ(doc, ui::render::to_json(snap.probes[static_cast<std::size_t>(p)].report));
  EXPECT_NE(doc.find("\"schema\": \"packetwalk/trace/v1\""), std::string::npos);
  EXPECT_NE(doc.find("\"verdict\": \"unreachable\""), std::string::npos);  // this probe's fate, not another's
  EXPECT_NE(doc.find("\"name\": \"no-such-address\""), std::string::npos);

  // No probe selected: refused, nothing written. Unwritable path: refused, old file kept.
  EXPECT_FALSE(export_trace_json(snap, -1, (dir / "none.json").string(), error));
  EXPECT_FALSE(std::filesystem::exists(dir / "none.json"));
  EXPECT_FALSE(export_trace_json(snap, p, (dir / "no-such-dir" / "x.json").string(), error));
  EXPECT_NE(error.find("no-such-dir"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

TEST(GuiExport, OffersFileNamesAfterTheProbe) {
  auto s = Session::open({kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml", {}}, std::cerr);
  ASSERT_TRUE(s);
  const Snapshot& snap = s->snapshot();
  EXPECT_EQ(default_export_name(snap, snap.find_probe("udp-port-closed"), "json"), "udp-port-closed.json");
  EXPECT_EQ(default_export_name(snap, -1, "png"), "packetwalk-trace.png");
}

TEST(GuiOptions, ParsesExportFlags) {
  const char* argv[] = {"packetwalk-gui", "s.yaml", "--export-json", "t.json", "--export-png", "w.png"};
  std::ostringstream out, err;
  auto o = parse_gui_options(6, argv, out, err);
  ASSERT_TRUE(o) << err.str();
  EXPECT_EQ(*o->export_json, "t.json");
  EXPECT_EQ(*o->export_png, "w.png");
}

}  // namespace
}  // namespace packetwalk::tests::gui
