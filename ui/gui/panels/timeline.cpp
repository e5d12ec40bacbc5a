#include "timeline.h"

#include <algorithm>
#include <cmath>

#include "../draw_util.h"
#include "../replay.h"
#include "replay_bar.h"

namespace packetwalk::ui::gui {

namespace {

constexpr float kNarrowLane = 22, kMinWideLane = 170, kHeaderH = 20;

const ProbeView* selected_probe(const Snapshot& snap, const UiState& ui) {
  if (ui.probe < 0 || ui.probe >= static_cast<int>(snap.probes.size())) return nullptr;
  return &snap.probes[static_cast<std::size_t>(ui.probe)];
}

}  // namespace

void TimelinePanel::sync_lanes(const Snapshot& snap) {
  // Lanes point into the snapshot's probes: rebuild when those change (a reload, a new probe).
  if (lanes_for_ == &snap && lanes_cluster_ == snap.cluster && lanes_probes_ == snap.probes.size()) return;
  lanes_.clear();
  for (std::size_t i = 0; i < snap.probes.size(); ++i) lanes_.push_back(std::make_unique<ProbeLane>(snap.probes[i], snap.axis, i));
  lanes_for_ = &snap;
  lanes_cluster_ = snap.cluster;
  lanes_probes_ = snap.probes.size();
}

void TimelinePanel::fit(const Snapshot& snap, UiState& ui) const {
  const ProbeView* p = selected_probe(snap, ui);
  double a = 0, b = 1;
  if (p && !p->hops.empty()) {
    a = snap.axis.to_display(p->start_ns);
    b = snap.axis.to_display(p->end_ns);
  }
  const double span = std::max(b - a, 1000.0);
  ui.timeline_from = a - span * 0.04;
  ui.timeline_to = a + span * 1.04;
  ui.timeline_fit = false;
}

void TimelinePanel::draw(const Snapshot& snap, UiState& ui) {
  sync_lanes(snap);
  if (ImGui::SmallButton("Fit")) ui.timeline_fit = true;
  ImGui::SameLine();
  ImGui::TextDisabled("time runs down; wheel: zoom");
  if (ui.timeline_fit) fit(snap, ui);
  const ProbeView* sel = selected_probe(snap, ui);

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float others = static_cast<float>(lanes_.empty() ? 0 : lanes_.size() - 1) * kNarrowLane;
  const float wide = std::max(kMinWideLane, avail.x - others - 2);
  const float total_w = wide + others;
  ImGui::SetNextWindowContentSize(ImVec2(total_w, 0));
  ImGui::BeginChild("##lanes", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 win = ImGui::GetWindowPos(), win_size = ImGui::GetWindowSize();
  const float height = std::max(60.0f, ImGui::GetContentRegionAvail().y);

  TimelineView view;
  view.axis = &snap.axis;
  view.from = ui.timeline_from;
  view.to = std::max(ui.timeline_to, ui.timeline_from + 1);
  view.top = o.y + kHeaderH;
  view.bottom = o.y + height - 4;
  view.left = win.x;
  view.right = win.x + win_size.x;

  // While playing, keep the cursor in view.
  if (sel && ui.playing && !sel->hops.empty()) {
    const float y = view.y_of_time(time_at(*sel, ui.cursor));
    if (y < view.top || y > view.bottom - 8) {
      const double span = view.to - view.from;
      view.from = snap.axis.to_display(time_at(*sel, ui.cursor)) - span * 0.3;
      view.to = view.from + span;
      ui.timeline_from = view.from;
      ui.timeline_to = view.to;
    }
  }

  std::vector<float> lane_x;  // left edge of each lane, then the end
  float x = o.x;
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    lane_x.push_back(x);
    x += static_cast<int>(i) == ui.probe ? wide : kNarrowLane;
  }
  lane_x.push_back(x);
  handle_input(ui, view, lane_x, x);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(o.x, view.top), ImVec2(x, view.bottom), IM_COL32(255, 255, 255, 255));
  draw_gaps(dl, view, x);
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    const float x0 = lane_x[i], x1 = lane_x[i + 1];
    if (x1 < view.left || x0 > view.right) continue;  // scrolled away
    const bool selected = static_cast<int>(i) == ui.probe;
    ProbeLane& lane = *lanes_[i];
    if (selected && sel && !sel->hops.empty()) lane.set_current(hop_at(*sel, ui.cursor));
    lane.prepare(view);
    if (selected) dl->AddRectFilled(ImVec2(x0, view.top), ImVec2(x1, view.bottom), IM_COL32(240, 244, 252, 255));
    dl->PushClipRect(ImVec2(x0, view.top), ImVec2(x1, view.bottom), true);
    lane.paint(dl, x0, x1, view, selected);
    dl->PopClipRect();
    dl->AddLine(ImVec2(x1, o.y), ImVec2(x1, view.bottom), IM_COL32(210, 210, 215, 255));
    // Header: the name on the wide lane, a number on the narrow ones; red when the probe failed.
    const ImU32 hc = to_u32(lane.failed() ? theme::kFail : theme::kPass);
    dl->AddRectFilled(ImVec2(x0 + 1, o.y), ImVec2(x1 - 1, o.y + 4), hc);
    const std::string head = selected ? lane.label() : std::to_string(i + 1);
    const ImVec4 clip(x0, o.y, x1 - 2, view.top);
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(x0 + 4, o.y + 4), to_u32(selected ? theme::kText : theme::kTextDim),
                head.c_str(), nullptr, 0, &clip);
  }
  // The replay cursor across every lane.
  if (sel && !sel->hops.empty()) {
    const std::int64_t t = time_at(*sel, ui.cursor);
    const float y = view.y_of_time(t);
    if (y >= view.top && y <= view.bottom) {
      dl->AddLine(ImVec2(o.x, y), ImVec2(x, y), to_u32(theme::kPacket), 2.0f);
      dl->AddCircleFilled(ImVec2(lane_x[static_cast<std::size_t>(ui.probe)] + 6, y), 4.5f, to_u32(theme::kPacket));
    }
  }
  ImGui::EndChild();
}

