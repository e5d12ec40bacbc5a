#include "workspace.h"

#include <imgui.h>


#include "draw_util.h"
#include "pane_layout.h"
#include "replay.h"
#include "panels/replay_bar.h"

namespace packetwalk::ui::gui {

namespace {

constexpr ImGuiWindowFlags kPaneFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;

bool begin_pane(const char* title, const PaneRect& r, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
  return ImGui::Begin(title, nullptr, kPaneFlags | extra);
}

}  // namespace

Workspace::Workspace(Session& session) : session_(session) {
  // Open on the first failing probe: that is what someone opening a red CI run wants to see.
  const auto& probes = session_.snapshot().probes;
  for (std::size_t i = 0; i < probes.size() && ui_.probe < 0; ++i)
    if (probes[i].failed()) ui_.probe = static_cast<int>(i);
  if (ui_.probe < 0 && !probes.empty()) ui_.probe = 0;
}

void Workspace::frame(float width, float height, double dt) {
  poll_files(dt);
  apply_requests();
  const Snapshot& snap = session_.snapshot();
  if (ui_.playing && ui_.probe >= 0 && ui_.probe < static_cast<int>(snap.probes.size())) {
    const ProbeView& p = snap.probes[static_cast<std::size_t>(ui_.probe)];
    ui_.cursor = advance_cursor(p, ui_.cursor, dt, ui_.speed);
    if (p.hops.empty() || ui_.cursor >= static_cast<double>(p.hops.size() - 1)) {
      if (loop_) ui_.cursor = 0;
      else ui_.playing = false;
    }
  }

  const PaneLayout l = compute_pane_layout(width, height);
  if (begin_pane("##replay", l.replay_bar, ImGuiWindowFlags_NoTitleBar)) {
    bar_.draw(snap, ui_);
    form_.draw(snap, ui_);  // modal popups, opened from the bar
    export_form_.draw(snap, ui_);
    file_dialog_.draw(snap, ui_);
  }
  ImGui::End();
  if (begin_pane("Objects", ui_.faults_open ? tree_above_faults(l) : l.object_tree)) tree_.draw(snap, ui_);
  ImGui::End();
  if (ui_.faults_open) {
    if (begin_pane("Faults", fault_pane(l))) fault_panel_.draw(snap, session_.faults(), fault_effect_, ui_);
    ImGui::End();
  }
  if (ui_.diff_open && diff_) {
    if (begin_pane("Diff", diff_pane(l))) diff_panel_.draw(*diff_, ui_);
    ImGui::End();
  } else if (ui_.dns_open) {
    if (begin_pane("DNS", diff_pane(l))) dns_panel_.draw(dns_ ? &*dns_ : nullptr, snap, ui_);
    ImGui::End();
  } else if (ui_.reach_open) {
    if (begin_pane("Reach", diff_pane(l))) reach_panel_.draw(reach_ ? &*reach_ : nullptr, explain_, ui_);
    ImGui::End();
  } else {
    if (begin_pane("Topology", l.topology, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) topology_.draw(snap, ui_);
    ImGui::End();
    if (begin_pane("Timeline", l.timeline, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) timeline_.draw(snap, ui_);
    ImGui::End();
  }
  if (!ui_.load_error.empty()) {
    // Over the picture, in front of it: the state below is the previous one, still usable.
    ImGui::SetNextWindowBgAlpha(1.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, to_vec4(theme::kErrorBanner));
    // Not a pane: ImGui puts windows that never come to the front at the back of the display
    // order, behind the picture; this one must be in front.
    const PaneRect r = error_banner(l);
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
    if (ImGui::Begin("##loaderror", nullptr, (kPaneFlags & ~ImGuiWindowFlags_NoBringToFrontOnFocus) | ImGuiWindowFlags_NoTitleBar)) {
      ImGui::TextColored(to_vec4(theme::kFail), "Cannot load: the previous state is kept. Fix the file and save, or Reload.");
      ImGui::SameLine();
      if (ImGui::SmallButton("Dismiss")) ui_.load_error.clear();
      ImGui::TextUnformatted(ui_.load_error.c_str());
    }
    ImGui::End();
    ImGui::PopStyleColor();
  }
  if (begin_pane("Inspector", l.inspector)) inspector_.draw(snap, ui_);
  ImGui::End();
  if (begin_pane("Rules", l.rules)) rules_.draw(snap, ui_);
  ImGui::End();
}

}  // namespace packetwalk::ui::gui
