#pragma once
// `diff`: the connections a change opens and closes. Both versions of the cluster are judged by
// reach itself (compute_reach, compute_service_reach) — never by a second evaluation — and their
// cells compared flow by flow. A flow is (source pod, destination pod, port) or, towards a
// Service, (source pod, Service, Service port, backend pod); pods are the same pod when they have
// the same ns/name. A flow that exists in one version only (its pod, Service or backend is gone)
// counts as not allowed in the other: opened when it is allowed after and was not before, closed
// the other way round. The two versions are judged on the same ports: per destination, the ports
// its old and its new version declare, plus the ones the user gives.
//
// Deployment pods carry their ReplicaSet's pod-template-hash in their name, so editing the pod
// template renames every pod (as a rollout does in a real cluster). Pods that only one version
// has, with the same namespace and owner once that hash is taken off, are paired in name order
// and reported as replaced, and compared as one pod: a label change in a Deployment shows the
// flows it opens, not every flow of the Deployment closed and opened again.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/query/reachability.h"
#include "packetwalk/model/query/reachability_services.h"

namespace packetwalk::model::query {

struct DiffOptions {
  ReachOptions reach;    // ports (added to the declared ones), namespace scope; its `progress`
                         // counts both versions' source pods, then (services) one step per version
  bool services = false; // also pod -> Service flows
};

// One version's side of a flow.
struct FlowSide {
  bool present = false;     // the flow exists in this version
  bool allowed = false;
  bool listening = false;   // the destination (backend) declares the port
  std::string reason;       // reach's reason when present; why the flow does not exist otherwise
  ReachPort target;         // Service flows: the backend's port after DNAT
};

struct FlowChange {
  bool opened = false;   // false: closed
  std::string from;      // "ns/name" (the new version's name for a replaced pod)
  std::string to;        // destination pod; for Service flows the backend ("" when there is none)
  std::string service;   // "" for pod-to-pod flows, else "ns/name"
  ReachPort port;        // the destination port; for Service flows the Service port
  FlowSide before, after;
};

struct PodReplacement {
  std::string before, after;  // "ns/name"
};

struct ReachDiff {
  std::string cni_before, cni_after;
  bool enforced_before = false, enforced_after = false;
  std::vector<ReachPort> ports;  // every port judged in either version (sorted)
  std::vector<std::string> pods_added, pods_removed;  // sorted
  std::vector<PodReplacement> pods_replaced;          // by old name
  std::vector<std::string> services_added, services_removed;  // with services only
  // Grouped by destination: pods by name, then Services by name; then by source, port, backend.
  std::vector<FlowChange> changes;
  std::size_t flows_compared = 0;

  std::size_t opened() const;
  std::size_t closed() const;
};

ReachDiff compute_reach_diff(const cluster::Cluster& before, const cluster::Cluster& after, const DiffOptions& options);

}  // namespace packetwalk::model::query
