// The diff view on screen: `packetwalk-gui -f OLD --diff NEW --screenshot` draws the changed
// flows over the topology and timeline panes, a red badge per closed flow and a green one per
// opened flow, and the picture of the cluster makes room for it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>

#include "png_regions.h"

namespace packetwalk::tests::gui {
namespace {

namespace theme = ui::gui::theme;
const std::string kDir = std::string(PACKETWALK_SOURCE_DIR) + "/tests/data/diff/";
constexpr int kW = 1280, kH = 800;

std::optional<Image> diff_shot(const std::string& before, const std::string& after, const std::string& name) {
  std::filesystem::create_directories(PACKETWALK_GUI_TEST_OUT);
  const std::string png = std::string(PACKETWALK_GUI_TEST_OUT) + "/" + name + ".png";
  std::filesystem::remove(png);
  const std::string cmd = std::string(PACKETWALK_GUI_BINARY) + " -f " + kDir + before + " --diff " + kDir + after +
                          " --size 1280x800 --screenshot " + png;
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
  return Image::load(png);
}

TEST(GuiDiffShot, ClosedAndOpenedFlowsHaveTheirBadges) {
  const char* d = std::getenv("DISPLAY");
  if (!d || !*d) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`";
  const auto panes = ui::gui::compute_pane_layout(kW, kH);
  const auto area = ui::gui::diff_pane(panes);
  // Removing db closes its six flows and opens none.
  const auto removed = diff_shot("shop.yaml", "shop-without-db.yaml", "diff-removed-db");
  ASSERT_TRUE(removed);
  EXPECT_GT(removed->count(area, theme::kDiffClosed), 6u * 400u);  // six badges of ~58x13 px
  EXPECT_EQ(removed->count(area, theme::kDiffOpened), 0u);
  EXPECT_EQ(removed->count(area, theme::kNodeFill), 0u);  // the topology is covered
  // The other way round, the same six flows open.
  const auto added = diff_shot("shop-without-db.yaml", "shop.yaml", "diff-added-db");
  ASSERT_TRUE(added);
  EXPECT_GT(added->count(area, theme::kDiffOpened), 6u * 400u);
  EXPECT_EQ(added->count(area, theme::kDiffClosed), 0u);
}

TEST(GuiDiffShot, MissingSecondVersionIsBadInput) {
  // Refused before a window opens: no display needed.
  const std::string cmd = std::string(PACKETWALK_GUI_BINARY) + " -f " + kDir + "shop.yaml --diff " + kDir +
                          "no-such.yaml --screenshot /dev/null 2>/dev/null";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}

}  // namespace
}  // namespace packetwalk::tests::gui
