#include "object_tree.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>

#include "../draw_util.h"
#include "replay_bar.h"

namespace packetwalk::ui::gui {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void probe_row(const ProbeView& p, int index, UiState& ui) {
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(p.failed() ? theme::kFail : (p.has_expectation ? theme::kPass : theme::kText)));
  const std::string label = std::string(p.failed() ? "x " : (p.has_expectation ? "v " : "- ")) + p.input.name + "##probe" +
                            std::to_string(index);
  if (ImGui::Selectable(label.c_str(), ui.probe == index)) select_probe(ui, index);
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s -> %s %s\n%s", p.input.from.c_str(), p.input.to.c_str(), p.input.protocol.c_str(),
                      p.error.empty() ? p.report.result.trace.reason.c_str() : p.error.c_str());
}

}  // namespace

void ObjectTree::draw(const Snapshot& snap, UiState& ui) {
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##filter", "filter: pod, node, Service, IP", &ui.tree_filter);
  ImGui::Separator();
  ImGui::BeginChild("##objects");
  if (ui.tree_filter.empty()) {
    draw_tree(snap, ui);
  } else {
    draw_matches(snap, ui);
  }
  ImGui::EndChild();
}

void ObjectTree::select_row(const std::string& key, const std::string& label, UiState& ui) {
  if (ImGui::Selectable(label.c_str(), ui.selected == key)) ui.selected = key;
}

void ObjectTree::draw_tree(const Snapshot& snap, UiState& ui) {
  const auto& inv = snap.cluster->inventory();
  ImGui::SetNextItemOpen(true, ImGuiCond_Once);
  if (ImGui::CollapsingHeader("Probes")) {
    for (std::size_t i = 0; i < snap.probes.size(); ++i) probe_row(snap.probes[i], static_cast<int>(i), ui);
    if (snap.probes.empty()) ImGui::TextDisabled("none: use New probe...");
  }
  ImGui::SetNextItemOpen(true, ImGuiCond_Once);
  if (ImGui::CollapsingHeader("Nodes")) {
    for (const auto& n : inv.nodes) {
      const std::string key = "node/" + n.name;
      ImGuiTreeNodeFlags f = ImGuiTreeNodeFlags_OpenOnArrow | (ui.selected == key ? ImGuiTreeNodeFlags_Selected : 0);
      // Small clusters open their nodes; big ones start folded.
      if (inv.pods.size() <= 40) ImGui::SetNextItemOpen(true, ImGuiCond_Once);
      const bool open = ImGui::TreeNodeEx(key.c_str(), f, "%s  %s", n.name.c_str(), n.internal_ip.to_string().c_str());
      if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) ui.selected = key;
      if (!open) continue;
      for (const auto& p : inv.pods) {
        if (p.node != n.name) continue;
        select_row("pod/" + p.namespace_ + "/" + p.name, p.name + "  " + p.ip.to_string() + "##" + p.namespace_, ui);
      }
      ImGui::TreePop();
    }
  }
  if (ImGui::CollapsingHeader("Namespaces")) {
    for (const auto& ns : inv.namespaces) {
      if (!ImGui::TreeNode(ns.meta.name.c_str())) continue;
      for (const auto& p : inv.pods)
        if (p.namespace_ == ns.meta.name) select_row("pod/" + p.namespace_ + "/" + p.name, p.name + "##ns", ui);
      ImGui::TreePop();
    }
  }
  if (ImGui::CollapsingHeader("Services")) {
    for (const auto& s : snap.cluster->services().services) {
      const std::string vip = s.cluster_ip ? s.cluster_ip->to_string() : std::string(s.headless ? "headless" : "-");
      select_row("svc/" + s.namespace_ + "/" + s.name, s.namespace_ + "/" + s.name + "  " + vip, ui);
    }
  }
  if (ImGui::CollapsingHeader("Outside the cluster")) {
    for (const auto& ns : snap.cluster->topology().all_netns())
      if (ns.kind == model::datapath::NetnsKind::External) select_row("netns/" + ns.name, ns.name, ui);
  }
}

void ObjectTree::rebuild_entries(const Snapshot& snap) {
  entries_.clear();
  for (std::size_t i = 0; i < snap.probes.size(); ++i)
    entries_.push_back({"probe " + snap.probes[i].input.name, "", static_cast<int>(i)});
  for (const auto& n : snap.cluster->inventory().nodes)
    entries_.push_back({"node " + n.name + "  " + n.internal_ip.to_string(), "node/" + n.name, -1});
  for (const auto& p : snap.cluster->inventory().pods)
    entries_.push_back({"pod " + p.namespace_ + "/" + p.name + "  " + p.ip.to_string() + "  " + p.node,
                        "pod/" + p.namespace_ + "/" + p.name, -1});
  for (const auto& s : snap.cluster->services().services)
    entries_.push_back({"svc " + s.namespace_ + "/" + s.name + "  " + (s.cluster_ip ? s.cluster_ip->to_string() : ""),
                        "svc/" + s.namespace_ + "/" + s.name, -1});
  entries_for_ = snap.cluster;
  entries_probes_ = snap.probes.size();
  matches_for_ = "\x01";
}

void ObjectTree::draw_matches(const Snapshot& snap, UiState& ui) {
  if (entries_for_ != snap.cluster || entries_probes_ != snap.probes.size()) rebuild_entries(snap);
  if (matches_for_ != ui.tree_filter) {
    // Every space-separated word must appear, case-insensitively.
    std::vector<std::string> words;
    std::string w;
    for (char ch : lower(ui.tree_filter) + " ") {
      if (ch != ' ') { w += ch; continue; }
      if (!w.empty()) words.push_back(w);
      w.clear();
    }
    matches_.clear();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const std::string l = lower(entries_[i].label);
      if (std::all_of(words.begin(), words.end(), [&](const std::string& x) { return l.find(x) != std::string::npos; }))
        matches_.push_back(i);
    }
    matches_for_ = ui.tree_filter;
  }
  ImGui::TextDisabled("%zu of %zu", matches_.size(), entries_.size());
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(matches_.size()));
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const Entry& e = entries_[matches_[static_cast<std::size_t>(r)]];
      ImGui::PushID(r);
      if (e.probe >= 0) {
        probe_row(snap.probes[static_cast<std::size_t>(e.probe)], e.probe, ui);
      } else {
        select_row(e.key, e.label, ui);
      }
      ImGui::PopID();
    }
  }
}

}  // namespace packetwalk::ui::gui
