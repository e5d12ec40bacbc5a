#include "workspace.h"

#include <imgui.h>

#include <filesystem>
#include <sstream>

#include "export.h"
#include "pane_layout.h"
#include "replay.h"

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

bool Workspace::start(const GuiOptions& o, std::string& error) {
  const Snapshot& snap = session_.snapshot();
  if (o.probe) {
    const int i = snap.find_probe(*o.probe);
    if (i < 0) {
      error = "no probe named \"" + *o.probe + "\" in the scenario (probes:";
      for (const auto& p : snap.probes) error += " " + p.input.name;
      error += ")";
      return false;
    }
    select_probe(ui_, i);
  }
  if (o.at_hop) {
    if (ui_.probe < 0) {
      error = "--at-hop needs a probe, and the scenario has none";
      return false;
    }
    const ProbeView& p = snap.probes[static_cast<std::size_t>(ui_.probe)];
    std::size_t hop = o.at_hop->index;
    if (o.at_hop->kind == HopRef::Kind::Last) hop = p.hops.empty() ? 0 : p.hops.size() - 1;
    if (o.at_hop->kind == HopRef::Kind::Drop) {
      if (p.first_drop < 0) {
        error = "probe " + p.input.name + " has no drop";
        return false;
      }
      hop = static_cast<std::size_t>(p.first_drop);
    }
    if (hop >= p.hops.size()) {
      error = "probe " + p.input.name + " has hops 0.." + std::to_string(p.hops.empty() ? 0 : p.hops.size() - 1);
      return false;
    }
    ui_.move_cursor(static_cast<double>(hop));
  }
  ui_.request_export_json = o.export_json;
  ui_.request_export_png = o.export_png;
  if (o.diff && !std::filesystem::exists(*o.diff)) {
    error = "--diff: no such file or folder: " + *o.diff;
    return false;
  }
  ui_.request_diff = o.diff;
  return true;
}

std::optional<std::string> Workspace::take_png_request() {
  auto r = std::move(ui_.request_export_png);
  ui_.request_export_png.reset();
  return r;
}

void Workspace::apply_requests() {
  if (ui_.request_probe) {
    std::string error;
    if (session_.add_probe(*ui_.request_probe, error)) {
      select_probe(ui_, static_cast<int>(session_.snapshot().probes.size()) - 1);
      ui_.probe_form_open = false;
      ui_.probe_form_error.clear();
    } else {
      ui_.probe_form_error = error;
    }
    ui_.request_probe.reset();
  }
  if (ui_.request_export_json) {
    std::string error;
    if (export_trace_json(session_.snapshot(), ui_.probe, *ui_.request_export_json, error)) {
      ui_.status = "exported " + *ui_.request_export_json;
      ui_.export_error.clear();
    } else {
      ui_.status = "export failed: " + error;
      ui_.export_error = error;
    }
    ui_.request_export_json.reset();
  }
  if (ui_.request_diff) {
    std::ostringstream err;
    if (auto d = compute_diff_view(session_.snapshot(), *ui_.request_diff, err)) {
      diff_ = std::move(*d);
      ui_.diff_open = true;
      ui_.file_dialog_open = false;
      ui_.status = "diff: " + diff_->summary();
    } else {
      const std::string text = err.str();
      ui_.diff_error = "cannot load " + *ui_.request_diff + (text.empty() ? "" : ": " + text.substr(0, text.find('\n')));
      ui_.status = ui_.diff_error;
    }
    ui_.request_diff.reset();
  }
  if (ui_.request_reload) {
    ui_.request_reload = false;
    std::ostringstream err;
    if (session_.reload(err)) {
      ui_.status = "reloaded";
      const int n = static_cast<int>(session_.snapshot().probes.size());
      if (ui_.probe >= n) select_probe(ui_, n - 1);
      ui_.timeline_fit = true;
    } else {
      const std::string text = err.str();
      ui_.status = "reload failed, kept the previous state: " + text.substr(0, text.find('\n'));
    }
  }
}

void Workspace::frame(float width, float height, double dt) {
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
  if (begin_pane("Objects", l.object_tree)) tree_.draw(snap, ui_);
  ImGui::End();
  if (ui_.diff_open && diff_) {
    if (begin_pane("Diff", diff_pane(l))) diff_panel_.draw(*diff_, ui_);
    ImGui::End();
  } else {
    if (begin_pane("Topology", l.topology, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) topology_.draw(snap, ui_);
    ImGui::End();
    if (begin_pane("Timeline", l.timeline, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) timeline_.draw(snap, ui_);
    ImGui::End();
  }
  if (begin_pane("Inspector", l.inspector)) inspector_.draw(snap, ui_);
  ImGui::End();
  if (begin_pane("Rules", l.rules)) rules_.draw(snap, ui_);
  ImGui::End();
}

}  // namespace packetwalk::ui::gui
