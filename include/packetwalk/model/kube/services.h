#pragma once
// Services as the control plane has finished them: ClusterIPs and NodePorts allocated (as the API
// server's allocators would), and endpoints per Service port (as the EndpointSlice controller
// writes them and kube-proxy's EndpointSliceCache merges them). Proxy builders (iptables,
// nftables, IPVS) and DNS read this; nothing here knows about the datapath.
//
// Determinism: services are sorted by (namespace, name); ports keep spec order; endpoints of a
// port are sorted by their "ip:port" string, byte by byte — exactly kube-proxy's order, which
// decides which endpoint gets which probability (so "10.244.1.12:8080" < "10.244.1.5:8080").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::load {
struct ClusterSpec;
struct ManifestSet;
}  // namespace packetwalk::model::load

namespace packetwalk::model::kube {

struct Inventory;

// One endpoint of one Service port (discovery.k8s.io/v1 Endpoint + the resolved port).
struct EndpointInfo {
  net::Ipv4Address ip;
  int port = 0;           // the endpoint's port: resolved targetPort (never the Service port)
  std::string node;       // nodeName; empty when unknown (e.g. hand-written, no nodeName)
  bool ready = true;
  bool serving = true;
  bool terminating = false;
  std::optional<ObjectReference> target_ref;  // the Pod, for controller-made endpoints

  std::string to_string() const;  // "10.244.1.5:8080" (kube-proxy's Endpoint.String())
  friend bool operator==(const EndpointInfo&, const EndpointInfo&) = default;
};

struct ServicePortInfo {
  std::string name;  // "" for a single unnamed port
  net::Protocol protocol = net::Protocol::Tcp;
  int port = 0;
  int node_port = 0;  // 0 = none (ClusterIP services, or allocation impossible)
  IntOrString target_port;
  std::vector<EndpointInfo> endpoints;  // sorted by to_string(), unique by it

  friend bool operator==(const ServicePortInfo&, const ServicePortInfo&) = default;
};

struct ServiceInfo {
  std::string namespace_;
  std::string name;
  ServiceType type = ServiceType::ClusterIP;
  std::optional<net::Ipv4Address> cluster_ip;  // nullopt: headless, ExternalName, or not allocatable
  bool headless = false;                       // spec.clusterIP "None"
  std::vector<ServicePortInfo> ports;          // spec order
  bool session_affinity_client_ip = false;
  int affinity_timeout_seconds = 10800;
  // Effective policies as kube-proxy reads them: externalTrafficPolicy Local counts only for
  // NodePort and LoadBalancer Services (apiservice.ExternalPolicyLocal).
  bool external_traffic_policy_local = false;
  bool internal_traffic_policy_local = false;
  std::vector<net::Ipv4Address> external_ips;          // spec.externalIPs
  std::vector<net::Ipv4Address> load_balancer_ips;     // status.loadBalancer.ingress[].ip (LoadBalancer only)
  std::vector<net::Cidr> load_balancer_source_ranges;  // spec.loadBalancerSourceRanges
  int health_check_node_port = 0;  // LoadBalancer + externalTrafficPolicy Local only
  std::string external_name;
  bool publish_not_ready_addresses = false;
  bool has_selector = false;  // false: endpoints come only from hand-written EndpointSlices
  bool implicit = false;      // made by packetwalk, not by the user (default/kubernetes)
  load::SourcePos pos;        // where the Service was written; empty for implicit ones

  std::string ref() const { return "Service " + namespace_ + "/" + name; }
  friend bool operator==(const ServiceInfo&, const ServiceInfo&) = default;
};

struct ServiceState {
  std::vector<ServiceInfo> services;  // sorted by (namespace, name)

  const ServiceInfo* find(std::string_view namespace_, std::string_view name) const;
  const ServiceInfo* find_by_cluster_ip(net::Ipv4Address ip) const;
};

// What the allocators need to know about the cluster.
struct ServiceNetwork {
  net::Cidr service_cidr{net::Ipv4Address::from_octets(10, 96, 0, 0), 12};  // kubeadm default
  int node_port_min = 30000;  // --service-node-port-range
  int node_port_max = 32767;
  // Where the implicit default/kubernetes Service points; port 6443 (kubeadm's API server).
  // nullopt: the first node's InternalIP (by node name), as on a single-control-plane kubeadm cluster.
  std::optional<net::Ipv4Address> api_server_address;
};

// Allocation, in this order (each step sees what the earlier ones took):
//  1. default/kubernetes gets the first address of the service CIDR (10.96.0.1). If the user did
//     not write it, it is added: port "https" 443/TCP -> api_server_address:6443.
//  2. kube-system/kube-dns gets the tenth (10.96.0.10) unless it asks for another address.
//  3. Every other spec.clusterIP is honoured, in (namespace, name) order; one outside the service
//     CIDR, on its network or broadcast address, or already taken is an error naming the Service.
//  4. The rest get an address derived from a hash of "namespace/name", probing forward on
//     collision, taken first from the upper part of the range as the API server does (the lower
//     min(max(16, size/16), 256) addresses are kept for static requests), then from the lower.
//  Headless ("None") and ExternalName Services get none.
// NodePorts and healthCheckNodePorts likewise: requested ones honoured (clash across Services
// is an error), the rest hashed from "namespace/name:port/protocol" into the upper band of the
// range (the lower min(max(16, size/32), 128) ports kept for static requests).
//
// Endpoints: Services with a selector get one endpoint per pod of their namespace whose labels
// match and which has an IP (hostNetwork pods use the node's). ready = the pod's readiness or
// publishNotReadyAddresses; serving = readiness; terminating = false. A named targetPort is
// resolved per pod against its containers' ports of the same protocol; pods lacking it are
// left out of that port. Hand-written EndpointSlices labelled kubernetes.io/service-name are
// merged in for every Service (kube-proxy reads all slices of a Service), matched to Service
// ports by port name and protocol.
ServiceState build_service_state(const ServiceNetwork& network, const std::vector<Service>& services,
                                 const std::vector<EndpointSlice>& slices, const Inventory& inventory,
                                 load::Diagnostics& diags);

// The same, taking the service CIDR and node-port range from the scenario's cluster settings.
ServiceState build_service_state(const load::ClusterSpec& spec, const load::ManifestSet& manifests,
                                 const Inventory& inventory, load::Diagnostics& diags);

// --- the two halves, exposed for tests --------------------------------------------------------

// Allocates for `services` (sorted by namespace/name). On input cluster_ip, ports[].node_port and
// health_check_node_port hold what the user asked for (nullopt/0: nothing); on output what the
// Service got. Errors name the Service and point at its `pos`.
void allocate_service_addresses(const ServiceNetwork& network, std::vector<ServiceInfo>& services,
                                load::Diagnostics& diags);

// The EndpointSlice controller for one Service + kube-proxy's merge of hand-written slices.
void fill_endpoints(ServiceInfo& service, const Service* spec, const std::vector<EndpointSlice>& slices,
                    const Inventory& inventory);

}  // namespace packetwalk::model::kube
