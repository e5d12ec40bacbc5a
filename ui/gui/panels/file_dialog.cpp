#include "file_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <filesystem>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

void FileDialog::enter(const std::string& dir) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(dir, ec);
  listed_ = ec ? dir : canonical.string();
  list_error_.clear();
  entries_ = list_manifest_dir(listed_, list_error_);
}

void FileDialog::draw(const Snapshot& snap, UiState& ui) {
  // One popup id for both uses (the label after ### is the id): Open... and Compare with...
  const char* const title = ui.file_dialog_opens ? "Open###files" : "Compare with...###files";
  if (ui.file_dialog_open && !ImGui::IsPopupOpen("###files")) {
    ImGui::OpenPopup(title);
    if (ui.file_dialog_dir.empty()) {
      // Start beside what is loaded: the other version usually sits next to it.
      namespace fs = std::filesystem;
      const fs::path src = snap.source.empty() ? fs::current_path() : fs::path(snap.source);
      fs::path dir = fs::is_directory(src) ? src : src.parent_path();
      if (dir.empty()) dir = fs::current_path();
      ui.file_dialog_dir = dir.string();
    }
  }
  if (listed_ != ui.file_dialog_dir) {
    enter(ui.file_dialog_dir);
    ui.file_dialog_dir = listed_;
  }
  ImGui::SetNextWindowSize(ImVec2(560, 440), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  ImGui::TextDisabled(ui.file_dialog_opens ? "Open a scenario file, a manifest file, or a folder of manifests (on the default cluster)."
                                           : "The second version: a scenario file, a manifest file, or a folder of manifests.");
  ImGui::TextUnformatted(listed_.c_str());
  if (ImGui::BeginChild("##entries", ImVec2(0, -90), true)) {
    if (!list_error_.empty()) ImGui::TextColored(to_vec4(theme::kFail), "%s", list_error_.c_str());
    for (const auto& e : entries_) {
      const std::string path = (std::filesystem::path(listed_) / e.name).lexically_normal().string();
      const std::string label = e.folder ? e.name + "/" : e.name;
      if (ImGui::Selectable(label.c_str(), picked_ == path, ImGuiSelectableFlags_AllowDoubleClick)) {
        if (e.folder && (e.name == ".." || ImGui::IsMouseDoubleClicked(0))) {
          ui.file_dialog_dir = path;  // listed next frame
        } else {
          picked_ = path;  // one click on a folder picks the folder itself
        }
      }
    }
  }
  ImGui::EndChild();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##picked", "path of the other version", &picked_);
  const std::string& failed = ui.file_dialog_opens ? ui.load_error : ui.diff_error;
  if (!failed.empty()) ImGui::TextColored(to_vec4(theme::kFail), "%s", failed.c_str());
  if (ImGui::Button(ui.file_dialog_opens ? "Open" : "Compare", ImVec2(100, 0)) && !picked_.empty()) {
    if (ui.file_dialog_opens) {
      ui.request_open = picked_;
    } else {
      ui.request_diff = picked_;
      ui.diff_error.clear();
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Close", ImVec2(100, 0))) ui.file_dialog_open = false;
  if (!ui.file_dialog_open) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace packetwalk::ui::gui
