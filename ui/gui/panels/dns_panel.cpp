#include "dns_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

namespace {

theme::Rgb outcome_colour(const DnsTry& t) {
  if (!t.answered) return theme::kFail;
  return t.records_found ? theme::kDnsFound : theme::kDnsEmpty;
}

void draw_form(const Snapshot& snap, UiState& ui, std::string& from, std::string& name, std::string& types) {
  if (from.empty() && ui.probe >= 0 && ui.probe < static_cast<int>(snap.probes.size()))
    from = snap.probes[static_cast<std::size_t>(ui.probe)].input.from;
  ImGui::SetNextItemWidth(170);
  ImGui::InputTextWithHint("##dnsfrom", "from: NS/POD", &from);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(220);
  ImGui::InputTextWithHint("##dnsname", "name to look up", &name);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(70);
  ImGui::InputTextWithHint("##dnstype", "A", &types);
  ImGui::SameLine();
  if (ImGui::Button("Look up") && !name.empty()) ui.request_lookup = UiState::Lookup{from, name, types.empty() ? "A" : types};
  ImGui::SameLine();
  if (ImGui::Button("Probe's lookup")) ui.request_lookup = UiState::Lookup{};  // back to the selected probe's
  ImGui::SameLine();
  if (ImGui::Button("Close DNS")) ui.show(UiState::Center::Picture);
  if (!ui.lookup_error.empty()) ImGui::TextColored(to_vec4(theme::kFail), "%s", ui.lookup_error.c_str());
}

}  // namespace

void DnsPanel::draw(const DnsViewData* d, const Snapshot& snap, UiState& ui) {
  draw_form(snap, ui, from_, name_, types_);
  ImGui::Separator();
  if (!d) {
    ImGui::TextDisabled("The selected probe connects to an address: no name lookup. Type a name above to look one up.");
    return;
  }
  ImGui::TextUnformatted(d->title.c_str());
  for (const auto& line : d->resolv_conf) ImGui::TextDisabled("  %s", line.c_str());

  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                     ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
  const float table_h = std::min(ImGui::GetContentRegionAvail().y * 0.55f, ImGui::GetTextLineHeightWithSpacing() * (3.0f * static_cast<float>(d->tries.size()) + 2));
  if (ImGui::BeginTable("##dnstries", 7, kFlags, ImVec2(0, table_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#");
    ImGui::TableSetupColumn("type");
    ImGui::TableSetupColumn("name tried");
    ImGui::TableSetupColumn("server");
    ImGui::TableSetupColumn("sent / waited");
    ImGui::TableSetupColumn("answer");
    ImGui::TableSetupColumn("records, path", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const auto& t : d->tries) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::Text("%d", t.number);
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(t.type.c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(t.name.c_str());
      if (t.attempt > 1) ImGui::TextDisabled("attempt %d", t.attempt);
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(t.server.c_str());
      ImGui::TableSetColumnIndex(4);
      ImGui::Text("%s / %s", t.sent.c_str(), t.waited.c_str());
      ImGui::TableSetColumnIndex(5);
      // A solid badge per outcome, so the row that ended the lookup stands out (and a test finds it).
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const std::string code = t.outcome.substr(0, t.outcome.find(':'));
      const float w = ImGui::CalcTextSize(code.c_str()).x + 8;
      ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w, p.y + ImGui::GetTextLineHeight()), to_u32(outcome_colour(t)), 3);
      ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(theme::kCanvas));
      ImGui::Text(" %s", code.c_str());
      ImGui::PopStyleColor();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", t.outcome.c_str());
      ImGui::TableSetColumnIndex(6);
      for (const auto& r : t.records) ImGui::TextUnformatted(r.c_str());
      if (t.records.empty() && t.outcome.find(':') != std::string::npos) ImGui::TextWrapped("%s", t.outcome.c_str());
      if (!t.path.empty()) ImGui::TextDisabled("%s", t.path.c_str());
    }
    ImGui::EndTable();
  }
  ImGui::TextColored(to_vec4(d->success ? theme::kPass : theme::kFail), "result: %s", d->result.c_str());
  if (ImGui::CollapsingHeader("as `packetwalk dns` prints it", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::BeginChild("##dnstext", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::TextUnformatted(d->text.c_str());
    ImGui::EndChild();
  }
}

}  // namespace packetwalk::ui::gui
