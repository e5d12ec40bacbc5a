#pragma once
// A built cluster: the scenario's objects, what the controllers derived from them (placement,
// pod IPs, Services and endpoints), and the datapath the CNI and kube-proxy programmed from
// those. The CLI and the GUI read it; questions (trace, rules, reach) are answered over it.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/dns/cluster_dns.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/application.h"

namespace packetwalk::model::ingress {
class IngressRuntime;
}

namespace packetwalk::model::cluster {

class Cluster {
public:
  // Builds the cluster, reporting problems into `diags`. Returns nullptr when an error makes the
  // cluster unbuildable (diags then holds at least one error).
  static std::unique_ptr<Cluster> build(const load::Scenario& scenario, load::Diagnostics& diags);
  ~Cluster();

  const load::Scenario& scenario() const { return scenario_; }
  const load::ClusterSpec& spec() const { return scenario_.cluster; }
  const kube::Inventory& inventory() const { return inventory_; }
  const kube::ServiceState& services() const { return services_; }
  datapath::Topology& topology() { return topology_; }
  const datapath::Topology& topology() const { return topology_; }
  const cni::Placement& placement() const { return placement_; }
  // Applications answering on listeners (CoreDNS, upstream DNS): hand to every ProbeRunner.
  const query::ApplicationRegistry& applications() const { return applications_; }
  const dns::ClusterDns& dns() const { return *dns_; }

  std::optional<datapath::NetnsId> pod_netns(std::string_view ns, std::string_view name) const;
  std::optional<datapath::NetnsId> node_netns(std::string_view node) const;

  // Ingress controllers and Gateway data planes (model/ingress/runtime.h); never null once built.
  ingress::IngressRuntime& ingress() { return *ingress_; }
  const ingress::IngressRuntime& ingress() const { return *ingress_; }
  // Controllers packetwalk installed because the manifests needed one and had none.
  const std::vector<std::string>& installed() const { return installed_; }

private:
  Cluster() = default;

  load::Scenario scenario_;
  kube::Inventory inventory_;
  kube::ServiceState services_;
  datapath::Topology topology_;
  cni::Placement placement_;
  query::ApplicationRegistry applications_;
  std::unique_ptr<dns::ClusterDns> dns_;  // refers to inventory_, services_ and scenario_.manifests
  std::unique_ptr<ingress::IngressRuntime> ingress_;  // refers to services_
  std::vector<std::string> installed_;
};

}  // namespace packetwalk::model::cluster
