#include "reach_panel.h"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

namespace {

ImU32 heat_colour(const HeatCell& c) {
  if (c.empty()) return to_u32(theme::kReachNone);
  const float s = c.share();
  auto mix = [s](std::uint8_t a, std::uint8_t b) { return static_cast<int>(static_cast<float>(a) + (static_cast<float>(b) - static_cast<float>(a)) * s + 0.5f); };
  return IM_COL32(mix(theme::kReachDenied.r, theme::kReachAllowed.r), mix(theme::kReachDenied.g, theme::kReachAllowed.g),
                  mix(theme::kReachDenied.b, theme::kReachAllowed.b), 255);
}

void draw_controls(const ReachHeat& h, UiState& ui) {
  const auto& m = h.matrix;
  ImGui::Text("CNI %s %s", m.cni.c_str(), m.enforced ? "enforces NetworkPolicy" : "does not enforce NetworkPolicy: every pair is allowed");
  ImGui::SameLine();
  if (ImGui::Button("Close reach")) ui.show(UiState::Center::Picture);
  ImGui::SetNextItemWidth(120);
  const std::string current = m.ports.empty() ? "(no ports)" : m.ports[static_cast<std::size_t>(ui.reach_port)].to_string();
  if (ImGui::BeginCombo("port", current.c_str())) {
    for (std::size_t i = 0; i < m.ports.size(); ++i)
      if (ImGui::Selectable(m.ports[i].to_string().c_str(), static_cast<int>(i) == ui.reach_port)) {
        ui.reach_port = static_cast<int>(i);
        ui.reach_from = ui.reach_to = -1;
      }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::RadioButton("pods", !ui.reach_by_namespace)) ui.reach_by_namespace = false, ui.reach_from = ui.reach_to = -1;
  ImGui::SameLine();
  if (ImGui::RadioButton("namespaces", ui.reach_by_namespace)) ui.reach_by_namespace = true, ui.reach_from = ui.reach_to = -1;
  ImGui::SameLine();
  ImGui::TextDisabled("rows: from, columns: to; green allowed, red denied, grey not checked");
}

}  // namespace

void ReachPanel::draw(const ReachHeat* h, const std::string& explain, UiState& ui) {
  if (!h) {
    ImGui::TextDisabled("computing the reachability matrix...");
    return;
  }
  if (h->matrix.ports.empty()) {
    draw_controls(*h, ui);
    ImGui::TextDisabled("No ports: no pod declares a container port.");
    return;
  }
  ui.reach_port = std::clamp(ui.reach_port, 0, static_cast<int>(h->matrix.ports.size()) - 1);
  draw_controls(*h, ui);
  const auto port = static_cast<std::size_t>(ui.reach_port);
  const HeatGrid& g = ui.reach_by_namespace ? h->namespaces[port] : h->pods[port];
  const std::size_t n = g.labels.size();
  if (!ui.reach_by_namespace && n > 4 * kReachPodGridMax) {
    // n^2 cells under a pixel each would cost the frame and show nothing a person can click.
    ImGui::TextDisabled("%zu pods: too many for a pod grid here; pick namespaces (or `packetwalk reach -n NS`).", n);
    return;
  }

  // The grid takes what the explanation (a fifth of the pane) leaves, square cells, labels left
  // and on top; only rows and columns inside the clip rectangle are drawn.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  float label_w = 0;
  for (const auto& l : g.labels) label_w = std::max(label_w, ImGui::CalcTextSize(l.c_str()).x);
  label_w = std::min(label_w + 8, avail.x * 0.35f);
  const float top_h = std::min(label_w, 90.0f);
  const float grid_h = avail.y * 0.78f - top_h;
  const float cell = n == 0 ? 0 : std::clamp(std::min((avail.x - label_w) / static_cast<float>(n), grid_h / static_cast<float>(n)), 1.0f, 28.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 g0(o.x + label_w, o.y + top_h);
  const bool labels = cell >= ImGui::GetTextLineHeight() * 0.8f;
  for (std::size_t i = 0; i < n; ++i) {
    const float y = g0.y + cell * static_cast<float>(i);
    if (labels) {
      dl->AddText(ImVec2(o.x, y + (cell - ImGui::GetTextLineHeight()) / 2), to_u32(theme::kText), g.labels[i].c_str());
      // Column labels: the destination's name, staggered over two lines to fit narrow columns.
      const std::string& l = g.labels[i];
      const std::string shown = l.substr(l.find('/') == std::string::npos ? 0 : l.find('/') + 1);
      dl->AddText(ImVec2(g0.x + cell * static_cast<float>(i), o.y + top_h - ImGui::GetTextLineHeight() * static_cast<float>(1 + i % 2)),
                  to_u32(theme::kTextDim), shown.c_str());
    }
    for (std::size_t j = 0; j < n; ++j) {
      const float x = g0.x + cell * static_cast<float>(j);
      const float pad = cell >= 6 ? 1.0f : 0.0f;
      dl->AddRectFilled(ImVec2(x + pad, y + pad), ImVec2(x + cell - pad, y + cell - pad), heat_colour(g.at(i, j)));
    }
  }
  if (ui.reach_from >= 0 && ui.reach_to >= 0 && static_cast<std::size_t>(ui.reach_from) < n && static_cast<std::size_t>(ui.reach_to) < n) {
    const ImVec2 a(g0.x + cell * static_cast<float>(ui.reach_to), g0.y + cell * static_cast<float>(ui.reach_from));
    dl->AddRect(a, ImVec2(a.x + cell, a.y + cell), to_u32(theme::kSelection), 0, 0, 2.5f);
  }
  ImGui::InvisibleButton("##heat", ImVec2(label_w + cell * static_cast<float>(n), top_h + cell * static_cast<float>(n)));
  if (ImGui::IsItemHovered() && cell > 0) {
    const ImVec2 mp = ImGui::GetIO().MousePos;
    const int col = static_cast<int>((mp.x - g0.x) / cell), row = static_cast<int>((mp.y - g0.y) / cell);
    if (mp.x >= g0.x && mp.y >= g0.y && col < static_cast<int>(n) && row < static_cast<int>(n)) {
      ImGui::SetTooltip("%s -> %s", g.labels[static_cast<std::size_t>(row)].c_str(), g.labels[static_cast<std::size_t>(col)].c_str());
      if (ImGui::IsMouseClicked(0)) ui.reach_from = row, ui.reach_to = col;
    }
  }
  ImGui::Separator();
  if (ui.reach_from < 0 || ui.reach_to < 0 || static_cast<std::size_t>(ui.reach_from) >= n || static_cast<std::size_t>(ui.reach_to) >= n) {
    ImGui::TextDisabled("Click a cell for the explanation of that flow.");
    return;
  }
  ImGui::BeginChild("##reachwhy", ImVec2(0, 0), false);
  ImGui::TextWrapped("%s", explain_cell(*h, port, ui.reach_by_namespace, static_cast<std::size_t>(ui.reach_from), static_cast<std::size_t>(ui.reach_to)).c_str());
  if (!explain.empty() && ImGui::CollapsingHeader("packetwalk explain", ImGuiTreeNodeFlags_DefaultOpen)) ImGui::TextUnformatted(explain.c_str());
  ImGui::EndChild();
}

}  // namespace packetwalk::ui::gui
