#pragma once
// Private to model/cluster: the world outside the cluster. A router joins the node network (at
// its first address, the nodes' default gateway) to an external network of hosts, and routes
// LoadBalancer addresses to a node — the way a cloud or MetalLB-in-BGP-mode load balancer does:
// the packet reaches the node still addressed to the LoadBalancer IP, and kube-proxy takes it.

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::cluster {

// Gives every LoadBalancer Service without status.loadBalancer.ingress an address from the
// scenario's pool, in (namespace, name) order.
void allocate_load_balancer_ips(const load::ClusterSpec& spec, kube::ServiceState& services);

// Adds the router, the external hosts and the nodes' default routes to `topology`.
void build_external_network(const load::ClusterSpec& spec, const kube::Inventory& inventory,
                            const kube::ServiceState& services, cni::Placement& placement,
                            datapath::Topology& topology);

}  // namespace packetwalk::model::cluster
