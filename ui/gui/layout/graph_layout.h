#pragma once
// Where the topology panel draws every object, in world units (pixels at zoom 1). Computed once
// per loaded cluster, never per frame, and stable across reloads: it depends only on sorted
// inputs (nodes by name, pods by namespace/name, Services by namespace/name, interfaces by id,
// which the builders assign in that same order) and uses no randomness at all.
//
// Picture: Services as their VIPs in a band on top; below, node boxes on a grid (nodes by name,
// row-major, ceil(sqrt(N)) columns), each holding its pods (with their host-side veths), the cni0
// bridge, and a bottom row with the node's IP stack (routing + iptables), flannel.1 and eth0. Each
// row of nodes hangs on a rail of the underlay; a trunk on the right joins the rails and leads to
// the router, and past it the external network with its hosts.
//
// Boost.Graph does the structural part: a breadth-first search over each node's device graph
// (stack -> devices -> bridge ports -> pod namespaces) assigns every device to a layer, and one
// over the cluster's namespace/segment graph assigns hosts outside the cluster to columns by
// their distance from the node network.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"

namespace packetwalk::ui::gui {

struct Vec2 {
  float x = 0, y = 0;
};

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  Vec2 center() const { return {(x0 + x1) / 2, (y0 + y1) / 2}; }
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
  bool contains(Vec2 p) const { return p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1; }
};

enum class ItemKind : std::uint8_t { Node, Pod, HostVeth, Bridge, Vxlan, Uplink, Stack, Router, ExternalHost, Service };

struct SceneItem {
  ItemKind kind = ItemKind::Node;
  Box box;
  std::string label;     // "node-1", "web-app", "cni0"
  std::string sublabel;  // addresses: "192.168.0.11", "10.244.0.2", "10.96.0.1:443"
  std::string key;       // selection key: "node/NAME", "pod/NS/NAME", "svc/NS/NAME", "" for devices
  model::datapath::NetnsId netns = model::datapath::kNone;
  model::datapath::IfaceId iface = model::datapath::kNone;
  int parent = -1;  // index of the node box holding it
};

// A straight connection drawn between two devices (pod to veth, veth to bridge, NIC to bus).
struct Wire {
  Vec2 a, b;
};

// An L2 segment: rails (straight lines) joined at their `b` ends by a trunk line.
struct Bus {
  std::string name;           // "node-network", "external-network"
  std::uint32_t segment = 0;  // topology segment id
  std::vector<Wire> rails;
  Wire trunk;                 // zero-length when there is one rail
};

// Where an interface joins a bus: its rail and the point on the rail below/beside the device.
struct Tap {
  std::size_t bus = 0;
  std::size_t rail = 0;
  Vec2 point;
};

// Where a packet sits when a hop happens in (netns, iface).
struct Anchor {
  int item = -1;
  Vec2 at;
};

struct Scene {
  std::vector<SceneItem> items;  // drawing order: node boxes first, then what they contain
  std::vector<Wire> wires;
  std::vector<Bus> buses;
  Box bounds;
  std::map<model::datapath::IfaceId, Anchor> iface_anchor;
  std::map<model::datapath::NetnsId, Anchor> netns_anchor;
  std::map<model::datapath::IfaceId, Tap> taps;
  std::map<std::string, int> by_key;
  std::map<model::net::Ipv4Address, int> service_by_vip;

  int find(const std::string& key) const;
  // The device's anchor, else its namespace's, else {-1, {0,0}}.
  Anchor anchor(model::datapath::NetnsId netns, model::datapath::IfaceId iface) const;
  // The polyline a packet follows from one anchor to the next: straight, or along a bus when
  // both interfaces are plugged into the same one.
  std::vector<Vec2> route(const Anchor& from, model::datapath::IfaceId from_iface, const Anchor& to,
                          model::datapath::IfaceId to_iface) const;
};

Scene compute_layout(const model::cluster::Cluster& cluster);

}  // namespace packetwalk::ui::gui
