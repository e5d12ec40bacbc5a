// Renders shipped scenarios with `packetwalk-gui --screenshot` and checks the picture: the panes
// hold what they should (node boxes in the topology pane and nowhere else, the packet marker, the
// drop cross of a failing probe, NAT highlights in the inspector and the rule table), and the
// packet is where the trace says it is (on node-2's side after decapsulation).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sys/wait.h>

#include "gui/snapshot.h"
#include "png_regions.h"

namespace packetwalk::tests::gui {
namespace {

namespace theme = ui::gui::theme;
using model::trace::HopAction;

const std::string kSource = PACKETWALK_SOURCE_DIR;
const std::string kCrossNode = kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml";
const std::string kClusterIp = kSource + "/scenarios/services/clusterip-seed.yaml";
constexpr int kW = 1280, kH = 800;

bool have_display() {
  const char* d = std::getenv("DISPLAY");
  return d && *d;
}

#define REQUIRE_DISPLAY()                                                                              \
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`"

int run_gui(const std::string& args) {
  const std::string cmd = std::string(PACKETWALK_GUI_BINARY) + " " + args;
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Renders `scenario` with `probe` at `hop` and loads the PNG.
Image shot(const std::string& scenario, const std::string& probe, const std::string& hop, const std::string& name) {
  std::filesystem::create_directories(PACKETWALK_GUI_TEST_OUT);
  const std::string png = std::string(PACKETWALK_GUI_TEST_OUT) + "/" + name + ".png";
  std::filesystem::remove(png);
  const int code = run_gui(scenario + " --probe " + probe + " --at-hop " + hop + " --size " + std::to_string(kW) + "x" +
                           std::to_string(kH) + " --screenshot " + png);
  EXPECT_EQ(code, 0) << "packetwalk-gui failed for " << name;
  auto img = Image::load(png);
  EXPECT_TRUE(img.has_value()) << "no readable PNG at " << png;
  return img ? *img : Image{};
}

// The first hop of `probe` with `action` (and, when given, on `node`), as --at-hop takes it.
std::size_t find_hop(const std::string& scenario, const std::string& probe, HopAction action, const std::string& node = "") {
  auto session = ui::gui::Session::open({scenario, {}}, std::cerr);
  if (!session) return 0;
  const auto& snap = session->snapshot();
  const int p = snap.find_probe(probe);
  if (p < 0) return 0;
  const auto& v = snap.probes[static_cast<std::size_t>(p)];
  for (std::size_t i = 0; i < v.hops.size(); ++i)
    if (v.hop(i).action == action && (node.empty() || v.hop(i).node == node)) return i;
  return 0;
}

TEST(GuiScreenshot, CrossNodeFirstHopHasNodeBoxesAndPacket) {
  REQUIRE_DISPLAY();
  const Image img = shot(kCrossNode, "client-to-remote-server", "0", "cross-node-hop0");
  ASSERT_EQ(img.width, kW);
  ASSERT_EQ(img.height, kH);
  const auto panes = ui::gui::compute_pane_layout(kW, kH);
  const double topo_area = panes.topology.w * panes.topology.h;
  // Node boxes fill a good part of the topology pane, and appear in no other pane.
  // (Fit zooms to the whole drawing, the external router and hosts included: three nodes cover ~4%.)
  EXPECT_GT(img.count(panes.topology, theme::kNodeFill), topo_area * 0.03);
  EXPECT_EQ(img.count(panes.object_tree, theme::kNodeFill), 0u);
  EXPECT_EQ(img.count(panes.timeline, theme::kNodeFill), 0u);
  // Devices: cni0 bridges, flannel.1 tunnels, node stacks.
  EXPECT_GT(img.count(panes.topology, theme::kBridgeFill), 200u);
  EXPECT_GT(img.count(panes.topology, theme::kVxlanFill), 200u);
  // The packet marker is drawn, in the topology pane; this probe never drops.
  EXPECT_GT(img.count(panes.topology, theme::kPacket), 100u);
  EXPECT_EQ(img.count(panes.topology, theme::kDrop), 0u);
  // A passing probe: its lane header and outcome are green, never red.
  EXPECT_GT(img.count(panes.timeline, theme::kPass), 20u);
}

TEST(GuiScreenshot, PacketCrossesToNode2AfterDecapsulation) {
  REQUIRE_DISPLAY();
  const std::size_t decap = find_hop(kCrossNode, "client-to-remote-server", HopAction::Decapsulate, "node-2");
  ASSERT_GT(decap, 0u);
  const auto panes = ui::gui::compute_pane_layout(kW, kH);
  const Image start = shot(kCrossNode, "client-to-remote-server", "0", "cross-node-start");
  const Image there = shot(kCrossNode, "client-to-remote-server", std::to_string(decap), "cross-node-decap");
  auto x0 = start.centroid_x(panes.topology, theme::kPacket);
  auto x1 = there.centroid_x(panes.topology, theme::kPacket);
  ASSERT_TRUE(x0 && x1);
  // node-1 is the left box of the first row, node-2 the right one.
  EXPECT_GT(*x1, *x0 + 60) << "the packet should have moved right, from node-1 to node-2";
  // The forward leg's path is drawn behind it.
  EXPECT_GT(there.count(panes.topology, theme::kForwardPath), 150u);
}

TEST(GuiScreenshot, FailingProbeShowsWhereThePacketDied) {
  REQUIRE_DISPLAY();
  const Image img = shot(kCrossNode, "no-such-address", "drop", "cross-node-drop");
  const auto panes = ui::gui::compute_pane_layout(kW, kH);
  EXPECT_GT(img.count(panes.topology, theme::kDrop), 150u);  // the red cross and its label
  EXPECT_GT(img.count(panes.timeline, theme::kDrop), 10u);   // the drop mark on the lane
}

TEST(GuiScreenshot, DnatHopHighlightsHeadersAndRule) {
  REQUIRE_DISPLAY();
  const std::size_t dnat = find_hop(kClusterIp, "pod-a-to-api-server", HopAction::Dnat);
  ASSERT_GT(dnat, 0u);
  const Image img = shot(kClusterIp, "pod-a-to-api-server", std::to_string(dnat), "clusterip-dnat");
  const auto panes = ui::gui::compute_pane_layout(kW, kH);
  EXPECT_GT(img.count(panes.inspector, theme::kNatHighlight), 300u);  // rewritten dst and dport rows
  EXPECT_GT(img.count(panes.rules, theme::kNatHighlight), 300u);      // the DNAT rule in the full table
  EXPECT_GT(img.count(panes.topology, theme::kServiceFill), 300u);    // Services drawn as their VIPs
}

TEST(GuiCommandLine, UnknownProbeIsBadInput) {
  // Fails before any window is opened, so it needs no display.
  EXPECT_EQ(run_gui(kCrossNode + " --probe no-such-probe --screenshot /dev/null 2>/dev/null"), 2);
  EXPECT_EQ(run_gui(kCrossNode + " --probe no-such-address --at-hop 100000 --screenshot /dev/null 2>/dev/null"), 2);
  EXPECT_EQ(run_gui("--size 10x10 " + kCrossNode + " 2>/dev/null"), 2);
}

}  // namespace
}  // namespace packetwalk::tests::gui
