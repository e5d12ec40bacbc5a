// The timeline's changes to objects (load/timeline.h): apply, delete, scale, and a pod's
// readiness. Node changes and faults need the built cluster (model/cluster/timeline.cpp).
#include <cmath>
#include <cstdio>

#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::load {

namespace {

std::string object_text(const TimelineEntry& e) {
  return e.kind + " " + (e.namespace_.empty() ? "" : e.namespace_ + "/") + e.name;
}

// Removes the objects matching `match` from every list of `set`; the number removed.
template <typename Match>
std::size_t erase_objects(ManifestSet& set, const Match& match) {
  std::size_t n = 0;
  auto erase = [&](auto& list) { n += std::erase_if(list, [&](const auto& o) { return match(o.meta); }); };
  erase(set.namespaces), erase(set.nodes), erase(set.pods), erase(set.deployments), erase(set.replica_sets);
  erase(set.stateful_sets), erase(set.daemon_sets), erase(set.jobs), erase(set.services);
  erase(set.endpoint_slices), erase(set.network_policies), erase(set.admin_policies), erase(set.config_maps);
  erase(set.others);
  return n;
}

template <typename T>
kube::Workload* find_workload(std::vector<T>& list, const TimelineEntry& e) {
  for (auto& w : list)
    if (w.meta.namespace_ == e.namespace_ && w.meta.name == e.name) return &w;
  return nullptr;
}

}  // namespace

std::string format_seconds(double seconds) {
  double ms = std::round(seconds * 1000);
  if (std::fmod(ms, 1000) != 0) {
    if (ms < 1000) return std::to_string(static_cast<long long>(ms)) + "ms";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", seconds);
    return std::string(buf) + "s";
  }
  auto whole = static_cast<long long>(ms / 1000);
  if (whole >= 60 && whole % 60 == 0) return std::to_string(whole / 60) + "m";
  if (whole >= 60) return std::to_string(whole / 60) + "m" + std::to_string(whole % 60) + "s";
  return std::to_string(whole) + "s";
}

void apply_object_change(Scenario& s, const TimelineEntry& e, Diagnostics& diags) {
  const std::string where = "timeline at " + format_seconds(e.at);
  switch (e.action) {
    case TimelineAction::Apply: apply_manifests(s.manifests, e.manifests, diags); return;
    case TimelineAction::Delete: {
      // Cluster-scoped objects carry no namespace, whatever the entry says.
      auto removed = erase_objects(s.manifests, [&](const kube::ObjectMeta& m) {
        return m.kind == e.kind && m.name == e.name && (m.namespace_.empty() || m.namespace_ == e.namespace_);
      });
      if (removed == 0) {
        diags.error(e.pos, where, "delete: no " + object_text(e) + " at that time" +
                                      (e.kind == "Pod" ? " (a workload's pods are not objects of the scenario: "
                                                         "scale the workload or use podNotReady)"
                                                       : ""));
        return;
      }
      // Deleting a namespace deletes what it holds (the namespace controller's cascade).
      if (e.kind == "Namespace")
        erase_objects(s.manifests, [&](const kube::ObjectMeta& m) { return m.namespace_ == e.name; });
      return;
    }
    case TimelineAction::Scale: {
      kube::Workload* w = e.kind == "Deployment" ? find_workload(s.manifests.deployments, e)
                                                 : find_workload(s.manifests.stateful_sets, e);
      if (!w) diags.error(e.pos, where, "scale: no " + object_text(e) + " at that time");
      else w->replicas = e.replicas;
      return;
    }
    case TimelineAction::PodNotReady: s.cluster.history.not_ready.insert(e.namespace_ + "/" + e.name); return;
    case TimelineAction::PodReady: s.cluster.history.not_ready.erase(e.namespace_ + "/" + e.name); return;
    default: return;
  }
}

}  // namespace packetwalk::model::load
