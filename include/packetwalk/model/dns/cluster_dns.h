#pragma once
// DNS in a built cluster: what kubeadm installs (the coredns Deployment and the kube-dns Service,
// ordinary objects that go through the scheduler, IPAM, EndpointSlices and kube-proxy like any
// other), the Corefile in effect, the CoreDNS server answering on the CoreDNS pods, the modelled
// upstream servers, and the resolver settings the kubelets write into pods.
//
// Build order (model/cluster/cluster.cpp):
//   1. add_coredns_addon()     before the inventory: the objects join the manifests
//   2. ClusterDns::build()     after Services: reads the Corefile (ConfigMap kube-system/coredns,
//                              data.Corefile; else kubeadm's), reports its problems
//   3. assign_applications()   after the CNI made listeners: CoreDNS pods' port 53 (UDP and TCP)
//                              answer with the "coredns" application; the netns owning an upstream
//                              server's address (the router, an external host) with "upstream-dns"

#include <memory>

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/dns/coredns.h"
#include "packetwalk/model/dns/resolv_conf.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/application.h"

namespace packetwalk::model::dns {

inline constexpr const char* kCoreDnsApp = "coredns";
inline constexpr const char* kUpstreamDnsApp = "upstream-dns";
inline constexpr const char* kCoreDnsImage = "registry.k8s.io/coredns/coredns:v1.11.1";

// Adds kubeadm's addon objects to `manifests` (then re-sorted) unless spec.dns.enabled is false:
// Deployment kube-system/coredns (2 replicas, k8s-app: kube-dns, dnsPolicy Default, ports 53/UDP dns,
// 53/TCP dns-tcp, 9153/TCP metrics, 8080/TCP liveness-probe, 8181/TCP readiness-probe), Service
// kube-system/kube-dns (clusterIP --cluster-dns; ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP)
// and ConfigMap kube-system/coredns (kubeadm's Corefile). Objects the manifests already define
// (same kind, namespace and name) are left as the user wrote them.
void add_coredns_addon(const load::ClusterSpec& spec, load::ManifestSet& manifests);

// Whether `pod` is a CoreDNS pod: in kube-system, labelled k8s-app: kube-dns.
bool is_coredns_pod(const kube::PodInfo& pod);

class ClusterDns {
public:
  // `manifests`, `inventory` and `services` must outlive the result (the Cluster owns all four).
  static std::unique_ptr<ClusterDns> build(const load::ClusterSpec& spec, const load::ManifestSet& manifests,
                                           const kube::Inventory& inventory, const kube::ServiceState& services,
                                           load::Diagnostics& diags);

  void assign_applications(const cni::Placement& placement, datapath::Topology& topology,
                           query::ApplicationRegistry& apps) const;

  // The coreDnsSlow fault: every CoreDNS answer leaves `extra` later than it otherwise would.
  void set_answer_delay(sim::Time extra) { extra_delay_ = extra; }
  sim::Time answer_delay() const { return extra_delay_; }

  const ResolverEnvironment& environment() const { return env_; }
  const CoreDnsServer& server() const { return *server_; }
  const UpstreamServers& upstreams() const { return upstreams_; }
  const kube::Inventory& inventory() const { return *inventory_; }

private:
  ClusterDns() = default;
  query::AppResponse answer_coredns(const query::AppRequest& req) const;
  query::AppResponse answer_upstream(const query::AppRequest& req) const;

  ResolverEnvironment env_;
  UpstreamServers upstreams_;
  std::unique_ptr<CoreDnsServer> server_;
  const kube::Inventory* inventory_ = nullptr;
  sim::Time extra_delay_;
};

}  // namespace packetwalk::model::dns
