#pragma once
// Private to model/cluster: plants a scenario's faults (load/fault_spec.h) into a built datapath,
// after the CNI and kube-proxy have programmed it, the way the failure looks on a real node:
//   kubeProxyDown   the node's kube-proxy never synced: every KUBE-* chain it owns is absent (and
//                   the jumps to them), kubelet's KUBE-FIREWALL stays;
//   kubeProxyStale  kube-proxy stopped before the listed Services existed: its chains are what a
//                   sync without them writes;
//   cniDown         the VXLAN device (flannel.1) is down; as `ip link set down` does, the kernel
//                   drops the routes through it;
//   linkDown        the node's eth0 is down, its routes gone likewise;
//   underlayMtu     the node network (the switches between the nodes) carries at most N bytes of
//                   IP, while the nodes' eth0 still say cluster.mtu: bigger frames vanish on the
//                   wire, without ICMP (switches do not speak IP);
//   conntrackMax    nf_conntrack_max of the node's root namespace;
//   hairpinModeOff  the node's cni0 ports lose hairpin_mode (the bridge plugin's hairpinMode: false).
//   noHairpinMasquerade  the rule marking an endpoint's own connections for masquerade is deleted
//                   from every endpoint chain of the node (iptables KUBE-SEP-*, nftables endpoint-*);
//   bridgeNfCallIptablesOff  net.bridge.bridge-nf-call-iptables = 0 in the node's namespace:
//                   bridged frames skip iptables (and so conntrack's un-NAT).
//   coreDnsDown     Deployment kube-system/coredns scaled to 0 (apply_manifest_faults, before the
//                   inventory): kube-dns has no endpoints, kube-proxy rejects its traffic;
//   coreDnsSlow     CoreDNS answers each query that much later (coredns_answer_delay);
//   linkDelay, linkLoss  a netem qdisc on the node's eth0 (Interface::netem): frames leaving it
//                   are delayed, or lost with the given probability from the seeded random streams.

#include <vector>

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::cluster {

// Faults that change objects rather than the datapath (coreDnsDown), applied to the manifests
// before the inventory is built.
void apply_manifest_faults(const load::Scenario& scenario, load::ManifestSet& manifests, load::Diagnostics& diags);

// The extra time CoreDNS takes to answer (the largest coreDnsSlow; zero without one).
sim::Time coredns_answer_delay(const load::Scenario& scenario, load::Diagnostics& diags);

// Errors (unknown node or Service) point at the fault's entry.
void apply_faults(const load::Scenario& scenario, const kube::Inventory& inventory, const kube::ServiceState& services,
                  const cni::Placement& placement, datapath::Topology& topology, load::Diagnostics& diags);

// Removes what kube-proxy programs from one namespace's tables: every KUBE-* chain but kubelet's
// (KUBE-FIREWALL, KUBE-KUBELET-CANARY) and every rule jumping to one of them.
void remove_kube_proxy_rules(datapath::Netfilter& nf);

}  // namespace packetwalk::model::cluster
