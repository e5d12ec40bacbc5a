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
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::cluster {

class Cluster {
public:
  // Builds the cluster, reporting problems into `diags`. Returns nullptr when an error makes the
  // cluster unbuildable (diags then holds at least one error).
  static std::unique_ptr<Cluster> build(const load::Scenario& scenario, load::Diagnostics& diags);

  const load::Scenario& scenario() const { return scenario_; }
  const load::ClusterSpec& spec() const { return scenario_.cluster; }
  const kube::Inventory& inventory() const { return inventory_; }
  const kube::ServiceState& services() const { return services_; }
  datapath::Topology& topology() { return topology_; }
  const datapath::Topology& topology() const { return topology_; }
  const cni::Placement& placement() const { return placement_; }

  std::optional<datapath::NetnsId> pod_netns(std::string_view ns, std::string_view name) const;
  std::optional<datapath::NetnsId> node_netns(std::string_view node) const;

private:
  Cluster() = default;

  load::Scenario scenario_;
  kube::Inventory inventory_;
  kube::ServiceState services_;
  datapath::Topology topology_;
  cni::Placement placement_;
};

}  // namespace packetwalk::model::cluster
