#include "graph_layout.h"

#include <algorithm>
#include <cmath>

#include "device_layers.h"

namespace packetwalk::ui::gui {

namespace dp = model::datapath;

namespace {

// World geometry, in pixels at zoom 1.
constexpr float kPad = 8, kGap = 8, kTitleH = 24;
constexpr float kPodW = 108, kPodH = 34, kVethW = 88, kVethH = 14;
constexpr float kRowH = kPodH + 4 + kVethH + 12;
constexpr float kBarH = 16, kDevW = 76, kDevH = 30;
constexpr float kNodeGapX = 28, kBusDrop = 22, kRowGap = 46;
constexpr float kServiceW = 164, kServiceH = 20;

std::string first_address(const dp::Interface& i) {
  return i.addresses.empty() ? std::string() : i.addresses.front().to_string();
}

ItemKind device_kind(dp::IfaceKind k) {
  switch (k) {
    case dp::IfaceKind::Vxlan: return ItemKind::Vxlan;
    case dp::IfaceKind::Bridge: return ItemKind::Bridge;
    case dp::IfaceKind::Veth: return ItemKind::HostVeth;
    default: return ItemKind::Uplink;
  }
}

class Builder {
public:
  explicit Builder(const model::cluster::Cluster& c) : c_(c), topo_(c.topology()) {}

  Scene build() {
    measure_nodes();
    place_services();
    place_nodes();
    place_outside();
    finish_bounds();
    return std::move(s_);
  }

private:
  int add(SceneItem item) {
    s_.items.push_back(std::move(item));
    const int idx = static_cast<int>(s_.items.size()) - 1;
    if (!s_.items.back().key.empty()) s_.by_key[s_.items.back().key] = idx;
    return idx;
  }

  void measure_nodes() {
    std::size_t max_pods = 1;
    for (const auto& n : c_.inventory().nodes) {
      std::size_t count = 0;
      for (const auto& p : c_.inventory().pods) count += p.node == n.name;
      max_pods = std::max(max_pods, count);
    }
    // Columns of pods per node: about twice as wide as tall, the same for every node.
    pod_cols_ = std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(std::sqrt(2.0 * max_pods))), 2, 16);
    pod_rows_ = (max_pods + pod_cols_ - 1) / pod_cols_;
    node_w_ = std::max(2 * kPad + pod_cols_ * kPodW + (pod_cols_ - 1) * kGap, 2 * kPad + 3 * kDevW + 2 * kGap);
    node_h_ = kTitleH + pod_rows_ * kRowH + kBarH + 14 + kDevH + kPad;
    const std::size_t n = std::max<std::size_t>(1, c_.inventory().nodes.size());
    node_cols_ = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
    node_rows_ = (n + node_cols_ - 1) / node_cols_;
    grid_w_ = node_cols_ * node_w_ + (node_cols_ - 1) * kNodeGapX;
  }

  void place_services() {
    const auto& svcs = c_.services().services;
    const std::size_t per_row = std::max<std::size_t>(1, static_cast<std::size_t>((grid_w_ + kGap) / (kServiceW + kGap)));
    const float top = 20;  // room for the band's heading
    std::size_t k = 0;
    for (const auto& svc : svcs) {
      const float x = static_cast<float>(k % per_row) * (kServiceW + kGap);
      const float y = top + static_cast<float>(k / per_row) * (kServiceH + 6);
      SceneItem it;
      it.kind = ItemKind::Service;
      it.box = {x, y, x + kServiceW, y + kServiceH};
      it.label = svc.namespace_ + "/" + svc.name;
      it.sublabel = svc.cluster_ip ? svc.cluster_ip->to_string() : (svc.headless ? "headless" : "no VIP");
      it.key = "svc/" + svc.namespace_ + "/" + svc.name;
      const int idx = add(std::move(it));
      if (svc.cluster_ip) s_.service_by_vip[*svc.cluster_ip] = idx;
      ++k;
    }
    const std::size_t rows = (svcs.size() + per_row - 1) / per_row;
    nodes_top_ = top + static_cast<float>(rows) * (kServiceH + 6) + 18;
  }

