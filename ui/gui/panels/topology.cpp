#include "topology.h"

#include <algorithm>
#include <cmath>

#include "../draw_util.h"
#include "../replay.h"

namespace packetwalk::ui::gui {

namespace {

constexpr float kMarkerRadius = 7.5f;

theme::Rgb fill_of(ItemKind k) {
  switch (k) {
    case ItemKind::Node: return theme::kNodeFill;
    case ItemKind::Pod: return theme::kPodFill;
    case ItemKind::HostVeth: return theme::kVethFill;
    case ItemKind::Bridge: return theme::kBridgeFill;
    case ItemKind::Vxlan: return theme::kVxlanFill;
    case ItemKind::Uplink: return theme::kEthFill;
    case ItemKind::Stack: return theme::kStackFill;
    case ItemKind::Router:
    case ItemKind::ExternalHost: return theme::kExternalFill;
    case ItemKind::Service: return theme::kServiceFill;
  }
  return theme::kPodFill;
}

void polyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 col, float thickness) {
  if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), col, 0, thickness);
}

// ImGui 1.86 has no dashed lines.
void dashed(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thickness) {
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  const int n = std::max(1, static_cast<int>(len / 8));
  for (int k = 0; k < n; k += 2) {
    const float t0 = static_cast<float>(k) / static_cast<float>(n), t1 = static_cast<float>(k + 1) / static_cast<float>(n);
    dl->AddLine(ImVec2(a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0), ImVec2(a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1), col,
                thickness);
  }
}

}  // namespace

void TopologyPanel::draw(const Snapshot& snap, UiState& ui) {
  if (ImGui::SmallButton("Fit")) ui.topo_fit = true;
  ImGui::SameLine();
  ImGui::TextDisabled("%.0f%%   wheel: zoom   drag: pan   click: select", zoom_ * 100);
  origin_ = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.x = std::max(size.x, 50.0f);
  size.y = std::max(size.y, 50.0f);
  const Box& b = snap.scene.bounds;
  if (ui.topo_fit) {
    zoom_ = std::min({size.x / b.width(), size.y / b.height(), 1.6f});
    pan_ = {b.x0 - (size.x / zoom_ - b.width()) / 2, b.y0 - (size.y / zoom_ - b.height()) / 2};
  } else {
    zoom_ = ui.topo_zoom;
    pan_ = ui.topo_pan;
  }
  handle_input(snap, ui, size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(origin_, ImVec2(origin_.x + size.x, origin_.y + size.y), true);
  dl->AddRectFilled(origin_, ImVec2(origin_.x + size.x, origin_.y + size.y), to_u32(theme::kCanvas));
  draw_scene(dl, snap, ui, size);
  draw_packet(dl, snap, ui);
  dl->PopClipRect();
}

void TopologyPanel::handle_input(const Snapshot& snap, UiState& ui, ImVec2 size) {
  ImGui::InvisibleButton("##canvas", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
    const Vec2 before = to_world(io.MousePos);
    zoom_ = std::clamp(zoom_ * std::pow(1.15f, io.MouseWheel), 0.05f, 6.0f);
    pan_ = {before.x - (io.MousePos.x - origin_.x) / zoom_, before.y - (io.MousePos.y - origin_.y) / zoom_};
    ui.topo_fit = false;
  }
  if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(ImGuiMouseButton_Left) || ImGui::IsMouseDragging(ImGuiMouseButton_Right))) {
    pan_.x -= io.MouseDelta.x / zoom_;
    pan_.y -= io.MouseDelta.y / zoom_;
    ui.topo_fit = false;
  }
  if (ImGui::IsItemDeactivated() && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    const ImVec2 d = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0);
    if (std::abs(d.x) + std::abs(d.y) < 4) {
      const int idx = hit(snap.scene, to_world(io.MousePos));
      ui.selected = idx >= 0 ? snap.scene.items[static_cast<std::size_t>(idx)].key : std::string();
    }
  }
  if (ImGui::IsItemHovered()) {
    const int idx = hit(snap.scene, to_world(io.MousePos));
    if (idx >= 0) {
      const auto& it = snap.scene.items[static_cast<std::size_t>(idx)];
      ImGui::SetTooltip("%s\n%s", it.label.c_str(), it.sublabel.c_str());
    }
  }
  ui.topo_zoom = zoom_;
  ui.topo_pan = pan_;
}

// The smallest item under the point, so a pod wins over its node box. Only items with a key or
// a device can be selected; devices select their node's stack.
int TopologyPanel::hit(const Scene& scene, Vec2 w) const {
  int best = -1;
  float best_area = 0;
  for (std::size_t i = 0; i < scene.items.size(); ++i) {
    const auto& it = scene.items[i];
    if (it.key.empty() || !it.box.contains(w)) continue;
    const float area = it.box.width() * it.box.height();
    if (best < 0 || area < best_area) {
      best = static_cast<int>(i);
      best_area = area;
    }
  }
  return best;
}

