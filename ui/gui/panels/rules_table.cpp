#include "rules_table.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>

#include "../draw_util.h"
#include "../replay.h"

namespace packetwalk::ui::gui {

namespace dp = model::datapath;
using model::trace::HopAction;

namespace {

const FlatHop* current_hop(const Snapshot& snap, const UiState& ui, const ProbeView** probe) {
  if (ui.probe < 0 || ui.probe >= static_cast<int>(snap.probes.size())) return nullptr;
  const ProbeView& p = snap.probes[static_cast<std::size_t>(ui.probe)];
  if (p.hops.empty()) return nullptr;
  *probe = &p;
  return &p.hops[hop_at(p, ui.cursor)];
}

bool contains_nocase(const std::string& hay, const std::string& needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); });
  return it != hay.end();
}

}  // namespace

dp::NetnsId RulesTable::pick_netns(const Snapshot& snap, UiState& ui) const {
  // A node picked in the tree or the picture wins; else the hop's namespace when it has rules.
  for (const char* prefix : {"node/", "stack/"}) {
    if (ui.selected.rfind(prefix, 0) == 0)
      if (auto ns = snap.cluster->node_netns(ui.selected.substr(std::string(prefix).size()))) return *ns;
  }
  const ProbeView* p = nullptr;
  if (ui.selected.empty())
    if (const FlatHop* f = current_hop(snap, ui, &p); f && snap.rules_of(f->netns)) ui.rules_netns = f->netns;
  if (ui.rules_netns != dp::kNone && snap.rules_of(ui.rules_netns)) return ui.rules_netns;
  if (!snap.cluster->inventory().nodes.empty())
    if (auto ns = snap.cluster->node_netns(snap.cluster->inventory().nodes.front().name)) return *ns;
  return dp::kNone;
}

void RulesTable::refilter(const RuleListing& listing, const UiState& ui) {
  if (rows_for_ == &listing && rows_filter_ == ui.rules_filter && rows_table_ == ui.rules_table) return;
  rows_.clear();
  const auto& lines = listing.lines();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (ui.rules_table >= 0 && static_cast<int>(lines[i].table) != ui.rules_table) continue;
    if (!ui.rules_filter.empty() && !contains_nocase(lines[i].text, ui.rules_filter)) continue;
    rows_.push_back(static_cast<int>(i));
  }
  rows_for_ = &listing;
  rows_filter_ = ui.rules_filter;
  rows_table_ = ui.rules_table;
  scroll_pending_ = !hits_.empty();
}

void RulesTable::find_hits(const Snapshot& snap, const UiState& ui, const RuleListing& listing) {
  const ProbeView* p = nullptr;
  const FlatHop* f = current_hop(snap, ui, &p);
  const std::size_t hop = f ? static_cast<std::size_t>(f - p->hops.data()) : 0;
  if (hits_for_listing_ == &listing && hits_probe_ == ui.probe && hits_hop_ == hop) return;
  hits_.clear();
  hits_for_listing_ = &listing;
  hits_probe_ = ui.probe;
  hits_hop_ = hop;
  if (!f || snap.rules_of(f->netns) != &listing) return;
  const auto& h = p->hop(hop);
  for (const auto& r : h.rules)
    if (int line = listing.find(r); line >= 0) hits_.push_back(line);
  // A DNAT/SNAT hop names its deciding rule in `detail`, as iptables-save prints it.
  if ((h.action == HopAction::Dnat || h.action == HopAction::Snat) && h.detail.rfind("-A ", 0) == 0) {
    const auto& lines = listing.lines();
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].text == h.detail) hits_.push_back(static_cast<int>(i));
  }
  std::sort(hits_.begin(), hits_.end());
  scroll_pending_ = !hits_.empty();
}

void RulesTable::draw(const Snapshot& snap, UiState& ui) {
  const dp::NetnsId ns = pick_netns(snap, ui);
  const RuleListing* listing = ns == dp::kNone ? nullptr : snap.rules_of(ns);
  if (!listing) {
    ImGui::TextDisabled("No netfilter rules here.");
    return;
  }
  find_hits(snap, ui, *listing);
  refilter(*listing, ui);
  const std::string& name = snap.cluster->topology().netns(ns).name;
  ImGui::Text("iptables-save of %s", name.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("%zu rules, %zu matched by this hop", listing->rule_count(), hits_.size());
  const char* tables[] = {"all tables", "raw", "mangle", "nat", "filter"};  // NfTableKind order + 1
  int t = ui.rules_table + 1;
  ImGui::SetNextItemWidth(100);
  if (ImGui::Combo("##table", &t, tables, 5)) ui.rules_table = t - 1;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##rulefilter", "search rules: KUBE-SVC, 10.96.0.1, DNAT", &ui.rules_filter);

  ImGui::BeginChild("##rules", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  if (scroll_pending_) {
    // Bring the first matched rule to a third of the way down.
    auto first = std::find_if(rows_.begin(), rows_.end(), [&](int r) { return std::binary_search(hits_.begin(), hits_.end(), r); });
    if (first != rows_.end())
      ImGui::SetScrollY(std::max(0.0f, static_cast<float>(first - rows_.begin()) * line_h - ImGui::GetWindowHeight() / 3));
    scroll_pending_ = false;
  }
  const auto& lines = listing->lines();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows_.size()), line_h);
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const int li = rows_[static_cast<std::size_t>(r)];
      const RuleLine& line = lines[static_cast<std::size_t>(li)];
      const bool hit = std::binary_search(hits_.begin(), hits_.end(), li);
      const ImVec2 p0 = ImGui::GetCursorScreenPos();
      const ImVec2 sz = ImGui::CalcTextSize(line.text.c_str());
      if (hit) dl->AddRectFilled(p0, ImVec2(p0.x + std::max(sz.x, ImGui::GetContentRegionAvail().x), p0.y + line_h), to_u32(theme::kNatHighlight));
      if (line.number == 0) {
        ImGui::TextDisabled("%s", line.text.c_str());
      } else {
        ImGui::TextUnformatted(line.text.c_str());
      }
    }
  }
  ImGui::EndChild();
}

}  // namespace packetwalk::ui::gui
