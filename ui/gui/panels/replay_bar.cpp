#include "replay_bar.h"

#include <imgui.h>

#include <cmath>

#include "../draw_util.h"
#include "../replay.h"

namespace packetwalk::ui::gui {

namespace {

// A step or jump stops playback: the user wants to look at that hop.
void jump(UiState& ui, double cursor) {
  ui.move_cursor(cursor);
  ui.playing = false;
}

}  // namespace

void select_probe(UiState& ui, int index) {
  ui.probe = index;
  ui.move_cursor(0);
  ui.playing = false;
  ui.timeline_fit = true;
}

void ReplayBar::draw(const Snapshot& snap, UiState& ui) {
  ImGui::Text("packetwalk  %s", snap.title.c_str());
  ImGui::SameLine();
  draw_probe_picker(snap, ui);
  ImGui::SameLine();
  if (ImGui::Button("New probe...")) {
    ui.probe_form_open = true;
    ui.probe_form_error.clear();
  }
  ImGui::SameLine();
  if (ImGui::Button("Open...")) {
    ui.file_dialog_open = true;
    ui.file_dialog_opens = true;
  }
  ImGui::SameLine();
  if (ImGui::Button("Reload")) ui.request_reload = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Also automatic: the files are checked every second.");
  ImGui::SameLine();
  if (ImGui::Button("Export...")) {
    ui.export_form_open = true;
    ui.export_error.clear();
  }
  ImGui::SameLine();
  if (ImGui::Button("Diff...")) {
    ui.file_dialog_open = true;
    ui.file_dialog_opens = false;
    ui.diff_error.clear();
  }
  // The views over the picture; a second click returns to the picture.
  auto view_button = [&](const char* label, bool open, UiState::Center c) {
    ImGui::SameLine();
    if (open) ImGui::PushStyleColor(ImGuiCol_Button, to_vec4(theme::kSelection, 0.45f));
    if (ImGui::Button(label)) ui.show(open ? UiState::Center::Picture : c);
    if (open) ImGui::PopStyleColor();
  };
  view_button("DNS", ui.dns_open, UiState::Center::Dns);
  view_button("Reach", ui.reach_open, UiState::Center::Reach);
  ImGui::SameLine();
  if (ImGui::Button("Faults")) ui.faults_open = !ui.faults_open;
  if (!ui.status.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", ui.status.c_str());
  }
  if (ui.probe < 0 || ui.probe >= static_cast<int>(snap.probes.size())) {
    ImGui::TextDisabled("No probe: the scenario has none. Use \"New probe...\" to trace one.");
    return;
  }
  const ProbeView& p = snap.probes[static_cast<std::size_t>(ui.probe)];
  if (!p.error.empty()) {
    ImGui::TextColored(to_vec4(theme::kFail), "probe %s: %s", p.input.name.c_str(), p.error.c_str());
    return;
  }
  draw_transport(p, ui);
  handle_keys(p, ui);
}

void ReplayBar::draw_probe_picker(const Snapshot& snap, UiState& ui) {
  std::string preview = "(none)";
  if (ui.probe >= 0 && ui.probe < static_cast<int>(snap.probes.size())) preview = snap.probes[static_cast<std::size_t>(ui.probe)].input.name;
  ImGui::SetNextItemWidth(260);
  if (!ImGui::BeginCombo("##probe", preview.c_str())) return;
  for (std::size_t i = 0; i < snap.probes.size(); ++i) {
    const ProbeView& p = snap.probes[i];
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(p.failed() ? theme::kFail : theme::kText));
    const std::string label = p.input.name + "  " + p.input.from + " -> " + p.input.to + " " + p.input.protocol;
    if (ImGui::Selectable(label.c_str(), static_cast<int>(i) == ui.probe)) select_probe(ui, static_cast<int>(i));
    ImGui::PopStyleColor();
  }
  ImGui::EndCombo();
}

void ReplayBar::draw_transport(const ProbeView& p, UiState& ui) {
  const double last = p.hops.empty() ? 0.0 : static_cast<double>(p.hops.size() - 1);
  const std::size_t i = hop_at(p, ui.cursor);
  if (ImGui::Button("|<")) jump(ui, 0);
  ImGui::SameLine();
  if (ImGui::Button("<")) jump(ui, std::max(0.0, std::ceil(ui.cursor - 1e-9) - 1));
  ImGui::SameLine();
  if (ImGui::Button(ui.playing ? "Pause" : "Play ", ImVec2(52, 0))) {
    if (!ui.playing && ui.cursor >= last) ui.move_cursor(0);  // replay from the start
    ui.playing = !ui.playing;
    ui.selected.clear();
  }
  ImGui::SameLine();
  if (ImGui::Button(">")) jump(ui, std::min(last, std::floor(ui.cursor + 1e-9) + 1));
  ImGui::SameLine();
  if (ImGui::Button(">|")) jump(ui, last);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::SliderFloat("##speed", &ui.speed, 0.25f, 8.0f, "speed %.2fx", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine();

  // The scrubber: drag over hops; the label says where the cursor is in simulated time.
  // A probe whose name lookup failed never opened a connection: only the DNS exchanges' legs (the
  // DNS view tells the whole lookup).
  std::string leg = p.hops.empty() ? std::string(p.report.dns ? "no connection: see DNS" : "") : p.legs[p.hops[i].leg].name;
  if (!p.hops.empty() && i + 1 == p.hops.size() && p.report.result.trace.legs.empty() && p.report.dns) leg += " (no connection: the name did not resolve)";
  char label[160];
  std::snprintf(label, sizeof label, "hop %zu/%zu  %s  %s", i, p.hops.size() - (p.hops.empty() ? 0 : 1), leg.c_str(),
                sim::format_time(sim::Time::ns(time_at(p, ui.cursor))).c_str());
  float c = static_cast<float>(ui.cursor);
  const float outcome_w = 330;
  ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - outcome_w));
  if (ImGui::SliderFloat("##scrub", &c, 0.0f, static_cast<float>(last), label)) {
    ui.move_cursor(c);
    ui.playing = false;
  }
  ImGui::SameLine();
  const auto& tr = p.report.result.trace;
  const bool ok = p.report.passed;
  ImGui::TextColored(to_vec4(ok ? theme::kPass : theme::kFail), "%s %s", std::string(model::trace::disposition_name(tr.disposition)).c_str(),
                     p.has_expectation ? (ok ? "(PASS)" : "(FAIL)") : "");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr.reason.c_str());
}

void ReplayBar::handle_keys(const ProbeView& p, UiState& ui) {
  // Only when no text field has the keyboard (the filters, the probe form).
  if (ImGui::GetIO().WantTextInput || p.hops.empty()) return;
  const double last = static_cast<double>(p.hops.size() - 1);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
    if (!ui.playing && ui.cursor >= last) ui.move_cursor(0);
    ui.playing = !ui.playing;
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) jump(ui, std::min(last, std::floor(ui.cursor + 1e-9) + 1));
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) jump(ui, std::max(0.0, std::ceil(ui.cursor - 1e-9) - 1));
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) jump(ui, 0);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End))) jump(ui, last);
}

}  // namespace packetwalk::ui::gui
