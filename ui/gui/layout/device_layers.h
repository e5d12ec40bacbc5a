#pragma once
// Private to gui/layout: the Boost.Graph part of the layout. Breadth-first search sorts a node's
// devices into layers (its IP stack, then the devices routing uses, then bridge ports, then the
// pod namespaces behind them), and gives every namespace and L2 segment its distance from the
// node network (which column hosts outside the cluster go in).

#include <cstddef>
#include <map>
#include <vector>

#include "packetwalk/model/datapath/topology.h"

namespace packetwalk::ui::gui {

// One node's devices, sorted into the layers the search found.
struct NodeDevices {
  std::vector<model::datapath::IfaceId> bottom;   // layer 1 except bridges (flannel.1, eth0, ...), tunnels first, uplinks last
  std::vector<model::datapath::IfaceId> bridges;  // layer 1 bridges: cni0
  std::map<model::datapath::NetnsId, model::datapath::IfaceId> veth_of_pod;  // pod netns -> host-side veth (layer 2)
};

NodeDevices classify_node_devices(const model::datapath::Topology& topo, model::datapath::NetnsId node_ns);

// Hop distance of every namespace (index = NetnsId) from the L2 segment `from` over the graph
// "namespace -- segment its Ethernet device is plugged into"; SIZE_MAX when unreachable.
std::vector<std::size_t> netns_distances(const model::datapath::Topology& topo, std::uint32_t from);

}  // namespace packetwalk::ui::gui
