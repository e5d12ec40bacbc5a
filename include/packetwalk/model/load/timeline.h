#pragma once
// A scenario's timeline: changes at simulated times (docs/scenario-format.md, "Timeline").
//
//   timeline:
//     - {at: 30s, scale: {deployment: default/web, replicas: 0}}
//     - {at: 45s, stopKubeProxy: node-1}     # kube-proxy stops: its rules stay as last synced
//     - {at: 1m, failNode: node-2}           # node down; NotReady after 40s, pods evicted 5m later
//     - {at: 2m, fault: {cniDown: node-3}}   # any fault of `faults:`, from then on
//   probes:
//     - {name: after-scale, at: 31s, from: client, to: web:80, expect: refused}
//
// The cluster a probe sees at time T is rebuilt from the scenario's objects with every entry at or
// before T applied in order (model/cluster/timeline.h); pods that exist throughout keep their node
// and address, as they do in a real cluster.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/fault_spec.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::load {

enum class TimelineAction : std::uint8_t {
  Apply,          // manifests created or replaced (kubectl apply)
  Delete,         // one object deleted
  Scale,          // a Deployment's or StatefulSet's spec.replicas
  PodNotReady,    // a pod's readiness probe starts failing
  PodReady,       // ... and passes again
  DrainNode,      // kubectl drain --ignore-daemonsets --force: cordoned, its pods evicted
  FailNode,       // the node goes dark (power, kernel panic, partition)
  StopKubeProxy,  // the node's kube-proxy stops: its rules stay as last synced
  Fault,          // a fault of `faults:` planted from then on
};

struct TimelineEntry {
  double at = 0;  // simulated seconds
  TimelineAction action = TimelineAction::Apply;
  ManifestSet manifests;  // Apply
  std::string kind;       // Delete: the object's kind; Scale: Deployment | StatefulSet
  std::string namespace_;  // Delete, Scale, PodNotReady, PodReady
  std::string name;
  std::string node;  // DrainNode, FailNode, StopKubeProxy
  int replicas = 0;  // Scale
  FaultSpec fault;   // Fault
  SourcePos pos;     // of the list entry
};

// What the moments before left in the cluster, carried into the next rebuild by the timeline
// (model/cluster/timeline.cpp) and honoured by kube::build_inventory.
struct TimelineHistory {
  // "ns/name" -> (node, IP): pods that already ran keep both (a rebuild would otherwise re-address
  // every pod after the first change).
  std::map<std::string, std::pair<std::string, net::Ipv4Address>> pinned;
  std::set<std::string> not_ready;  // "ns/name" pods whose Ready condition is False
  std::set<std::string> not_ready_nodes;  // nodes NotReady: every pod on them is not ready
  std::set<std::string> cordoned;   // nodes new pods are not scheduled on (drained, tainted)
};

// Node lifecycle defaults (kube-controller-manager --node-monitor-grace-period, 50s since
// Kubernetes 1.32 (kubernetes/kubernetes#126287; 40s before), and the 300s
// tolerationSeconds the DefaultTolerationSeconds admission plugin gives every pod for
// node.kubernetes.io/unreachable:NoExecute).
inline constexpr double kNodeMonitorGracePeriod = 50;
inline constexpr double kUnreachableTolerationSeconds = 300;

// "30s", "1m30s", "1.5s", "250ms": how outputs name a simulated time.
std::string format_seconds(double seconds);

// Applies a manifest-level entry (Apply, Delete, Scale, PodNotReady, PodReady) to `s`; errors
// (no such object) point at the entry. Other actions are the cluster timeline's.
void apply_object_change(Scenario& s, const TimelineEntry& e, Diagnostics& diags);

// Objects of `from` replace those of `to` with the same kind, namespace and name, or join them.
void apply_manifests(ManifestSet& to, ManifestSet from, Diagnostics& diags);

}  // namespace packetwalk::model::load
