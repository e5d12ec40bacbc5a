#include "graph_layout.h"

namespace packetwalk::ui::gui {

namespace dp = model::datapath;

int Scene::find(const std::string& key) const {
  auto it = by_key.find(key);
  return it == by_key.end() ? -1 : it->second;
}

Anchor Scene::anchor(dp::NetnsId netns, dp::IfaceId iface) const {
  if (auto it = iface_anchor.find(iface); iface != dp::kNone && it != iface_anchor.end()) return it->second;
  if (auto it = netns_anchor.find(netns); it != netns_anchor.end()) return it->second;
  return {};
}

std::vector<Vec2> Scene::route(const Anchor& from, dp::IfaceId from_iface, const Anchor& to, dp::IfaceId to_iface) const {
  auto a = taps.find(from_iface), b = taps.find(to_iface);
  if (a == taps.end() || b == taps.end() || a->second.bus != b->second.bus || from_iface == to_iface)
    return {from.at, to.at};
  const Bus& bus = buses[a->second.bus];
  std::vector<Vec2> pts{from.at, a->second.point};
  if (a->second.rail != b->second.rail) {
    pts.push_back(bus.rails[a->second.rail].b);  // along the rail to the trunk,
    pts.push_back(bus.rails[b->second.rail].b);  // along the trunk to the other rail
  }
  pts.push_back(b->second.point);
  pts.push_back(to.at);
  return pts;
}

}  // namespace packetwalk::ui::gui
