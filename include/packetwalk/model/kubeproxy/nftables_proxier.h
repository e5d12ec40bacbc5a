#pragma once
// kube-proxy in nftables mode: the `table ip kube-proxy` one node's kube-proxy programs, as the
// objects of datapath/nft.h, following upstream's setupNFTables and syncProxyRules
// (pkg/proxy/nftables/proxier.go, current layout with the *-pre-dnat base chains;
// k8s-semantics.md §2.2). The datapath walks these objects and `packetwalk rules --mode nftables`
// prints them, so a trace cannot disagree with the printed ruleset.
//
// Everything is written afresh into the table on each call (a full sync); chains and sets are
// created in the order kube-proxy creates them, which is the order `nft list` prints them in.
// Service ports are processed in ServicePortName order, like the iptables proxier.

#include <vector>

#include "packetwalk/model/datapath/nft.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"

namespace packetwalk::model::kubeproxy {

// kube-proxy's nftables table name and the base chains it hooks (name, type, hook, priority).
inline constexpr const char* kNftTable = "kube-proxy";

// Replaces `ruleset`'s "ip kube-proxy" table with the one kube-proxy would write for `node`, and
// links the ruleset. `service_cidrs` are the cluster's Service CIDRs (the "Drop traffic to
// unallocated ClusterIPs" rule; none: the rule is left out, as upstream does).
// Uses from `config`: cluster_cidr (local-traffic detector), masquerade_bit, masquerade_all,
// node_port_addresses, random_fully. Services without a ClusterIP are skipped.
void program_nftables(const kube::ServiceState& services, const ProxyNode& node, const ProxyConfig& config,
                      const std::vector<net::Cidr>& service_cidrs, datapath::NftRuleset& ruleset);

}  // namespace packetwalk::model::kubeproxy
