#include "device_layers.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

namespace packetwalk::ui::gui {

namespace dp = model::datapath;

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

// Breadth-first distances from `root`; unreachable vertices get SIZE_MAX.
std::vector<std::size_t> bfs_distances(const Graph& g, std::size_t root) {
  std::vector<std::size_t> dist(boost::num_vertices(g), SIZE_MAX);
  dist[root] = 0;
  boost::breadth_first_search(
      g, boost::vertex(root, g),
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist.data(), boost::on_tree_edge()))));
  return dist;
}

}  // namespace

NodeDevices classify_node_devices(const dp::Topology& topo, dp::NetnsId node_ns) {
  // Vertex 0 is the node's IP stack; then one per interface of the node namespace; then one per
  // pod namespace reached over a veth.
  Graph g(1);
  std::map<dp::IfaceId, std::size_t> v_of_iface;
  std::map<dp::NetnsId, std::size_t> v_of_pod;
  const auto& ns = topo.netns(node_ns);
  for (dp::IfaceId id : ns.interfaces) v_of_iface[id] = boost::add_vertex(g);
  for (dp::IfaceId id : ns.interfaces) {
    const auto& i = topo.iface(id);
    if (i.kind == dp::IfaceKind::Loopback) continue;
    if (i.master != dp::kNone && v_of_iface.count(i.master)) {
      boost::add_edge(v_of_iface[id], v_of_iface[i.master], g);
    } else {
      boost::add_edge(0, v_of_iface[id], g);
    }
    if (i.kind == dp::IfaceKind::Veth && i.peer != dp::kNone) {
      const dp::NetnsId peer_ns = topo.iface(i.peer).netns;
      if (peer_ns != node_ns) {
        auto [it, fresh] = v_of_pod.try_emplace(peer_ns, 0);
        if (fresh) it->second = boost::add_vertex(g);
        boost::add_edge(v_of_iface[id], it->second, g);
      }
    }
  }
  const auto dist = bfs_distances(g, 0);
  NodeDevices out;
  for (dp::IfaceId id : ns.interfaces) {
    const auto& i = topo.iface(id);
    const std::size_t d = dist[v_of_iface[id]];
    if (i.kind == dp::IfaceKind::Loopback) continue;
    if (d == 1 && i.kind == dp::IfaceKind::Bridge) {
      out.bridges.push_back(id);
    } else if (d == 2 && i.kind == dp::IfaceKind::Veth && i.peer != dp::kNone) {
      out.veth_of_pod[topo.iface(i.peer).netns] = id;
    } else if (d != 2) {
      out.bottom.push_back(id);  // layer 1, or a device nothing leads to
    }
  }
  // Bottom row reads stack, tunnels, others, then uplinks: the uplink sits nearest the bus.
  auto rank = [&](dp::IfaceId id) {
    switch (topo.iface(id).kind) {
      case dp::IfaceKind::Vxlan: return 0;
      case dp::IfaceKind::Ethernet: return 2;
      default: return 1;
    }
  };
  std::stable_sort(out.bottom.begin(), out.bottom.end(), [&](dp::IfaceId a, dp::IfaceId b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return topo.iface(a).name < topo.iface(b).name;
  });
  return out;
}

std::vector<std::size_t> netns_distances(const dp::Topology& topo, std::uint32_t from) {
  const auto& all = topo.all_netns();
  std::size_t seg_count = 0;
  for (const auto& i : topo.all_interfaces())
    if (i.segment != dp::kNone) seg_count = std::max<std::size_t>(seg_count, i.segment + 1);
  if (from >= seg_count) return std::vector<std::size_t>(all.size(), SIZE_MAX);
  // Vertices: namespaces first (by id), then segments.
  Graph g(all.size() + seg_count);
  for (const auto& i : topo.all_interfaces())
    if (i.segment != dp::kNone) boost::add_edge(i.netns, all.size() + i.segment, g);
  auto dist = bfs_distances(g, all.size() + from);
  dist.resize(all.size());
  return dist;
}

}  // namespace packetwalk::ui::gui