void TopologyPanel::draw_item(ImDrawList* dl, const SceneItem& it, float text_size) const {
  const ImVec2 a = to_screen({it.box.x0, it.box.y0}), b = to_screen({it.box.x1, it.box.y1});
  const float round = it.kind == ItemKind::Service ? 8 * zoom_ : 3 * zoom_;
  dl->AddRectFilled(a, b, to_u32(fill_of(it.kind)), round);
  dl->AddRect(a, b, to_u32(it.kind == ItemKind::Node ? theme::kNodeBorder : theme::kPodBorder), round, 0,
              it.kind == ItemKind::Node ? 1.5f : 1.0f);
  if (text_size < 6) return;  // unreadable at this zoom: boxes only
  ImFont* font = ImGui::GetFont();
  const ImVec4 clip(a.x + 2, a.y, b.x - 2, b.y);
  const float pad = 3 * zoom_;
  const float h = b.y - a.y;
  const bool one_line = h < text_size * 2.1f || it.sublabel.empty() || it.kind == ItemKind::Node || it.kind == ItemKind::Service ||
                        it.kind == ItemKind::Bridge;
  if (one_line) {
    std::string line = it.label;
    if (!it.sublabel.empty() && it.kind != ItemKind::HostVeth) line += "  " + it.sublabel;
    const float y = it.kind == ItemKind::Node ? a.y + pad : a.y + (h - text_size) / 2;
    dl->AddText(font, text_size, ImVec2(a.x + pad + 1, y), to_u32(theme::kText), line.c_str(), nullptr, 0, &clip);
  } else {
    dl->AddText(font, text_size, ImVec2(a.x + pad + 1, a.y + pad), to_u32(theme::kText), it.label.c_str(), nullptr, 0, &clip);
    dl->AddText(font, text_size, ImVec2(a.x + pad + 1, a.y + pad + text_size), to_u32(theme::kTextDim), it.sublabel.c_str(), nullptr,
                0, &clip);
  }
}

void TopologyPanel::draw_scene(ImDrawList* dl, const Snapshot& snap, const UiState& ui, ImVec2 size) const {
  const Scene& s = snap.scene;
  const float text_size = std::min(15.0f, 13.0f * zoom_);
  const Vec2 w0 = to_world(origin_), w1 = to_world(ImVec2(origin_.x + size.x, origin_.y + size.y));
  auto visible = [&](const Box& b) { return b.x1 >= w0.x && b.x0 <= w1.x && b.y1 >= w0.y && b.y0 <= w1.y; };

  if (text_size >= 6 && !snap.cluster->services().services.empty())
    dl->AddText(ImGui::GetFont(), text_size, to_screen({0, 2}), to_u32(theme::kTextDim), "Services (VIPs)");
  const float bus_w = std::max(1.5f, 3 * zoom_);
  for (const auto& bus : s.buses) {
    for (const auto& r : bus.rails) dl->AddLine(to_screen(r.a), to_screen(r.b), to_u32(theme::kBus), bus_w);
    dl->AddLine(to_screen(bus.trunk.a), to_screen(bus.trunk.b), to_u32(theme::kBus), bus_w);
    if (text_size >= 6 && !bus.rails.empty()) {
      const Vec2 at = bus.rails.front().a;
      const bool vertical = bus.rails.front().a.x == bus.rails.front().b.x;
      dl->AddText(ImGui::GetFont(), text_size, to_screen({at.x + (vertical ? 4 : 0), at.y + (vertical ? -16 : 3)}),
                  to_u32(theme::kTextDim), bus.name.c_str());
    }
  }
  // Node boxes first, then wires over them, then the devices and pods on top.
  for (const auto& it : s.items)
    if (it.kind == ItemKind::Node && visible(it.box)) draw_item(dl, it, text_size);
  for (const auto& w : s.wires) dl->AddLine(to_screen(w.a), to_screen(w.b), to_u32(theme::kBus, 200), std::max(1.0f, zoom_));
  for (const auto& it : s.items)
    if (it.kind != ItemKind::Node && visible(it.box)) draw_item(dl, it, text_size);

  auto outline = [&](int idx, theme::Rgb c, float thickness) {
    if (idx < 0) return;
    const Box& b = s.items[static_cast<std::size_t>(idx)].box;
    dl->AddRect(ImVec2(to_screen({b.x0, b.y0}).x - 2, to_screen({b.x0, b.y0}).y - 2),
                ImVec2(to_screen({b.x1, b.y1}).x + 2, to_screen({b.x1, b.y1}).y + 2), to_u32(c), 4, 0, thickness);
  };
  outline(s.find(ui.selected), theme::kSelection, 2.5f);
}

