#pragma once
// The fault panel's state: what the user broke from the GUI, as the model's own fault and timeline
// vocabulary (load/fault_spec.h, load/timeline.h), so the cluster the GUI rebuilds is the one a
// scenario with the same `faults:` (or timeline entries) would give. Nothing here plants anything
// itself: fault_adjust() edits the scenario before Cluster::build, which plants the faults
// (model/cluster/faults.h) and scales the Deployment as a timeline `scale` does.

#include <optional>
#include <string>
#include <vector>

#include "../cli/common.h"
#include "packetwalk/model/load/fault_spec.h"

namespace packetwalk::model::cluster {
class Cluster;
}

namespace packetwalk::ui::gui {

struct FaultSet {
  // In the order the user planted them (kubeProxyStale from "stop kube-proxy" carries the Services
  // and endpoints kube-proxy last synced, as the timeline's stopKubeProxy does).
  std::vector<model::load::FaultSpec> faults;
  std::optional<int> coredns_replicas;  // kube-system/coredns scaled to this many

  bool empty() const { return faults.empty() && !coredns_replicas; }
  bool has(model::load::FaultKind kind, const std::string& node) const;
  // Adds the fault, or removes it when the node already has one of that kind (`node` empty for the
  // cluster-wide coreDnsDown / coreDnsSlow). For KubeProxyStale, `cluster` provides the state
  // kube-proxy last synced (the current one). LinkDelay, CoreDnsSlow and LinkLoss take `value`
  // (fault_value_unit), by default the panel's starting values: 50ms, 2s, 30%.
  void toggle(model::load::FaultKind kind, const std::string& node, const model::cluster::Cluster& cluster,
              std::optional<double> value = std::nullopt);
  // The value of a planted LinkDelay / CoreDnsSlow (seconds) or LinkLoss (percent); nullopt when
  // that fault is not planted.
  std::optional<double> value_of(model::load::FaultKind kind, const std::string& node) const;
  // Changes a planted fault's value (the fault stays where it is in the order); false when it is
  // not planted.
  bool set_value(model::load::FaultKind kind, const std::string& node, double value);
  // One line per fault, as a scenario writes it ("kubeProxyDown: node-1", "stopKubeProxy: node-2",
  // "scale: kube-system/coredns replicas 0").
  std::vector<std::string> describe() const;
  friend bool operator==(const FaultSet&, const FaultSet&) = default;
};

// The edit cli::load_cluster applies before building: the faults appended to the scenario's own,
// and CoreDNS (kubeadm's addon, added first if the scenario does not define it) scaled.
cli::ScenarioAdjust fault_adjust(const FaultSet& faults);

// The faults with a value, and the value's unit: LinkDelay and CoreDnsSlow in seconds (latency),
// LinkLoss in percent; the others take none.
bool fault_takes_value(model::load::FaultKind kind);
// The fault panel's starting value: 0.05 (50ms), 2 (2s), 30 (%).
double default_fault_value(model::load::FaultKind kind);
// A value as the scenario format writes it ("120ms", "2s"; "30%"); load::parse_fault_value reads
// it back. A value set another way (a slider) is checked with load::fault_value_in_range.
std::string fault_value_text(model::load::FaultKind kind, double value);

// --fault on the command line, the panel's actions by name: "kubeProxyDown:NODE",
// "stopKubeProxy:NODE", "linkDown:NODE", "linkDelay:NODE", "linkLoss:NODE", "coreDnsDown",
// "coreDnsSlow", "corednsReplicas:N"; the faults with a value take it after '=':
// "linkDelay:node-1=120ms", "linkLoss:node-1=50%", "coreDnsSlow=6s" (without one, the panel's
// starting value). False with `error` when the text names none, a node the cluster does not have,
// or a bad value.
bool parse_fault_action(const std::string& text, FaultSet& into, const model::cluster::Cluster& cluster, std::string& error);

}  // namespace packetwalk::ui::gui
