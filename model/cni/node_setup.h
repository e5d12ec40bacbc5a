#pragma once
// What every CNI builder does the same way before its own devices: a node's root namespace with
// loopback and its eth0 on the node network, a pod namespace's loopback, and the listening
// sockets a pod's declared container ports stand for. Flannel, Calico and Cilium differ only in
// what they add after this (bridge or routed veths, tunnel device, policy hooks).

#include <string>

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/kube/inventory.h"

namespace packetwalk::model::cni::detail {

// lo with 127.0.0.1/8, as in every network namespace the kernel creates.
void add_loopback(datapath::Topology& t, datapath::NetnsId ns);

// A listener per declared container port. A hostNetwork pod's sockets live in the node's
// namespace, so they are named "ns/pod/container" there to tell several such pods apart.
void add_listeners(datapath::Topology& t, datapath::NetnsId ns, const kube::PodInfo& pod, bool host_network);

struct NodeUplink {
  datapath::NetnsId ns;
  datapath::IfaceId eth0;
};

// The node's root namespace (forwarding on, loopback) and eth0 holding its InternalIP, plugged
// into the node-network segment; recorded in placement.node_netns.
NodeUplink add_node(datapath::Topology& t, Placement& placement, const kube::NodeInfo& node,
                    const NetworkConfig& config);

}  // namespace packetwalk::model::cni::detail
