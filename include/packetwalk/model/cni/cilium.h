#pragma once
// Cilium 1.16 in its default tunnel mode, running alongside kube-proxy (kubeProxyReplacement=false),
// as the cilium-agent programs a node (docs/cilium.md gives the source of each behaviour):
//  - per node `cilium_host` holding the router address (the first address of the node's pod CIDR,
//    the model's stand-in for cluster-pool IPAM's allocation) and `cilium_vxlan` (VXLAN, UDP 8472,
//    MTU 50 below the uplink); a remote node's pod CIDR is routed through cilium_vxlan to that
//    node's router address (real Cilium routes it to cilium_host and bpf_host encapsulates);
//  - per pod a veth pair: eth0 in the pod holding <podIP>/32 with `default via <router IP>`, on the
//    host `lxc` + the first 12 hex digits of sha256("<namespace>/<pod>") (Cilium hashes the
//    container's endpoint ID, which is random), answering ARP for the pod (bpf_lxc's ARP
//    responder), and the route `<podIP> dev lxc... scope link` (enable-endpoint-routes);
//  - policy in eBPF at the endpoint, never in iptables: bpf_lxc's cil_from_container on the lxc
//    device's tc ingress applies the pod's egress policy, cil_to_container on its tc egress the
//    pod's ingress policy (after decapsulation on the destination node). Verdicts come from
//    policy::evaluate_side with Cilium's semantics (policy::cni_semantics("cilium")); a denied
//    packet is a `policy-denied` drop, "Policy denied" (DROP_POLICY, 133) as `cilium monitor`
//    and Hubble print it;
//  - nat POSTROUTING -> CILIUM_POST_nat: MASQUERADE pod traffic leaving the cluster
//    (enable-ipv4-masquerade with iptables masquerading, Cilium's default without BPF masquerade).

#include <string>
#include <vector>

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/kube/admin_policy.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::model::cni {

inline constexpr const char* kCiliumVersion = "1.16";

// Builds nodes, pods and Cilium's routing into `topology` (which must be empty).
Placement build_cilium_vxlan(const kube::Inventory& inventory, const NetworkConfig& config,
                             datapath::Topology& topology);

// Attaches bpf_lxc's policy programs to every pod's lxc device and writes Cilium's iptables
// (CILIUM_POST_nat). `policies` and `inventory` must outlive the topology.
void program_cilium(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                    const Placement& placement, const net::Cidr& pool, datapath::Topology& topology);

// Load-time warnings for what Cilium 1.16 does not enforce or reads differently: every
// AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy ("has no effect"),
// ipBlocks that name pod or node addresses, SCTP port entries (enable-sctp is off by default).
void warn_cilium_policies(const std::vector<kube::NetworkPolicy>& policies,
                          const std::vector<kube::AdminNetworkPolicy>& admin, const kube::Inventory& inventory,
                          load::Diagnostics& diags);

// "lxc" + hex(sha256("<namespace>/<pod>"))[:12].
std::string cilium_lxc_name(const std::string& pod_namespace, const std::string& pod_name);
// The node's cilium_host (router) address.
net::Ipv4Address cilium_router_address(const kube::NodeInfo& node);

// The policy maps of `node`'s endpoints the way `cilium-dbg bpf policy get <endpoint>` lists them
// (one table per endpoint: POLICY, DIRECTION, LABELS, PORT/PROTO).
std::string cilium_policy_listing(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                                  const std::string& node);

}  // namespace packetwalk::model::cni
