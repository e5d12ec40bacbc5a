#pragma once
// Flannel in VXLAN mode, built as kube-flannel.yml deploys it: per node a cni0 bridge holding
// 10.244.N.1/24, one veth pair per pod, a flannel.1 VTEP (VNI 1, UDP 8472, 10.244.N.0/32, MTU
// 50 below the uplink) with static neighbour and FDB entries for every other node, the routes
// `10.244.M.0/24 via 10.244.M.0 dev flannel.1 onlink`, and flanneld's own iptables chains.

#include <map>
#include <string>

#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/kube/inventory.h"

namespace packetwalk::model::cni {

struct NetworkConfig {
  net::Cidr cluster_cidr;      // Flannel's net-conf.json "Network"
  net::Cidr node_network;      // the underlay all node eth0 devices share
  std::uint32_t mtu = 1500;    // node uplink MTU
  sim::Time veth_latency = sim::Time::ns(1000);
  sim::Time wire_latency = sim::Time::us(50);
};

// Where each node and pod ended up in the topology.
struct Placement {
  std::map<std::string, datapath::NetnsId> node_netns;  // node name -> its root namespace
  std::map<std::string, datapath::NetnsId> pod_netns;   // "ns/pod" -> its namespace (the node's for hostNetwork)
  std::map<std::string, datapath::NetnsId> external_netns;  // "router", external host names
  std::uint32_t underlay = datapath::kNone;             // the node network segment
};

// Builds nodes, pods and Flannel's datapath into `topology` (which must be empty).
Placement build_flannel_vxlan(const kube::Inventory& inventory, const NetworkConfig& config,
                              datapath::Topology& topology);

// The host-side veth name the CNI bridge plugin would give a pod: "veth" + 8 hex digits. Real
// names are random; ours hash the pod's namespace and name so traces are reproducible.
std::string host_veth_name(const std::string& pod_namespace, const std::string& pod_name);

}  // namespace packetwalk::model::cni
