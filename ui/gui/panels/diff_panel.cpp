#include "diff_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

namespace {

// Every word of the filter must occur in the row (as the object tree's filter works).
bool matches(const DiffRow& r, const std::string& filter) {
  const std::string all = r.from + " " + r.to + " " + r.port + " " + r.before + " " + r.after + (r.opened ? " opened" : " closed");
  std::size_t at = 0;
  while (at < filter.size()) {
    const std::size_t end = filter.find(' ', at);
    const std::string word = filter.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!word.empty() && all.find(word) == std::string::npos) return false;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return true;
}

}  // namespace

void DiffPanel::draw(const DiffView& d, UiState& ui) {
  ImGui::Text("%s", d.before.empty() ? "(loaded manifests)" : d.before.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("->");
  ImGui::SameLine();
  ImGui::Text("%s", d.after.c_str());
  ImGui::SameLine();
  if (ImGui::Button("Close diff")) ui.diff_open = false;
  ImGui::TextColored(to_vec4(d.rows.empty() ? theme::kPass : theme::kText), "%s", d.summary().c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("CNI %s -> %s", d.diff.cni_before.c_str(), d.diff.cni_after.c_str());
  for (const auto& n : d.notes) ImGui::TextDisabled("%s", n.c_str());
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##difffilter", "filter (every word must match)", &filter_);

  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##diff", 6, kFlags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("change");
  ImGui::TableSetupColumn("from");
  ImGui::TableSetupColumn("to");
  ImGui::TableSetupColumn("port");
  ImGui::TableSetupColumn("before", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("after", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (const auto& r : d.rows) {
    if (!filter_.empty() && !matches(r, filter_)) continue;
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    // A solid badge, so the change reads from the back of a room (and a test can find it).
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + 58, p.y + h), to_u32(r.opened ? theme::kDiffOpened : theme::kDiffClosed), 3);
    ImGui::Text(" %s", r.opened ? "opened" : "closed");
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(r.from.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(r.to.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextUnformatted(r.port.c_str());
    ImGui::TableSetColumnIndex(4);
    ImGui::TextUnformatted(r.before.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("before: %s", r.before.c_str());
    ImGui::TableSetColumnIndex(5);
    ImGui::TextUnformatted(r.after.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("after: %s", r.after.c_str());
  }
  ImGui::EndTable();
}

}  // namespace packetwalk::ui::gui