void TopologyPanel::draw_packet(ImDrawList* dl, const Snapshot& snap, const UiState& ui) const {
  if (ui.probe < 0 || ui.probe >= static_cast<int>(snap.probes.size())) return;
  const ProbeView& p = snap.probes[static_cast<std::size_t>(ui.probe)];
  if (p.hops.empty()) return;
  const std::size_t cur = hop_at(p, ui.cursor);
  const std::uint32_t cur_leg = p.hops[cur].leg;
  const float thick = std::max(2.0f, 3.5f * std::min(zoom_, 1.0f));

  // Trails: finished legs faint, the current leg strong up to the marker.
  std::vector<ImVec2> pts;
  for (const LegSpan& leg : p.legs) {
    if (leg.first >= p.hops.size() || p.hops[leg.first].leg > cur_leg) break;
    const bool current = p.hops[leg.first].leg == cur_leg;
    const std::size_t end = current ? cur + 1 : leg.end;
    pts.clear();
    for (std::size_t k = leg.first; k < end; ++k) {
      if (p.hops[k].path_in.empty()) {
        pts.push_back(to_screen(p.hops[k].anchor.at));
        continue;
      }
      for (std::size_t q = 1; q < p.hops[k].path_in.size(); ++q) pts.push_back(to_screen(p.hops[k].path_in[q]));
    }
    if (current) pts.push_back(to_screen(marker_at(p, ui.cursor)));
    polyline(dl, pts, to_u32(leg_colour(leg), current ? 255 : 90), current ? thick : thick * 0.7f);
  }

  // The Service the packet is addressed to (or answers from): outline its VIP and tie it to the packet.
  const ImVec2 marker = to_screen(marker_at(p, ui.cursor));
  const auto& hop = p.hop(cur);
  const model::net::Packet& inner = hop.packet.innermost();
  int svc = -1;
  for (auto addr : {hop.before ? hop.before->innermost().dst : inner.dst, inner.dst, inner.src}) {
    auto it = snap.scene.service_by_vip.find(addr);
    if (it != snap.scene.service_by_vip.end()) {
      svc = it->second;
      break;
    }
  }
  if (svc >= 0) {
    const Box& b = snap.scene.items[static_cast<std::size_t>(svc)].box;
    const ImVec2 a = to_screen({b.x0, b.y0}), c = to_screen({b.x1, b.y1});
    dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(c.x + 2, c.y + 2), to_u32(theme::kForwardPath), 8 * zoom_, 0, 2.5f);
    dashed(dl, ImVec2((a.x + c.x) / 2, c.y), marker, to_u32(theme::kForwardPath, 200), 1.5f);
  }

  // Where the packet died: a red cross, strong once the replay reaches it.
  if (p.first_drop >= 0) {
    const auto& d = p.hops[static_cast<std::size_t>(p.first_drop)];
    const ImVec2 at = to_screen(d.anchor.at);
    const bool reached = cur >= static_cast<std::size_t>(p.first_drop);
    const ImU32 col = to_u32(theme::kDrop, reached ? 255 : 110);
    const float r = reached ? 11 : 7;
    dl->AddLine(ImVec2(at.x - r, at.y - r), ImVec2(at.x + r, at.y + r), col, reached ? 5 : 3);
    dl->AddLine(ImVec2(at.x - r, at.y + r), ImVec2(at.x + r, at.y - r), col, reached ? 5 : 3);
    if (reached) {
      const std::string why = "DROP " + std::string(model::trace::drop_reason_name(p.hop(static_cast<std::size_t>(p.first_drop)).drop_reason));
      const ImVec2 tsz = ImGui::CalcTextSize(why.c_str());
      dl->AddRectFilled(ImVec2(at.x + r + 2, at.y - r - 2), ImVec2(at.x + r + 8 + tsz.x, at.y - r + tsz.y + 2), to_u32(theme::kDrop));
      dl->AddText(ImVec2(at.x + r + 5, at.y - r), IM_COL32(255, 255, 255, 255), why.c_str());
    }
  }

  // The packet: a fixed-size dot, so it stays visible however far out the view is zoomed.
  const LegSpan& leg = p.legs[cur_leg];
  dl->AddCircleFilled(marker, kMarkerRadius + 2, to_u32(leg.dns >= 0 ? leg_colour(leg) : leg.reply ? theme::kReplyPath : theme::kText));
  dl->AddCircleFilled(marker, kMarkerRadius, to_u32(theme::kPacket));
  const std::string tag = leg.name + "  " + std::string(model::trace::action_name(hop.action));
  const ImVec2 tsz = ImGui::CalcTextSize(tag.c_str());
  ImVec2 t0(marker.x + kMarkerRadius + 4, marker.y + kMarkerRadius);
  // A DNS exchange's packet carries a "DNS" badge: the lookup, not yet the connection.
  if (leg.dns >= 0) t0.x += badge(dl, t0, "DNS", leg_colour(leg)) + 2;
  dl->AddRectFilled(t0, ImVec2(t0.x + tsz.x + 6, t0.y + tsz.y + 2), IM_COL32(255, 255, 255, 220), 3);
  dl->AddText(ImVec2(t0.x + 3, t0.y + 1), to_u32(theme::kText), tag.c_str());
}

}  // namespace packetwalk::ui::gui
