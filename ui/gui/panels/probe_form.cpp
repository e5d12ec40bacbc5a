#include "probe_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

void ProbeForm::draw(const Snapshot& snap, UiState& ui) {
  if (ui.probe_form_open && !ImGui::IsPopupOpen("New probe")) {
    ImGui::OpenPopup("New probe");
    // Start from the selected probe, the usual thing to vary.
    if (from_.empty() && ui.probe >= 0 && ui.probe < static_cast<int>(snap.probes.size()))
      from_ = snap.probes[static_cast<std::size_t>(ui.probe)].input.from;
  }
  ImGui::SetNextWindowSize(ImVec2(460, 0), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal("New probe", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  ImGui::TextDisabled("The same forms as `packetwalk trace --from ... --to ...`.");
  ImGui::InputTextWithHint("from", "NS/POD, POD, node/NODE, external/HOST", &from_);
  if (ImGui::BeginCombo("##pods", "pick a pod", ImGuiComboFlags_NoPreview)) {
    for (const auto& p : snap.cluster->inventory().pods) {
      const std::string key = p.namespace_ + "/" + p.name;
      if (ImGui::Selectable(key.c_str())) from_ = key;
    }
    ImGui::EndCombo();
  }
  ImGui::InputTextWithHint("to", "POD, NS/POD, SERVICE, node/NODE, IP, localhost", &to_);
  ImGui::InputInt("port", &port_);
  port_ = std::clamp(port_, 1, 65535);
  const char* protocols[] = {"TCP", "UDP", "SCTP"};
  ImGui::Combo("protocol", &protocol_, protocols, 3);
  if (!ui.probe_form_error.empty()) ImGui::TextColored(to_vec4(theme::kFail), "%s", ui.probe_form_error.c_str());
  if (ImGui::Button("Trace", ImVec2(100, 0)) && !from_.empty() && !to_.empty()) {
    cli::ProbeInput in;
    in.from = from_;
    in.to = to_ + ":" + std::to_string(port_);
    in.protocol = protocols[protocol_];
    ui.request_probe = in;
  }
  ImGui::SameLine();
  if (ImGui::Button("Close", ImVec2(100, 0))) ui.probe_form_open = false;
  if (!ui.probe_form_open) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace packetwalk::ui::gui
