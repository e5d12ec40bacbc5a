#include "probe_lane.h"

#include <algorithm>
#include <cmath>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

using model::trace::HopAction;

namespace {

theme::Rgb mark_colour(HopAction a) {
  switch (a) {
    case HopAction::Route: return theme::kMarkRoute;
    case HopAction::Netfilter: return theme::kMarkNetfilter;
    case HopAction::Dnat:
    case HopAction::Snat: return theme::kMarkNat;
    case HopAction::Encapsulate:
    case HopAction::Decapsulate: return theme::kMarkTunnel;
    case HopAction::Deliver:
    case HopAction::Respond:
    case HopAction::Send: return theme::kMarkDeliver;
    case HopAction::Drop: return theme::kDrop;
    default: return theme::kMarkLink;
  }
}

}  // namespace

ProbeLane::ProbeLane(const ProbeView& probe, const TimeAxis& axis, std::uint64_t key) : probe_(&probe), key_(key) {
  sorted_.reserve(probe.hops.size());
  labels_.reserve(probe.hops.size());
  for (std::size_t i = 0; i < probe.hops.size(); ++i) {
    sorted_.emplace_back(axis.to_display(probe.hops[i].t_ns), i);
    const auto& h = probe.hop(i);
    labels_.push_back(sim::format_time(sim::Time::ns(probe.hops[i].t_ns)) + " " + std::string(model::trace::action_name(h.action)) + " " + probe.hops[i].place);
  }
  std::stable_sort(sorted_.begin(), sorted_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!sorted_.empty()) {
    from_ = sorted_.front().first;
    to_ = sorted_.back().first;
  }
}

void ProbeLane::prepare(const TimelineView& view) {
  visible_.clear();
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), view.from, [](const auto& e, double d) { return e.first < d; });
  int last_row = INT32_MIN;
  for (; it != sorted_.end() && it->first <= view.to; ++it) {
    const float y = view.y_of(it->first);
    const int row = static_cast<int>(std::floor(y));
    if (row == last_row) continue;  // folded: another hop already marks this pixel row
    last_row = row;
    visible_.push_back({it->second, y});
  }
}

void ProbeLane::paint(ImDrawList* dl, float x0, float x1, const TimelineView& view, bool selected) const {
  const float bar_x = x0 + 4;
  // Legs as bars: each leg its own, forward and reply in their own colours, a DNS exchange's legs
  // in the DNS colours with a "DNS" badge on the label.
  labels_due_.clear();
  for (std::size_t i = 0; i < probe_->legs.size(); ++i) {
    const LegSpan& leg = probe_->legs[i];
    if (leg.first >= leg.end) continue;
    float ya = view.y_of_time(probe_->hops[leg.first].t_ns), yb = view.y_of_time(probe_->hops[leg.end - 1].t_ns);
    if (yb < view.top || ya > view.bottom) continue;
    ya = std::max(ya, view.top);
    yb = std::min(std::max(yb, ya + 2), view.bottom);
    const float bx = selected ? bar_x : x0 + 1;
    dl->AddRectFilled(ImVec2(bx, ya), ImVec2(bx + (selected ? 5 : 3), yb), to_u32(leg_colour(leg)));
    if (selected) labels_due_.emplace_back(ya, i);
  }
  // A and AAAA queries leave together: labels in the order of their times, each pushed below the
  // one before when they would overlap (the bars stay at their true times).
  std::stable_sort(labels_due_.begin(), labels_due_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  float label_bottom = view.top;
  for (const auto& [ya, i] : labels_due_) {
    const LegSpan& leg = probe_->legs[i];
    const ImVec2 sz = ImGui::CalcTextSize(leg.lane_name.c_str());
    float ty = std::clamp(ya - sz.y - 1, view.top, view.bottom - sz.y);
    if (leg.dns >= 0) ty = std::max(ty, label_bottom);
    const float tx = x1 - sz.x - 4;
    if (leg.dns >= 0) {
      // A backing, so the marks' labels to its left do not run into it.
      const float bw = ImGui::CalcTextSize("DNS").x;
      dl->AddRectFilled(ImVec2(tx - bw - 10, ty - 1), ImVec2(x1, ty + sz.y + 1), IM_COL32(255, 255, 255, 230));
      badge(dl, ImVec2(tx - bw - 8, ty - 1), "DNS", leg_colour(leg));
    }
    dl->AddText(ImVec2(tx, ty), to_u32(leg_colour(leg)), leg.lane_name.c_str());
    label_bottom = ty + sz.y + 2;
  }
  const float tick0 = selected ? x0 + 12 : x0 + 5, tick1 = selected ? x0 + 26 : x1 - 2;
  float last_label = -1e9f;
  const float line_h = ImGui::GetTextLineHeight();
  const ImVec4 clip(x0, view.top, x1, view.bottom);
  for (const Mark& m : visible_) {
    const auto& h = probe_->hop(m.hop);
    const bool cur = selected && m.hop == current_;
    dl->AddLine(ImVec2(tick0, m.y), ImVec2(cur ? tick1 + 6 : tick1, m.y), to_u32(mark_colour(h.action)), cur ? 3.0f : 1.5f);
    if (selected && m.y - last_label >= line_h) {
      dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(tick1 + 8, m.y - line_h / 2), to_u32(cur ? theme::kText : theme::kTextDim),
                  labels_[m.hop].c_str(), nullptr, 0, &clip);
      last_label = m.y;
    }
  }
  // The drop, always visible even when folded.
  if (probe_->first_drop >= 0) {
    const float y = view.y_of_time(probe_->hops[static_cast<std::size_t>(probe_->first_drop)].t_ns);
    if (y >= view.top && y <= view.bottom) dl->AddRectFilled(ImVec2(tick0 - 2, y - 2.5f), ImVec2(tick1 + 2, y + 2.5f), to_u32(theme::kDrop));
  }
}

int ProbeLane::hop_near(float y, float slack) const {
  int best = -1;
  float best_d = slack;
  for (const Mark& m : visible_) {
    const float d = std::abs(m.y - y);
    if (d <= best_d) {
      best_d = d;
      best = static_cast<int>(m.hop);
    }
  }
  return best;
}

}  // namespace packetwalk::ui::gui
