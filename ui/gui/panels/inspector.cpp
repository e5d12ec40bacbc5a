#include "inspector.h"

#include <imgui.h>

#include <map>

#include "../draw_util.h"
#include "../hop_text.h"
#include "../replay.h"

namespace packetwalk::ui::gui {

using model::trace::HopAction;

void Inspector::draw(const Snapshot& snap, UiState& ui) {
  if (!ui.selected.empty()) {
    if (ImGui::SmallButton("<- back to the hop")) ui.selected.clear();
    ImGui::Separator();
    if (!ui.selected.empty() && !draw_object(snap, ui.selected, ui)) ImGui::TextDisabled("%s: not in this cluster", ui.selected.c_str());
    return;
  }
  if (ui.probe < 0 || ui.probe >= static_cast<int>(snap.probes.size())) {
    ImGui::TextDisabled("Select a probe, or an object in the tree or the picture.");
    return;
  }
  const ProbeView& p = snap.probes[static_cast<std::size_t>(ui.probe)];
  if (!p.error.empty() || p.hops.empty()) {
    ImGui::TextColored(to_vec4(theme::kFail), "%s", p.error.empty() ? "no hops" : p.error.c_str());
    return;
  }
  draw_hop(snap, p, hop_at(p, ui.cursor));
}

void Inspector::draw_hop(const Snapshot& snap, const ProbeView& p, std::size_t i) {
  const FlatHop& f = p.hops[i];
  const auto& h = p.hop(i);
  const LegSpan& leg = p.legs[f.leg];
  ImGui::Text("hop %zu of %zu", i, p.hops.size() - 1);
  ImGui::SameLine();
  ImGui::TextColored(to_vec4(leg_colour(leg)), "leg %u %s (%s)", f.leg + 1, leg.name.c_str(),
                     leg.dns >= 0 ? (leg.reply ? "DNS answer" : "DNS query") : leg.reply ? "reply" : "forward");
  ImGui::SameLine();
  ImGui::Text("at %s", sim::format_time(sim::Time::ns(f.t_ns)).c_str());
  if (leg.dns >= 0 && static_cast<std::size_t>(leg.dns) < p.dns_tries.size()) draw_dns_try(p.dns_tries[static_cast<std::size_t>(leg.dns)], p.dns_tries.size());
  const bool drop = h.action == HopAction::Drop;
  ImGui::TextColored(to_vec4(drop ? theme::kDrop : theme::kText), "%s", f.summary.c_str());
  ImGui::TextDisabled("node");
  ImGui::SameLine();
  ImGui::Text("%s", h.node.empty() ? "(outside the cluster)" : h.node.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("namespace");
  ImGui::SameLine();
  ImGui::Text("%s", h.netns.c_str());
  if (!h.iface.empty()) {
    ImGui::TextDisabled("device");
    ImGui::SameLine();
    std::string dev = h.iface;
    if (f.iface != model::datapath::kNone) {
      const auto& iface = snap.cluster->topology().iface(f.iface);
      dev += " (" + std::string(model::datapath::iface_kind_name(iface.kind)) + ", mtu " + std::to_string(iface.mtu) + ")";
    }
    ImGui::Text("%s", dev.c_str());
  }

  ImGui::BeginChild("##hopdetail");
  if (drop) {
    ImGui::TextColored(to_vec4(theme::kDrop), "Dropped: %s", std::string(model::trace::drop_reason_name(h.drop_reason)).c_str());
    ImGui::TextWrapped("%s", h.detail.c_str());
    ImGui::TextWrapped("Probe result: %s", p.report.result.trace.reason.c_str());
  }
  if (ImGui::CollapsingHeader("Headers", ImGuiTreeNodeFlags_DefaultOpen)) draw_headers(h);
  switch (h.action) {
    case HopAction::Route:
      if (ImGui::CollapsingHeader("Routing entry used", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::TextColored(to_vec4(theme::kMarkRoute), "%s", h.detail.c_str());
        draw_netns_tables(snap, f.netns, h.detail);
      }
      break;
    case HopAction::Bridge:
      if (ImGui::CollapsingHeader("Bridge ports", ImGuiTreeNodeFlags_DefaultOpen)) ImGui::Text("%s", h.detail.c_str());
      break;
    case HopAction::Netfilter:
    case HopAction::Dnat:
    case HopAction::Snat:
      if (ImGui::CollapsingHeader("Netfilter", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (!h.hook.empty()) ImGui::Text("table %s, hook %s: %u rules tested", h.detail.c_str(), h.hook.c_str(), h.rules_evaluated);
        else ImGui::TextWrapped("%s", h.detail.c_str());
        // Matched rules on the highlight colour, as in the full table below.
        for (const auto& r : h.rules) {
          const ImVec2 p0 = ImGui::GetCursorScreenPos();
          const float w = ImGui::GetContentRegionAvail().x;
          const ImVec2 sz = ImGui::CalcTextSize(r.text.c_str(), nullptr, false, w);
          ImGui::GetWindowDrawList()->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + sz.y), to_u32(theme::kNatHighlight));
          ImGui::PushTextWrapPos(0);
          ImGui::TextUnformatted(r.text.c_str());
          ImGui::PopTextWrapPos();
        }
        if (!h.rules.empty()) ImGui::TextDisabled("Shown in the namespace's full table below.");
      }
      break;
    default:
      if (!h.detail.empty()) ImGui::TextWrapped("%s", h.detail.c_str());
      break;
  }
  draw_probe_summary(p);
  ImGui::EndChild();
}

void Inspector::draw_dns_try(const DnsTry& t, std::size_t tries) {
  // The resolver's side of this exchange, as the DNS view's row shows it: which candidate of the
  // search list, which type, and what came back.
  ImGui::TextDisabled("DNS try %d of %zu", t.number, tries);
  ImGui::SameLine();
  ImGui::Text("%s %s  to %s, attempt %d", t.type.c_str(), t.name.c_str(), t.server.c_str(), t.attempt);
  const theme::Rgb c = !t.answered ? theme::kFail : t.records_found ? theme::kDnsFound : theme::kDnsEmpty;
  // The answer code on its colour (green records, amber none, red no answer), as in the DNS view.
  const std::string code = t.outcome.substr(0, t.outcome.find(':'));
  const float w = badge(ImGui::GetWindowDrawList(), ImGui::GetCursorScreenPos(), code.c_str(), c);
  ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
  ImGui::SameLine();
  std::string rest = "sent " + t.sent + ", waited " + t.waited;
  for (const auto& r : t.records) rest += "  | " + r;
  ImGui::TextWrapped("%s", rest.c_str());
  if (!t.path.empty()) ImGui::TextWrapped("%s", t.path.c_str());
}

void Inspector::draw_headers(const model::trace::Hop& h) {
  const auto after = header_fields(h.packet);
  if (!h.before) {
    if (!ImGui::BeginTable("##hdr", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
    for (const auto& f : after) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", f.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(f.value.c_str());
    }
    ImGui::EndTable();
    return;
  }
  const auto before = header_fields(*h.before);
  std::map<std::string, std::string> b;
  for (const auto& f : before) b[f.name] = f.value;
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> rows;
  std::map<std::string, bool> seen;
  for (const auto& f : after) {
    rows.push_back({f.name, {b.count(f.name) ? b[f.name] : "", f.value}});
    seen[f.name] = true;
  }
  for (const auto& f : before)
    if (!seen.count(f.name)) rows.push_back({f.name, {f.value, ""}});
  if (!ImGui::BeginTable("##hdr2", 3, ImGuiTableFlags_BordersInnerV)) return;
  ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthFixed, 80);
  ImGui::TableSetupColumn("before");
  ImGui::TableSetupColumn("after");
  ImGui::TableHeadersRow();
  const bool nat = h.action == HopAction::Dnat || h.action == HopAction::Snat;
  for (const auto& [name, v] : rows) {
    ImGui::TableNextRow();
    if (v.first != v.second) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, to_u32(theme::kNatHighlight, nat ? 255 : 120));
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(v.first.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(v.second.c_str());
  }
  ImGui::EndTable();
}

void Inspector::draw_probe_summary(const ProbeView& p) {
  if (!ImGui::CollapsingHeader("Probe")) return;
  const auto& r = p.report;
  ImGui::Text("%s -> %s %s", r.from.c_str(), r.to.c_str(), r.protocol.c_str());
  ImGui::TextColored(to_vec4(p.failed() ? theme::kFail : theme::kPass), "%s", std::string(model::trace::disposition_name(r.result.trace.disposition)).c_str());
  ImGui::SameLine();
  ImGui::TextWrapped("%s", r.result.trace.reason.c_str());
  if (!r.result.answered_by.empty()) ImGui::Text("answered by %s", r.result.answered_by.c_str());
  if (!r.expected.empty()) ImGui::Text("expected: %s -> %s", r.expected.c_str(), r.passed ? "PASS" : "FAIL");
  for (const auto& f : r.failures) ImGui::TextColored(to_vec4(theme::kFail), "  %s", f.c_str());
  ImGui::Text("%zu legs, %zu hops, %u simulator events", p.legs.size(), p.hops.size(), r.result.trace.events);
}

}  // namespace packetwalk::ui::gui