  void place_nodes() {
    const auto& nodes = c_.inventory().nodes;
    Bus bus;
    bus.name = "node-network";
    bus.segment = c_.placement().underlay;
    trunk_x_ = grid_w_ + 18;
    for (std::size_t r = 0; r < node_rows_; ++r) {
      const float rail_y = row_top(r) + node_h_ + kBusDrop;
      bus.rails.push_back({{6, rail_y}, {trunk_x_, rail_y}});
    }
    bus.trunk = {bus.rails.front().b, bus.rails.back().b};
    underlay_bus_ = s_.buses.size();
    s_.buses.push_back(std::move(bus));
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      const float x = static_cast<float>(k % node_cols_) * (node_w_ + kNodeGapX);
      place_node(nodes[k], x, row_top(k / node_cols_), k / node_cols_);
    }
  }

  float row_top(std::size_t row) const { return nodes_top_ + static_cast<float>(row) * (node_h_ + kRowGap); }

  void place_node(const model::kube::NodeInfo& node, float x, float y, std::size_t row) {
    auto ns_opt = c_.node_netns(node.name);
    SceneItem box;
    box.kind = ItemKind::Node;
    box.box = {x, y, x + node_w_, y + node_h_};
    box.label = node.name;
    box.sublabel = node.internal_ip.to_string() + "  pods " + node.pod_cidr.to_string();
    box.key = "node/" + node.name;
    if (ns_opt) box.netns = *ns_opt;
    const int node_idx = add(std::move(box));
    if (!ns_opt) return;
    const dp::NetnsId node_ns = *ns_opt;
    const NodeDevices dev = classify_node_devices(topo_, node_ns);

    // Pods in a grid, in inventory order (namespace, name).
    std::size_t k = 0;
    std::vector<std::pair<float, dp::IfaceId>> veth_x;  // for the wires down to the bridge
    for (const auto& p : c_.inventory().pods) {
      if (p.node != node.name) continue;
      const float px = x + kPad + static_cast<float>(k % pod_cols_) * (kPodW + kGap);
      const float py = y + kTitleH + static_cast<float>(k / pod_cols_) * kRowH;
      ++k;
      SceneItem pod;
      pod.kind = ItemKind::Pod;
      pod.box = {px, py, px + kPodW, py + kPodH};
      pod.label = p.name;
      pod.sublabel = p.ip.to_string() + (p.host_network ? " host" : "");
      pod.key = "pod/" + p.namespace_ + "/" + p.name;
      pod.parent = node_idx;
      auto pod_ns = c_.pod_netns(p.namespace_, p.name);
      if (pod_ns && !p.host_network) pod.netns = *pod_ns;
      const int pod_idx = add(pod);
      if (!pod_ns || p.host_network) continue;
      s_.netns_anchor[*pod_ns] = {pod_idx, pod.box.center()};
      for (dp::IfaceId id : topo_.netns(*pod_ns).interfaces) {
        const auto& i = topo_.iface(id);
        if (i.kind == dp::IfaceKind::Loopback) continue;
        s_.iface_anchor[id] = {pod_idx, {pod.box.center().x, pod.box.y1}};
      }
      auto v = dev.veth_of_pod.find(*pod_ns);
      if (v == dev.veth_of_pod.end()) continue;
      const float vx = px + (kPodW - kVethW) / 2, vy = py + kPodH + 4;
      SceneItem veth;
      veth.kind = ItemKind::HostVeth;
      veth.box = {vx, vy, vx + kVethW, vy + kVethH};
      veth.label = topo_.iface(v->second).name;
      veth.iface = v->second;
      veth.netns = node_ns;
      veth.parent = node_idx;
      const int veth_idx = add(veth);
      s_.iface_anchor[v->second] = {veth_idx, veth.box.center()};
      s_.wires.push_back({{pod.box.center().x, pod.box.y1}, {veth.box.center().x, veth.box.y0}});
      veth_x.emplace_back(veth.box.center().x, v->second);
    }

    // Bridges share the bar's width; bridge ports drop onto their own bridge.
    const float bar_y = y + kTitleH + static_cast<float>(pod_rows_) * kRowH;
    const float bar_w = (node_w_ - 2 * kPad - static_cast<float>(dev.bridges.size() - (dev.bridges.empty() ? 0 : 1)) * kGap) /
                        static_cast<float>(std::max<std::size_t>(1, dev.bridges.size()));
    std::map<dp::IfaceId, int> bridge_item;
    for (std::size_t b = 0; b < dev.bridges.size(); ++b) {
      const auto& i = topo_.iface(dev.bridges[b]);
      const float bx = x + kPad + static_cast<float>(b) * (bar_w + kGap);
      SceneItem bar;
      bar.kind = ItemKind::Bridge;
      bar.box = {bx, bar_y, bx + bar_w, bar_y + kBarH};
      bar.label = i.name;
      bar.sublabel = first_address(i);
      bar.iface = i.id;
      bar.netns = node_ns;
      bar.parent = node_idx;
      bridge_item[i.id] = add(bar);
      s_.iface_anchor[i.id] = {bridge_item[i.id], bar.box.center()};
    }
    for (const auto& [vx, id] : veth_x) {
      auto b = bridge_item.find(topo_.iface(id).master);
      if (b == bridge_item.end()) continue;
      const auto& vb = s_.items[static_cast<std::size_t>(s_.iface_anchor[id].item)].box;
      s_.wires.push_back({{vx, vb.y1}, {vx, s_.items[static_cast<std::size_t>(b->second)].box.y0}});
    }

    // Bottom row: the stack (where routing and netfilter hops of the node namespace happen), then
    // the devices; uplinks tap the underlay rail below the node.
    const float dy = bar_y + kBarH + 14;
    float dx = x + kPad;
    SceneItem stack;
    stack.kind = ItemKind::Stack;
    stack.box = {dx, dy, dx + kDevW, dy + kDevH};
    stack.label = "iptables";
    stack.sublabel = "routing";
    stack.key = "stack/" + node.name;
    stack.netns = node_ns;
    stack.parent = node_idx;
    const int stack_idx = add(stack);
    s_.netns_anchor[node_ns] = {stack_idx, stack.box.center()};
    const float step = (node_w_ - 2 * kPad - kDevW) / static_cast<float>(std::max<std::size_t>(1, dev.bottom.size()));
    const float dev_w = std::min(kDevW, step - kGap);
    for (std::size_t b = 0; b < dev.bottom.size(); ++b) {
      const auto& i = topo_.iface(dev.bottom[b]);
      dx = x + node_w_ - kPad - static_cast<float>(dev.bottom.size() - b) * step + (step - dev_w);
      SceneItem d;
      d.kind = device_kind(i.kind);
      d.box = {dx, dy, dx + dev_w, dy + kDevH};
      d.label = i.name;
      d.sublabel = first_address(i);
      d.iface = i.id;
      d.netns = node_ns;
      d.parent = node_idx;
      const int idx = add(d);
      s_.iface_anchor[i.id] = {idx, d.box.center()};
      if (i.segment == c_.placement().underlay && i.kind == dp::IfaceKind::Ethernet) {
        const Vec2 on_rail{d.box.center().x, s_.buses[underlay_bus_].rails[row].a.y};
        s_.taps[i.id] = {underlay_bus_, row, on_rail};
        s_.wires.push_back({{d.box.center().x, d.box.y1}, on_rail});
        s_.iface_anchor[i.id].at = {d.box.center().x, d.box.y1};
      }
    }
  }

  // Namespaces outside the cluster, in columns by their BFS distance from the node network:
  // the router (distance 1), its other segment (2), the hosts on it (3), and so on.
  void place_outside() {
    const auto underlay = c_.placement().underlay;
    if (underlay == dp::kNone) return;
    const auto dist = netns_distances(topo_, underlay);
    const auto& all = topo_.all_netns();
    std::map<std::size_t, std::vector<dp::NetnsId>> columns;  // column -> namespaces (by id)
    for (const auto& ns : all) {
      if (ns.kind != dp::NetnsKind::External) continue;
      const std::size_t d = dist[ns.id];
      columns[d == SIZE_MAX ? 99 : (d + 1) / 2].push_back(ns.id);
    }
    const auto& last_rail = s_.buses[underlay_bus_].rails.back();
    float col_x = trunk_x_ + 26;
    std::map<std::uint32_t, std::size_t> bus_of_segment{{underlay, underlay_bus_}};
    for (const auto& [col, members] : columns) {
      float y = last_rail.a.y - kDevH / 2;
      float right = col_x;
      for (dp::NetnsId id : members) {
        const auto& ns = topo_.netns(id);
        SceneItem it;
        it.kind = col == 1 ? ItemKind::Router : ItemKind::ExternalHost;
        it.box = {col_x, y, col_x + 104, y + kDevH + 6};
        it.label = ns.name.rfind("external/", 0) == 0 ? ns.name.substr(9) : ns.name;
        it.key = "netns/" + ns.name;
        it.netns = id;
        const int idx = add(it);
        s_.netns_anchor[id] = {idx, it.box.center()};
        for (dp::IfaceId iid : ns.interfaces) {
          const auto& i = topo_.iface(iid);
          if (i.segment == dp::kNone) continue;
          auto& sub = s_.items[static_cast<std::size_t>(idx)].sublabel;
          if (sub.empty()) sub = first_address(i);
          attach_outside(iid, idx, bus_of_segment);
        }
        right = std::max(right, it.box.x1);
        y += kDevH + 18;
      }
      col_x = right + 48;
    }
  }

  // Connects an outside interface to its segment's bus: the underlay at the trunk's foot, other
  // segments on a vertical rail opened at the first interface seen (the one nearer the cluster).
  void attach_outside(dp::IfaceId iid, int item, std::map<std::uint32_t, std::size_t>& bus_of_segment) {
    const auto& i = topo_.iface(iid);
    const Box& b = s_.items[static_cast<std::size_t>(item)].box;
    if (i.segment == c_.placement().underlay) {
      const Vec2 foot = s_.buses[underlay_bus_].rails.back().b;
      s_.taps[iid] = {underlay_bus_, s_.buses[underlay_bus_].rails.size() - 1, foot};
      s_.iface_anchor[iid] = {item, {b.x0, b.center().y}};
      s_.wires.push_back({foot, {b.x0, b.center().y}});
      return;
    }
    auto [it, fresh] = bus_of_segment.try_emplace(i.segment, s_.buses.size());
    if (fresh) {
      Bus bus;
      bus.name = topo_.segment(i.segment).name;
      bus.segment = i.segment;
      const float rx = b.x1 + 24;
      bus.rails.push_back({{rx, b.center().y}, {rx, b.center().y}});
      s_.buses.push_back(bus);
      s_.taps[iid] = {it->second, 0, {rx, b.center().y}};
      s_.iface_anchor[iid] = {item, {b.x1, b.center().y}};
      s_.wires.push_back({{b.x1, b.center().y}, {rx, b.center().y}});
      return;
    }
    Bus& bus = s_.buses[it->second];
    const float rx = bus.rails[0].a.x;
    bus.rails[0].a.y = std::min(bus.rails[0].a.y, b.center().y);
    bus.rails[0].b.y = std::max(bus.rails[0].b.y, b.center().y);
    s_.taps[iid] = {it->second, 0, {rx, b.center().y}};
    const bool right_of_rail = b.x0 > rx;
    const Vec2 edge{right_of_rail ? b.x0 : b.x1, b.center().y};
    s_.iface_anchor[iid] = {item, edge};
    s_.wires.push_back({edge, {rx, b.center().y}});
  }

  void finish_bounds() {
    Box& bb = s_.bounds;
    bb = {0, 0, 1, 1};
    auto grow = [&](Vec2 p) {
      bb.x0 = std::min(bb.x0, p.x);
      bb.y0 = std::min(bb.y0, p.y);
      bb.x1 = std::max(bb.x1, p.x);
      bb.y1 = std::max(bb.y1, p.y);
    };
    for (const auto& it : s_.items) {
      grow({it.box.x0, it.box.y0});
      grow({it.box.x1, it.box.y1});
    }
    for (const auto& b : s_.buses)
      for (const auto& r : b.rails) {
        grow(r.a);
        grow(r.b);
      }
    bb.x0 -= 12;
    bb.y0 -= 12;
    bb.x1 += 12;
    bb.y1 += 12;
  }

  const model::cluster::Cluster& c_;
  const dp::Topology& topo_;
  Scene s_;
  std::size_t pod_cols_ = 2, pod_rows_ = 1, node_cols_ = 1, node_rows_ = 1, underlay_bus_ = 0;
  float node_w_ = 0, node_h_ = 0, grid_w_ = 0, nodes_top_ = 0, trunk_x_ = 0;
};

}  // namespace

Scene compute_layout(const model::cluster::Cluster& cluster) { return Builder(cluster).build(); }

}  // namespace packetwalk::ui::gui
