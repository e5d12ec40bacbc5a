#include "export_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../draw_util.h"
#include "../export.h"

namespace packetwalk::ui::gui {

void ExportForm::draw(const Snapshot& snap, UiState& ui) {
  if (ui.export_form_open && !ImGui::IsPopupOpen("Export")) {
    ImGui::OpenPopup("Export");
    // Offer names after the probe; keep what the user typed while the probe stays the same.
    if (for_probe_ != ui.probe) {
      for_probe_ = ui.probe;
      json_ = default_export_name(snap, ui.probe, "json");
      png_ = default_export_name(snap, ui.probe, "png");
    }
  }
  ImGui::SetNextWindowSize(ImVec2(520, 0), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal("Export", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  const bool has_trace = !trace_document(snap, ui.probe).empty();
  ImGui::TextDisabled("The trace as `packetwalk trace -o json` prints it (schema packetwalk/trace/v1).");
  ImGui::InputText("##json", &json_);
  ImGui::SameLine();
  if (!has_trace) ImGui::BeginDisabled();
  if (ImGui::Button("Export JSON", ImVec2(110, 0)) && !json_.empty()) {
    ui.request_export_json = json_;
    ui.export_form_open = false;
  }
  if (!has_trace) ImGui::EndDisabled();
  ImGui::TextDisabled("The whole window as it is drawn, without this form.");
  ImGui::InputText("##png", &png_);
  ImGui::SameLine();
  if (ImGui::Button("Export PNG", ImVec2(110, 0)) && !png_.empty()) {
    ui.request_export_png = png_;
    ui.export_form_open = false;
  }
  if (!ui.export_error.empty()) ImGui::TextColored(to_vec4(theme::kFail), "%s", ui.export_error.c_str());
  if (ImGui::Button("Close", ImVec2(100, 0))) ui.export_form_open = false;
  if (!ui.export_form_open) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace packetwalk::ui::gui
