#pragma once
// Calico in VXLAN mode with its iptables dataplane (Felix), built as calico-node programs a node:
//  - per pod a veth pair: eth0 in the pod holding <podIP>/32 with routes
//    `169.254.1.1 dev eth0 scope link` and `default via 169.254.1.1 dev eth0`; on the host
//    `cali` + the first 11 hex digits of sha1("<namespace>.<pod>"), no address, proxy_arp on and
//    MAC ee:ee:ee:ee:ee:ee (so every ARP from the pod is answered by the host and all pod traffic,
//    same-node included, is routed at L3), and the host route `<podIP> dev caliX scope link`;
//  - no bridge; a VXLAN device `vxlan.calico` (VNI 4096, UDP 4789, MTU 50 below the uplink)
//    holding the node's tunnel address, and per remote node
//    `<remote block> via <remote tunnel address> dev vxlan.calico onlink`.
// Simplification: each node's IPAM block is its /24 pod CIDR (Calico carves /26 blocks from the
// pool) and the tunnel address is the block's first address (Calico allocates it from IPAM).
//
// Felix's iptables (program_felix_iptables), after kube-proxy's, in Felix's insert mode:
//  - filter FORWARD -> cali-FORWARD -> cali-from-wl-dispatch (-i cali+) / cali-to-wl-dispatch
//    (-o cali+) -> per endpoint cali-fw-<iface> (the pod's egress) / cali-tw-<iface> (its
//    ingress) -> per policy cali-po-<id> / cali-pi-<id>, with Felix's mark protocol (accept bit
//    0x10000, pass bit 0x20000, scratch 0x40000); filter INPUT -> cali-INPUT -> cali-wl-to-host
//    applies a pod's egress policy to traffic for its own node; replies pass by conntrack state;
//  - nat POSTROUTING -> cali-POSTROUTING -> cali-nat-outgoing: MASQUERADE pod traffic leaving
//    the pod network (natOutgoing of the default pool).
// docs/policy.md lists where this differs from a real Felix.

#include <string>
#include <vector>

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/policy/admin.h"
#include "packetwalk/model/policy/match.h"

namespace packetwalk::model::cni {

// Builds nodes, pods and Calico's routing into `topology` (which must be empty).
Placement build_calico_vxlan(const kube::Inventory& inventory, const NetworkConfig& config,
                             datapath::Topology& topology);

// Felix's filter and nat chains on every node, NetworkPolicies compiled into rule objects. Call
// after kube-proxy has programmed the nodes (Felix inserts its jumps in front of kube-proxy's).
// `admin_policies` (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) become
// Calico's tiers before and after the default tier of the NetworkPolicies (policy/admin.h).
void program_felix_iptables(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                            const Placement& placement, const net::Cidr& pool, datapath::Topology& topology,
                            const std::vector<kube::AdminNetworkPolicy>* admin_policies = nullptr);

// "cali" + sha1("<namespace>.<pod>") hex, 15 characters (Calico's default interface prefix).
std::string calico_veth_name(const std::string& pod_namespace, const std::string& pod_name);
// The node's vxlan.calico address.
net::Ipv4Address calico_tunnel_address(const kube::NodeInfo& node);
// cali-pi-<id> (ingress) / cali-po-<id> (egress): "<namespace>/<name>" when it fits iptables' 28
// characters, else "_" + a hash, as Felix limits chain names.
std::string calico_policy_chain(policy::Direction d, const kube::NetworkPolicy& p);
// The chain of an admin or baseline policy: cali-pi-/cali-po- + "<tier>/<calico policy name>",
// hashed past 28 characters (policy/admin.h names the tiers and policies as Calico does).
std::string calico_admin_policy_chain(policy::Direction d, const kube::AdminNetworkPolicy& p);

}  // namespace packetwalk::model::cni
