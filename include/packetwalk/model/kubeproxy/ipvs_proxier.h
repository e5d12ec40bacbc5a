#pragma once
// kube-proxy in IPVS mode (pkg/proxy/ipvs/proxier.go; k8s-semantics.md §2.1): for one node,
//  - the dummy interface kube-ipvs0 holding every ClusterIP, external IP and load-balancer IP as a
//    /32, so those addresses are local to the node;
//  - one IPVS virtual server per (IP, port, protocol) — and per (node address, NodePort) — with
//    the endpoints as real servers (Masq, weight 1), scheduler rr, `persistent` for ClientIP
//    affinity;
//  - the ipsets (KUBE-CLUSTER-IP, KUBE-LOOP-BACK, KUBE-NODE-PORT-TCP, KUBE-IPVS-IPS, ...);
//  - the iptables rules IPVS mode keeps (nat KUBE-SERVICES, KUBE-POSTROUTING, KUBE-NODE-PORT,
//    KUBE-LOAD-BALANCER, KUBE-MARK-MASQ; filter KUBE-FORWARD, KUBE-NODE-PORT, KUBE-PROXY-FIREWALL,
//    KUBE-SOURCE-RANGES-FIREWALL, KUBE-IPVS-FILTER, KUBE-IPVS-OUT-FILTER), jumped to from the
//    built-in chains as kube-proxy prepends them.
// Virtual servers are listed sorted (ipvsadm order is the kernel's hash order), real servers
// sorted by address:port, which is also their round-robin order.

#include <string>
#include <vector>

#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"

namespace packetwalk::model::kubeproxy {

inline constexpr const char* kIpvsDummyDevice = "kube-ipvs0";

// Programs the node whose root namespace is `node_ns`: creates (or refills) kube-ipvs0, the
// ipsets, the IPVS table and the iptables rules. Uses from `config`: cluster_cidr,
// masquerade_bit, masquerade_all, random_fully, localhost_nodeports (kubelet's KUBE-FIREWALL).
void program_ipvs(const kube::ServiceState& services, const ProxyNode& node, const ProxyConfig& config,
                  datapath::Topology& topology, datapath::NetnsId node_ns);

// The names of the ipsets IPVS mode creates, in upstream's ipsetInfo order (for printing).
const std::vector<std::string>& ipvs_ipset_names();

}  // namespace packetwalk::model::kubeproxy