void TimelinePanel::draw_gaps(ImDrawList* dl, const TimelineView& view, float x1) const {
  const auto& axis = *view.axis;
  for (const auto& g : axis.gaps()) {
    const float ya = view.y_of(g.display_from), yb = view.y_of(g.display_from + static_cast<double>(axis.max_gap()));
    if (yb < view.top || ya > view.bottom) continue;
    const float a = std::max(ya, view.top), b = std::min(yb, view.bottom);
    dl->AddRectFilled(ImVec2(view.left, a), ImVec2(x1, b), IM_COL32(225, 225, 228, 255));
    if (b - a >= ImGui::GetTextLineHeight()) {
      const std::string label = "... " + sim::format_time(sim::Time::ns(g.to - g.from)) + " idle";
      dl->AddText(ImVec2(view.left + 30, (a + b) / 2 - ImGui::GetTextLineHeight() / 2), to_u32(theme::kTextDim), label.c_str());
    }
  }
}

void TimelinePanel::handle_input(UiState& ui, const TimelineView& view, const std::vector<float>& lane_x, float lane_end) {
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##timeline", ImVec2(std::max(1.0f, lane_end - o.x), std::max(1.0f, view.bottom - o.y)));
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
    const double at = view.d_of(io.MousePos.y);
    const double k = std::pow(0.85, static_cast<double>(io.MouseWheel));
    ui.timeline_from = at - (at - view.from) * k;
    ui.timeline_to = at + (view.to - at) * k;
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    const double per_px = (view.to - view.from) / static_cast<double>(view.bottom - view.top);
    ui.timeline_from -= io.MouseDelta.y * per_px;
    ui.timeline_to -= io.MouseDelta.y * per_px;
  }
  if (ImGui::IsItemDeactivated() && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    const ImVec2 d = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0);
    if (std::abs(d.x) + std::abs(d.y) >= 4) return;
    for (std::size_t i = 0; i + 1 < lane_x.size(); ++i) {
      if (io.MousePos.x < lane_x[i] || io.MousePos.x >= lane_x[i + 1]) continue;
      if (static_cast<int>(i) != ui.probe) {
        select_probe(ui, static_cast<int>(i));
        return;
      }
      const int hop = lanes_[i]->hop_near(io.MousePos.y, 6);
      if (hop >= 0) {
        ui.move_cursor(hop);
        ui.playing = false;
      }
    }
  }
}

}  // namespace packetwalk::ui::gui
