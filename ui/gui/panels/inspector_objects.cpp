// The inspector's views of objects: nodes, pods, Services and hosts outside the cluster.
#include <imgui.h>

#include "../draw_util.h"
#include "inspector.h"

namespace packetwalk::ui::gui {

namespace dp = model::datapath;

namespace {

void labels_line(const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return;
  std::string s;
  for (const auto& [k, v] : labels) s += (s.empty() ? "" : ", ") + k + "=" + v;
  ImGui::TextDisabled("labels");
  ImGui::SameLine();
  ImGui::TextWrapped("%s", s.c_str());
}

void draw_node(const Snapshot& snap, const model::kube::NodeInfo& n, UiState& ui) {
  ImGui::Text("Node %s", n.name.c_str());
  ImGui::Text("InternalIP %s   podCIDR %s", n.internal_ip.to_string().c_str(), n.pod_cidr.to_string().c_str());
  labels_line(n.labels);
  std::size_t pods = 0;
  for (const auto& p : snap.cluster->inventory().pods) pods += p.node == n.name;
  ImGui::Text("%zu pods", pods);
  if (auto ns = snap.cluster->node_netns(n.name)) {
    if (ImGui::SmallButton("List this node's iptables below")) ui.rules_netns = *ns;
    draw_netns_tables(snap, *ns, "");
  }
}

void draw_pod(const Snapshot& snap, const model::kube::PodInfo& p) {
  ImGui::Text("Pod %s/%s", p.namespace_.c_str(), p.name.c_str());
  ImGui::Text("IP %s on %s%s", p.ip.to_string().c_str(), p.node.c_str(), p.host_network ? " (hostNetwork)" : "");
  if (!p.owner_kind.empty()) ImGui::Text("owned by %s %s", p.owner_kind.c_str(), p.owner_name.c_str());
  labels_line(p.labels);
  for (const auto& c : p.containers) {
    std::string ports;
    for (const auto& port : c.ports)
      ports += " " + std::to_string(port.container_port) + "/" + std::string(model::net::kube_name(port.protocol)) +
               (port.name.empty() ? "" : " (" + port.name + ")");
    ImGui::BulletText("container %s  %s%s", c.name.c_str(), c.image.c_str(), ports.empty() ? "" : ("  ports" + ports).c_str());
  }
  if (auto ns = snap.cluster->pod_netns(p.namespace_, p.name)) draw_netns_tables(snap, *ns, "");
}

void draw_service(const model::kube::ServiceInfo& s) {
  static const char* kTypes[] = {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"};
  ImGui::Text("Service %s/%s  (%s)", s.namespace_.c_str(), s.name.c_str(), kTypes[static_cast<int>(s.type)]);
  ImGui::Text("VIP %s", s.cluster_ip ? s.cluster_ip->to_string().c_str() : (s.headless ? "None (headless)" : "none"));
  if (s.session_affinity_client_ip) ImGui::Text("sessionAffinity ClientIP (%d s)", s.affinity_timeout_seconds);
  for (const auto& port : s.ports) {
    std::string head = (port.name.empty() ? std::string() : port.name + ": ") + std::to_string(port.port) + "/" +
                       std::string(model::net::kube_name(port.protocol)) + " -> " + port.target_port.to_string();
    if (port.node_port) head += "  nodePort " + std::to_string(port.node_port);
    if (!ImGui::TreeNodeEx(head.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) continue;
    if (port.endpoints.empty()) ImGui::TextColored(to_vec4(theme::kFail), "no endpoints: kube-proxy REJECTs");
    for (const auto& e : port.endpoints)
      ImGui::BulletText("%s  %s%s", e.to_string().c_str(), e.node.c_str(), e.ready ? "" : "  (not ready)");
    ImGui::TreePop();
  }
}

}  // namespace

void draw_netns_tables(const Snapshot& snap, dp::NetnsId ns_id, const std::string& used_route) {
  const auto& topo = snap.cluster->topology();
  const auto& ns = topo.netns(ns_id);
  ImGui::TextDisabled("namespace %s: interfaces", ns.name.c_str());
  if (ImGui::BeginTable("##ifaces", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    for (dp::IfaceId id : ns.interfaces) {
      const auto& i = topo.iface(id);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(i.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", std::string(dp::iface_kind_name(i.kind)).c_str());
      ImGui::TableNextColumn();
      std::string addrs;
      for (const auto& a : i.addresses) addrs += (addrs.empty() ? "" : " ") + a.to_string();
      ImGui::TextUnformatted(addrs.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("mtu %u%s", i.mtu, i.up ? "" : " DOWN");
    }
    ImGui::EndTable();
  }
  ImGui::TextDisabled("routes (ip route)");
  for (const auto& r : ns.routes.routes()) {
    const std::string text = topo.describe_route(r);
    if (text == used_route) {
      const ImVec2 p0 = ImGui::GetCursorScreenPos();
      ImGui::GetWindowDrawList()->AddRectFilled(p0, ImVec2(p0.x + ImGui::GetContentRegionAvail().x, p0.y + ImGui::GetTextLineHeight()),
                                                to_u32(theme::kNatHighlight));
    }
    ImGui::TextUnformatted(text.c_str());
  }
}

bool draw_object(const Snapshot& snap, const std::string& key, UiState& ui) {
  const auto& inv = snap.cluster->inventory();
  auto rest = [&](std::string_view prefix) { return key.substr(prefix.size()); };
  if (key.rfind("node/", 0) == 0 || key.rfind("stack/", 0) == 0) {
    const auto* n = inv.find_node(rest(key[0] == 'n' ? "node/" : "stack/"));
    if (!n) return false;
    draw_node(snap, *n, ui);
    return true;
  }
  if (key.rfind("pod/", 0) == 0) {
    const std::string r = rest("pod/");
    const auto slash = r.find('/');
    const auto* p = slash == std::string::npos ? nullptr : inv.find_pod(r.substr(0, slash), r.substr(slash + 1));
    if (!p) return false;
    draw_pod(snap, *p);
    return true;
  }
  if (key.rfind("svc/", 0) == 0) {
    const std::string r = rest("svc/");
    const auto slash = r.find('/');
    const auto* s = slash == std::string::npos ? nullptr : snap.cluster->services().find(r.substr(0, slash), r.substr(slash + 1));
    if (!s) return false;
    draw_service(*s);
    return true;
  }
  if (key.rfind("netns/", 0) == 0) {
    auto ns = snap.cluster->topology().find_netns(rest("netns/"));
    if (!ns) return false;
    ImGui::Text("%s (outside the cluster)", rest("netns/").c_str());
    if (snap.rules_of(*ns) && ImGui::SmallButton("List its iptables below")) ui.rules_netns = *ns;
    draw_netns_tables(snap, *ns, "");
    return true;
  }
  return false;
}

}  // namespace packetwalk::ui::gui
