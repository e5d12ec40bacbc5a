#pragma once
// kube-proxy in iptables mode: the rules one node's kube-proxy programs, as Rule objects in that
// node's Netfilter, exactly as upstream's syncProxyRules writes them (pkg/proxy/iptables/
// proxier.go; k8s-semantics.md §1). The datapath walks these objects and `packetwalk rules`
// prints them, so a trace can never disagree with the printed rules.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::kube {
struct NodeInfo;
}

namespace packetwalk::model::kubeproxy {

// kube-proxy's settings (KubeProxyConfiguration) and facts about the node it runs on. Defaults
// are a kubeadm node on a current distribution (k8s-semantics.md §1.7).
struct ProxyConfig {
  // detect-local-mode ClusterCIDR: the pod CIDR of the whole cluster. nullopt = no local-traffic
  // detector, so KUBE-SVC chains get no "! -s <cidr>" masquerade rule and KUBE-EXT chains no
  // "pod traffic" short-circuit (what kube-proxy does when --cluster-cidr is empty).
  std::optional<net::Cidr> cluster_cidr;
  std::uint32_t masquerade_bit = 14;  // mark 1 << bit = 0x4000
  bool masquerade_all = false;
  bool localhost_nodeports = true;    // iptables.localhostNodePorts (IPv4)
  // --nodeport-addresses; empty = every local address (one `--dst-type LOCAL` rule). Otherwise one
  // KUBE-NODEPORTS jump per node address inside these CIDRs (the node's InternalIP, and 127.0.0.1
  // when a CIDR holds it), and localhost NodePorts are off unless a CIDR holds 127.0.0.1.
  std::vector<net::Cidr> node_port_addresses;
  bool random_fully = true;           // the iptables binary supports MASQUERADE --random-fully
  bool nfacct = true;                 // the kernel's nfacct counters could be created
  bool conntrack_tcp_be_liberal = false;  // sysctl net.netfilter.nf_conntrack_tcp_be_liberal != 0
  std::size_t large_cluster_threshold = 1000;  // above this many endpoints, per-endpoint comments go
};

// The node kube-proxy runs on, as far as its rules care.
struct ProxyNode {
  std::string name;                        // endpoints with this nodeName are local
  std::optional<net::Ipv4Address> ip;      // node IP (loadBalancerSourceRanges, nodePortAddresses)
};

// Adds kube-proxy's state for `node` to `nf`:
//  - creates every chain kube-proxy owns, with its rules (flushing any previous content, as a
//    chain line in iptables-restore does): filter KUBE-SERVICES, KUBE-EXTERNAL-SERVICES,
//    KUBE-FORWARD, KUBE-NODEPORTS, KUBE-PROXY-FIREWALL, KUBE-FIREWALL; nat KUBE-SERVICES,
//    KUBE-NODEPORTS, KUBE-POSTROUTING, KUBE-MARK-MASQ and the per-service KUBE-SVC/SVL/EXT/FW/SEP
//    chains; KUBE-PROXY-CANARY in mangle, nat and filter (its ipt.Monitor creates all three);
//  - puts the jump rules into the built-in chains with "prepend", one at a time, skipping any
//    that are already there (EnsureRule). kubelet's KUBE-FIREWALL jumps go in first, as kubelet
//    starts before kube-proxy; so rules a CNI added before stay after kube-proxy's.
// Services without a ClusterIP (headless, ExternalName) are skipped, as kube-proxy skips them.
// Service ports are processed in order of their ServicePortName string, so rules within
// KUBE-SERVICES and KUBE-NODEPORTS come in the order kube-proxy's tests sort them.
void program_iptables(const kube::ServiceState& services, const ProxyNode& node, const ProxyConfig& config,
                      datapath::Netfilter& nf);

// The same for an inventory node (name and InternalIP).
void program_iptables(const kube::ServiceState& services, const kube::NodeInfo& node, const ProxyConfig& config,
                      datapath::Netfilter& nf);

// --- pieces, exposed for tests ------------------------------------------------------------------

// kube-proxy's probability text for the i-th of n rules (i < n-1): "%0.10f" of 1/(n-i).
std::string probability_text(std::size_t remaining);
// A statistic match as kube-proxy writes it: text above, kernel threshold = lround(P * 2^31) of
// the written value.
datapath::StatisticMatch statistic_for(std::size_t remaining);

// Which endpoints a service port uses on this node (pkg/proxy/topology.go CategorizeEndpoints,
// without topology hints: packetwalk does not model trafficDistribution).
struct EndpointCategories {
  std::vector<const kube::EndpointInfo*> cluster;    // Cluster policy (empty if never used)
  std::vector<const kube::EndpointInfo*> local;      // Local policy (empty if never used)
  std::vector<const kube::EndpointInfo*> reachable;  // union, in endpoint order: one SEP chain each
  bool has_any = false;                              // usable endpoints anywhere in the cluster
};
EndpointCategories categorize_endpoints(const kube::ServiceInfo& service, const kube::ServicePortInfo& port,
                                        const std::string& node_name);

}  // namespace packetwalk::model::kubeproxy
