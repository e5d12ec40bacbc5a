#include "fault_panel.h"

#include <imgui.h>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

namespace load = model::load;

void FaultPanel::draw(const Snapshot& snap, const FaultSet& planted, const std::string& effect, UiState& ui) {
  if (!planted.empty()) {
    // A solid badge: a broken cluster must not be mistaken for the scenario as written.
    const std::size_t n = planted.describe().size();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + 110, p.y + ImGui::GetTextLineHeight()), to_u32(theme::kFaultActive), 3);
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(theme::kCanvas));
    ImGui::Text(" %zu fault%s planted", n, n == 1 ? "" : "s");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton("Heal all")) ui.request_faults = FaultSet{};
  } else {
    ImGui::TextDisabled("No fault planted.");
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("Close")) ui.faults_open = false;
  for (const auto& line : planted.describe()) ImGui::TextDisabled("%s", line.c_str());
  if (!effect.empty()) ImGui::TextWrapped("%s", effect.c_str());
  if (!snap.cluster) return;
  // Every change starts from what is planted now (or already queued this frame).
  FaultSet next = ui.request_faults ? *ui.request_faults : planted;
  bool changed = false;
  ImGui::BeginChild("##faults");
  const bool has_dns = snap.cluster->spec().dns.enabled;
  if (has_dns) {
    bool zero = next.coredns_replicas && *next.coredns_replicas == 0;
    if (ImGui::Checkbox("CoreDNS scaled to 0", &zero)) {
      next.coredns_replicas = zero ? std::optional<int>(0) : std::nullopt;
      changed = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("kubectl -n kube-system scale deploy coredns --replicas=0 (a timeline scale)");
    struct Global {
      load::FaultKind kind;
      const char* label;
      const char* tip;
    };
    static constexpr Global kGlobal[] = {
        {load::FaultKind::CoreDnsDown, "CoreDNS down (coreDnsDown)", "the scenario fault coreDnsDown: true"},
        {load::FaultKind::CoreDnsSlow, "CoreDNS slow, 2s (coreDnsSlow)", "every answer 2s late: past the resolver's timeout?"},
    };
    for (const auto& g : kGlobal) {
      bool on = next.has(g.kind, "");
      if (ImGui::Checkbox(g.label, &on)) {
        next.toggle(g.kind, "", *snap.cluster);
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", g.tip);
    }
  }
  for (const auto& node : snap.cluster->inventory().nodes) {
    ImGui::Separator();
    ImGui::TextUnformatted(node.name.c_str());
    ImGui::PushID(node.name.c_str());
    struct Item {
      load::FaultKind kind;
      const char* label;
      const char* tip;
    };
    static constexpr Item kItems[] = {
        {load::FaultKind::KubeProxyDown, "kube-proxy down", "kube-proxy not running since the node booted: no KUBE-* rules"},
        {load::FaultKind::KubeProxyStale, "stop kube-proxy", "kube-proxy stops now: its rules stay as last synced, later changes do not reach them"},
        {load::FaultKind::LinkDown, "cut link (eth0 down)", "ip link set eth0 down: the node's routes through it go too"},
        {load::FaultKind::LinkDelay, "delay eth0 50ms", "tc qdisc replace dev eth0 root netem delay 50ms"},
        {load::FaultKind::LinkLoss, "lose 30% on eth0", "tc qdisc replace dev eth0 root netem loss 30%"},
    };
    for (const auto& item : kItems) {
      bool on = next.has(item.kind, node.name);
      if (ImGui::Checkbox(item.label, &on)) {
        next.toggle(item.kind, node.name, *snap.cluster);
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", item.tip);
    }
    ImGui::PopID();
  }
  ImGui::EndChild();
  if (changed) ui.request_faults = std::move(next);
}

}  // namespace packetwalk::ui::gui
