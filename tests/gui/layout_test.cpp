// The topology layout: deterministic, independent of manifest order, and covering every place a
// packet goes.
#include <gtest/gtest.h>

#include <iostream>

#include "gui/layout/graph_layout.h"
#include "gui/snapshot.h"

namespace packetwalk::tests::gui {
namespace {

using namespace ui::gui;
const std::string kSource = PACKETWALK_SOURCE_DIR;

bool same(const Scene& a, const Scene& b) {
  if (a.items.size() != b.items.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const auto &x = a.items[i], &y = b.items[i];
    if (x.key != y.key || x.label != y.label || x.box.x0 != y.box.x0 || x.box.y0 != y.box.y0 || x.box.x1 != y.box.x1 ||
        x.box.y1 != y.box.y1)
      return false;
  }
  return a.wires.size() == b.wires.size();
}

TEST(GuiLayout, IsTheSameOnEveryLoad) {
  auto a = Session::open({kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml", {}}, std::cerr);
  auto b = Session::open({kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml", {}}, std::cerr);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(same(a->snapshot().scene, b->snapshot().scene));
  std::ostringstream err;
  const Scene before = a->snapshot().scene;
  ASSERT_TRUE(a->reload(err));
  EXPECT_TRUE(same(before, a->snapshot().scene));
}

TEST(GuiLayout, DoesNotDependOnManifestOrder) {
  const std::string dir = kSource + "/scenarios/services/manifests/";
  auto a = Session::open({std::nullopt, {dir + "api-server.yaml", dir + "web-nodeport.yaml"}}, std::cerr);
  auto b = Session::open({std::nullopt, {dir + "web-nodeport.yaml", dir + "api-server.yaml"}}, std::cerr);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(same(a->snapshot().scene, b->snapshot().scene));
}

TEST(GuiLayout, PodsSitInsideTheirNodeAndNothingOverlaps) {
  auto s = Session::open({kSource + "/scenarios/services/clusterip-seed.yaml", {}}, std::cerr);
  ASSERT_TRUE(s);
  const Scene& scene = s->snapshot().scene;
  for (const auto& p : s->snapshot().cluster->inventory().pods) {
    const int i = scene.find("pod/" + p.namespace_ + "/" + p.name);
    ASSERT_GE(i, 0) << p.name;
    const auto& item = scene.items[static_cast<std::size_t>(i)];
    const int node = scene.find("node/" + p.node);
    ASSERT_EQ(item.parent, node);
    const Box& nb = scene.items[static_cast<std::size_t>(node)].box;
    EXPECT_TRUE(nb.contains({item.box.x0, item.box.y0}) && nb.contains({item.box.x1, item.box.y1})) << p.name;
  }
  // No two boxes of the same node overlap (nodes themselves contain their items).
  for (std::size_t i = 0; i < scene.items.size(); ++i)
    for (std::size_t j = i + 1; j < scene.items.size(); ++j) {
      const auto &a = scene.items[i].box, &b = scene.items[j].box;
      if (scene.items[i].kind == ItemKind::Node || scene.items[j].kind == ItemKind::Node) continue;
      const bool overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
      EXPECT_FALSE(overlap) << scene.items[i].label << " / " << scene.items[j].label;
    }
}

TEST(GuiLayout, EveryHopHasAPlaceInThePicture) {
  for (const char* rel : {"scenarios/seed/pod-to-pod-cross-node.yaml", "scenarios/services/clusterip-seed.yaml",
                          "scenarios/services/nodeport-external.yaml"}) {
    auto s = Session::open({kSource + "/" + rel, {}}, std::cerr);
    ASSERT_TRUE(s) << rel;
    for (const auto& p : s->snapshot().probes)
      for (std::size_t i = 0; i < p.hops.size(); ++i)
        EXPECT_GE(p.hops[i].anchor.item, 0) << rel << " " << p.input.name << " hop " << i << " " << p.hops[i].place;
  }
}

TEST(GuiLayout, VxlanCrossingFollowsTheUnderlay) {
  auto s = Session::open({kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml", {}}, std::cerr);
  ASSERT_TRUE(s);
  const auto& p = s->snapshot().probes.front();
  bool crossed = false;
  for (std::size_t i = 1; i < p.hops.size(); ++i) {
    if (p.hop(i).action == model::trace::HopAction::Receive && p.hop(i).node == "node-2" && p.hop(i).iface == "eth0" &&
        p.hop(i - 1).node == "node-1" && p.hops[i].path_in.size() > 2)
      crossed = true;
  }
  EXPECT_TRUE(crossed) << "node-1 eth0 -> node-2 eth0 should route along the bus, not straight";
}

}  // namespace
}  // namespace packetwalk::tests::gui
