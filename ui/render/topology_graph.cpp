// Building the Graph from a Cluster. Devices come from the topology (so a CNI with other devices
// shows them), pods and Services from the inventory and ServiceState.
#include "topology_graph.h"

#include <map>
#include <set>

namespace packetwalk::ui::render {

using model::datapath::IfaceKind;
using model::datapath::kNone;
using model::datapath::NetnsKind;

namespace {

std::string iface_vertex_id(const model::datapath::Topology& t, model::datapath::IfaceId id) {
  return t.netns(t.iface(id).netns).name + "/" + t.iface(id).name;
}

GraphVertex device_vertex(const model::datapath::Topology& t, model::datapath::IfaceId id) {
  const auto& i = t.iface(id);
  GraphVertex v{iface_vertex_id(t, id), {i.name}, GraphShape::Device};
  for (const auto& a : i.addresses) v.lines.push_back(a.to_string());
  if (i.kind == IfaceKind::Vxlan) v.lines.push_back("VXLAN VNI " + std::to_string(i.vni) + " port " + std::to_string(i.vxlan_port));
  return v;
}

bool drawn_device(IfaceKind k) {
  // Loopbacks carry nothing between places and veths are drawn as the pod's edge.
  return k != IfaceKind::Loopback && k != IfaceKind::Veth;
}

std::string segment_id(const model::datapath::Topology& t, std::uint32_t s) { return "net:" + t.segment(s).name; }

// The device a pod's eth0 ends on in its node: the bridge holding its veth peer, else the peer.
std::string pod_uplink(const model::datapath::Topology& t, model::datapath::NetnsId pod_ns) {
  for (auto id : t.netns(pod_ns).interfaces) {
    const auto& i = t.iface(id);
    if (i.kind != IfaceKind::Veth || i.peer == kNone) continue;
    const auto& peer = t.iface(i.peer);
    return peer.master != kNone ? iface_vertex_id(t, peer.master) : iface_vertex_id(t, i.peer);
  }
  return "";
}

std::string host_veth(const model::datapath::Topology& t, model::datapath::NetnsId pod_ns) {
  for (auto id : t.netns(pod_ns).interfaces) {
    const auto& i = t.iface(id);
    if (i.kind == IfaceKind::Veth && i.peer != kNone) return i.name + " : " + t.iface(i.peer).name;
  }
  return "";
}

void add_services(const model::cluster::Cluster& c, Graph& g, const std::map<std::string, std::string>& pod_by_ip,
                  std::set<std::string>& vertex_ids) {
  for (const auto& svc : c.services().services) {
    GraphVertex v{"svc:" + svc.namespace_ + "/" + svc.name, {"Service " + svc.namespace_ + "/" + svc.name}, GraphShape::Service};
    std::string kind(model::kube::to_string(svc.type));
    if (svc.cluster_ip) v.lines.push_back(kind + " " + svc.cluster_ip->to_string());
    else v.lines.push_back(svc.headless ? "headless" : kind);
    for (auto ip : svc.load_balancer_ips) v.lines.push_back("LoadBalancer " + ip.to_string());
    // One edge per endpoint, its label listing every Service port that leads there.
    std::vector<std::string> order;
    std::map<std::string, std::string> labels;
    for (const auto& port : svc.ports) {
      std::string p = std::to_string(port.port) + "/" + std::string(model::net::kube_name(port.protocol));
      if (port.node_port) p += " nodePort " + std::to_string(port.node_port);
      v.lines.push_back(p);
      for (const auto& ep : port.endpoints) {
        std::string target;
        auto it = pod_by_ip.find(ep.ip.to_string());
        if (ep.target_ref && ep.target_ref->kind == "Pod") {
          const std::string id = "pod:" + ep.target_ref->namespace_ + "/" + ep.target_ref->name;
          if (vertex_ids.count(id)) target = id;
        }
        if (target.empty() && it != pod_by_ip.end()) target = it->second;
        if (target.empty()) {
          target = "ip:" + ep.ip.to_string();
          if (vertex_ids.insert(target).second) g.vertices.push_back({target, {ep.ip.to_string()}, GraphShape::Address});
        }
        std::string text = std::to_string(port.port) + " to " + std::to_string(ep.port);
        if (!labels.count(target)) {
          order.push_back(target);
          labels[target] = text;
        } else if (labels[target].find(text) == std::string::npos) {
          labels[target] += ", " + text;
        }
      }
    }
    g.vertices.push_back(std::move(v));
    for (const auto& target : order) {
      g.edges.push_back({"svc:" + svc.namespace_ + "/" + svc.name, target, labels[target], GraphLine::Serves});
    }
  }
}

}  // namespace

Graph build_topology_graph(const model::cluster::Cluster& c) {
  const auto& t = c.topology();
  Graph g;
  std::set<std::string> vertex_ids;
  std::map<std::string, std::string> pod_by_ip;  // pod IP -> vertex (not hostNetwork pods: they share the node's)
  std::set<std::uint32_t> segments;

  for (const auto& node : c.inventory().nodes) {
    GraphGroup grp;
    grp.id = "node:" + node.name;
    grp.label = node.name + " (InternalIP " + node.internal_ip.to_string() + ", podCIDR " + node.pod_cidr.to_string() + ")";
    auto ns = c.node_netns(node.name);
    if (ns) {
      for (auto id : t.netns(*ns).interfaces) {
        const auto& i = t.iface(id);
        if (!drawn_device(i.kind)) continue;
        grp.vertices.push_back(device_vertex(t, id));
        vertex_ids.insert(grp.vertices.back().id);
        if (i.segment != kNone) {
          segments.insert(i.segment);
          std::string addr = i.addresses.empty() ? "" : i.addresses.front().address().to_string();
          g.edges.push_back({grp.vertices.back().id, segment_id(t, i.segment), addr, GraphLine::Link});
        }
      }
      // A VTEP sends its carriers out of the device holding its local address.
      for (auto id : t.netns(*ns).interfaces) {
        const auto& i = t.iface(id);
        if (i.kind != IfaceKind::Vxlan) continue;
        if (auto dev = t.iface_with_address(*ns, i.vxlan_local)) {
          g.edges.push_back({iface_vertex_id(t, id), iface_vertex_id(t, *dev), "UDP " + std::to_string(i.vxlan_port), GraphLine::Link});
        }
      }
    }
    for (const auto& pod : c.inventory().pods) {
      if (pod.node != node.name) continue;
      GraphVertex v{"pod:" + pod.namespace_ + "/" + pod.name, {"Pod " + pod.namespace_ + "/" + pod.name}, GraphShape::Pod};
      v.lines.push_back(pod.ip.to_string() + (pod.host_network ? " (hostNetwork)" : ""));
      vertex_ids.insert(v.id);
      if (!pod.host_network) {
        pod_by_ip[pod.ip.to_string()] = v.id;
        if (auto pns = c.pod_netns(pod.namespace_, pod.name)) {
          const std::string up = pod_uplink(t, *pns);
          if (!up.empty()) g.edges.push_back({v.id, up, host_veth(t, *pns), GraphLine::Link});
        }
      }
      grp.vertices.push_back(std::move(v));
    }
    g.groups.push_back(std::move(grp));
  }

  // Hosts outside the cluster (the router, external hosts), each one vertex on its networks.
  for (const auto& ns : t.all_netns()) {
    if (ns.kind != NetnsKind::External) continue;
    GraphVertex v{"host:" + ns.name, {ns.name}, GraphShape::Host};
    for (auto id : ns.interfaces) {
      const auto& i = t.iface(id);
      if (i.segment == kNone) continue;
      segments.insert(i.segment);
      std::string addr = i.addresses.empty() ? "" : i.addresses.front().address().to_string();
      v.lines.push_back(i.name + " " + addr);
      g.edges.push_back({v.id, segment_id(t, i.segment), i.name + " " + addr, GraphLine::Link});
    }
    vertex_ids.insert(v.id);
    g.vertices.push_back(std::move(v));
  }
  for (auto s : segments) {
    g.vertices.push_back({segment_id(t, s), {t.segment(s).name}, GraphShape::Network});
    vertex_ids.insert(g.vertices.back().id);
  }

  // VXLAN tunnels, once per pair of VTEPs that know each other.
  for (const auto& i : t.all_interfaces()) {
    if (i.kind != IfaceKind::Vxlan) continue;
    for (const auto& [mac, remote] : i.fdb) {
      for (const auto& j : t.all_interfaces()) {
        if (j.kind == IfaceKind::Vxlan && j.vxlan_local == remote && i.id < j.id) {
          g.edges.push_back({iface_vertex_id(t, i.id), iface_vertex_id(t, j.id), "VXLAN VNI " + std::to_string(i.vni),
                             GraphLine::Tunnel});
        }
      }
    }
  }
  add_services(c, g, pod_by_ip, vertex_ids);
  return g;
}

}  // namespace packetwalk::ui::render
