// The diff view's data, without a display: its rows are the model's FlowChanges for the loaded
// version against a second one (the same verdicts `packetwalk diff --services` prints), in words,
// and the file dialog lists folders first, then manifest files.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "gui/diff_data.h"
#include "gui/snapshot.h"

namespace packetwalk::tests::gui {
namespace {

using namespace ui::gui;
const std::string kSource = PACKETWALK_SOURCE_DIR;
const std::string kDir = kSource + "/tests/data/diff/";

TEST(GuiDiffView, RemovedPodClosesItsFlowsWithTheReason) {
  auto s = Session::open({std::nullopt, {kDir + "shop.yaml"}}, std::cerr);
  ASSERT_TRUE(s);
  std::ostringstream err;
  auto v = compute_diff_view(s->snapshot(), kDir + "shop-without-db.yaml", err);
  ASSERT_TRUE(v) << err.str();
  // DiffCli.RemovedPodClosesItsFlows's six pod flows, plus db's flow to the Service api (the
  // GUI compares Service flows too, as `diff --services`).
  EXPECT_EQ(v->diff.opened(), 0u);
  EXPECT_EQ(v->diff.closed(), 7u);
  ASSERT_EQ(v->rows.size(), v->diff.changes.size());
  EXPECT_EQ(v->summary(), "0 opened, 7 closed (15 flows compared)");
  EXPECT_TRUE(std::any_of(v->rows.begin(), v->rows.end(), [](const DiffRow& r) { return r.from == "shop/db" && r.to == "Service shop/api"; }));
  EXPECT_NE(std::find(v->notes.begin(), v->notes.end(), "pods removed: shop/db"), v->notes.end());
  auto web_to_db = std::find_if(v->rows.begin(), v->rows.end(), [](const DiffRow& r) {
    return r.from == "shop/web" && r.to == "shop/db" && r.port == "5432/TCP";
  });
  ASSERT_NE(web_to_db, v->rows.end());
  EXPECT_FALSE(web_to_db->opened);
  EXPECT_EQ(web_to_db->before, "allowed: flannel does not enforce NetworkPolicy");
  EXPECT_EQ(web_to_db->after, "absent: pod shop/db is not in this version");
}

TEST(GuiDiffView, SameVersionHasNoRowsAndBadPathIsRefused) {
  auto s = Session::open({std::nullopt, {kDir + "shop.yaml"}}, std::cerr);
  ASSERT_TRUE(s);
  std::ostringstream err;
  EXPECT_FALSE(compute_diff_view(s->snapshot(), kDir + "no-such-file.yaml", err));
  EXPECT_FALSE(err.str().empty());
  auto same = compute_diff_view(s->snapshot(), kDir + "shop.yaml", err);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->rows.empty());
  EXPECT_GT(same->diff.flows_compared, 0u);
  EXPECT_TRUE(std::any_of(same->diff.ports.begin(), same->diff.ports.end(), [](const auto& p) { return p.port == 5432; }));
}

TEST(GuiFileDialog, ListsFoldersThenManifests) {
  std::string error;
  const auto entries = list_manifest_dir(kSource + "/scenarios", error);
  ASSERT_FALSE(entries.empty()) << error;
  EXPECT_EQ(entries.front().name, "..");
  bool seen_file = false;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    if (!entries[i].folder) seen_file = true;
    else EXPECT_FALSE(seen_file) << "folder " << entries[i].name << " listed after a file";
    EXPECT_NE(entries[i].name.front(), '.');
  }
  EXPECT_TRUE(std::any_of(entries.begin(), entries.end(), [](const DirEntry& e) { return e.name == "seed" && e.folder; }));
  const auto files = list_manifest_dir(kSource + "/tests/data/diff", error);
  EXPECT_TRUE(std::any_of(files.begin(), files.end(), [](const DirEntry& e) { return e.name == "shop.yaml" && !e.folder; }));
  EXPECT_TRUE(list_manifest_dir(kSource + "/no-such-folder", error).empty());
  EXPECT_NE(error.find("no-such-folder"), std::string::npos);
}

}  // namespace
}  // namespace packetwalk::tests::gui
