#pragma once
// The cluster's shape as a graph, for `packetwalk graph`: each node a cluster holding its pods
// and its devices (cni0, flannel.1, eth0), the underlay and the external network, the router and
// external hosts, VXLAN tunnels between VTEPs, and each Service as its virtual IP pointing at its
// endpoints. Built once from the finished Cluster, then written as Graphviz DOT or a Mermaid
// flowchart; both writers walk the same Graph so the two pictures agree.
// Ordering follows the topology's and the inventory's sorted order, so output is deterministic.

#include <ostream>
#include <string>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"

namespace packetwalk::ui::render {

enum class GraphShape { Pod, Device, Host, Network, Service, Address };
enum class GraphLine { Link, Tunnel, Serves };  // solid, dashed, arrow to an endpoint

struct GraphVertex {
  std::string id;                  // unique; readable ("node-1/cni0", "pod:default/web")
  std::vector<std::string> lines;  // label lines, first is the name
  GraphShape shape = GraphShape::Device;
};

struct GraphGroup {  // one per Kubernetes node
  std::string id;
  std::string label;
  std::vector<GraphVertex> vertices;
};

struct GraphEdge {
  std::string from, to;
  std::string label;
  GraphLine line = GraphLine::Link;
};

struct Graph {
  std::vector<GraphGroup> groups;
  std::vector<GraphVertex> vertices;  // outside any node
  std::vector<GraphEdge> edges;
};

Graph build_topology_graph(const model::cluster::Cluster& cluster);
void write_dot(std::ostream& out, const Graph& g);
void write_mermaid_flowchart(std::ostream& out, const Graph& g);

}  // namespace packetwalk::ui::render
