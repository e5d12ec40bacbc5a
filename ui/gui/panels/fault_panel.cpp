#include "fault_panel.h"

#include <imgui.h>

#include <algorithm>

#include "../draw_util.h"

namespace packetwalk::ui::gui {

namespace load = model::load;

bool FaultPanel::value_slider(load::FaultKind kind, const std::string& node, FaultSet& next) {
  if (!fault_takes_value(kind)) return false;
  // Sliders in the unit a room reads: delays in ms, CoreDNS's lateness in s, loss in %.
  const bool loss = kind == load::FaultKind::LinkLoss, slow = kind == load::FaultKind::CoreDnsSlow;
  const double scale = loss || slow ? 1.0 : 1000.0;
  auto key = std::make_pair(static_cast<int>(kind), node);
  float& v = values_.try_emplace(key, static_cast<float>(default_fault_value(kind) * scale)).first->second;
  // A planted fault shows its value, except while its slider is held.
  if (dragging_ != key)
    if (auto planted = next.value_of(kind, node)) v = static_cast<float>(*planted * scale);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x));
  ImGui::PushID(static_cast<int>(kind));
  if (loss) ImGui::SliderFloat("##v", &v, 1.0f, 100.0f, "%.0f%%");
  else if (slow) ImGui::SliderFloat("##v", &v, 0.1f, 30.0f, "%.1f s", ImGuiSliderFlags_Logarithmic);
  else ImGui::SliderFloat("##v", &v, 1.0f, 2000.0f, "%.0f ms", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemActive()) dragging_ = key;
  else if (dragging_ == key) dragging_.reset();
  ImGui::PopID();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("drag, or Ctrl+click to type a value; a planted fault is planted again on release");
  const double value = static_cast<double>(v) / scale;
  // Replant only when the slider is let go: every change reruns every probe.
  if (ImGui::IsItemDeactivatedAfterEdit() && load::fault_value_in_range(kind, value) && next.value_of(kind, node))
    return next.set_value(kind, node, value);
  return false;
}

std::optional<double> FaultPanel::slider_value(load::FaultKind kind, const std::string& node) const {
  if (!fault_takes_value(kind)) return std::nullopt;
  auto it = values_.find({static_cast<int>(kind), node});
  if (it == values_.end()) return std::nullopt;
  const double v = static_cast<double>(it->second) / (kind == load::FaultKind::LinkDelay ? 1000.0 : 1.0);
  return load::fault_value_in_range(kind, v) ? std::optional<double>(v) : std::nullopt;
}

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
        {load::FaultKind::CoreDnsSlow, "CoreDNS slow", "every answer this late (coreDnsSlow): past the resolver's timeout (5s)?"},
    };
    for (const auto& g : kGlobal) {
      bool on = next.has(g.kind, "");
      const bool toggled = ImGui::Checkbox(g.label, &on);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", g.tip);
      if (value_slider(g.kind, "", next)) changed = true;
      if (toggled) {
        next.toggle(g.kind, "", *snap.cluster, slider_value(g.kind, ""));
        changed = true;
      }
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
        {load::FaultKind::LinkDelay, "delay eth0", "tc qdisc replace dev eth0 root netem delay (linkDelay)"},
        {load::FaultKind::LinkLoss, "lose on eth0", "tc qdisc replace dev eth0 root netem loss (linkLoss)"},
    };
    for (const auto& item : kItems) {
      bool on = next.has(item.kind, node.name);
      const bool toggled = ImGui::Checkbox(item.label, &on);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", item.tip);
      if (value_slider(item.kind, node.name, next)) changed = true;
      if (toggled) {
        next.toggle(item.kind, node.name, *snap.cluster, slider_value(item.kind, node.name));
        changed = true;
      }
    }
    ImGui::PopID();
  }
  ImGui::EndChild();
  if (changed) ui.request_faults = std::move(next);
}

}  // namespace packetwalk::ui::gui
