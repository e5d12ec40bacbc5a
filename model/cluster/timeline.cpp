// Plays a scenario's timeline forward (timeline.h).
#include "packetwalk/model/cluster/timeline.h"

#include <algorithm>

#include "packetwalk/model/dns/cluster_dns.h"

namespace packetwalk::model::cluster {

namespace {

using load::TimelineAction;
using load::TimelineEntry;

// What happens at one moment: a scenario entry, or a step the node lifecycle controller takes
// after a failNode.
struct Event {
  enum class Kind { Entry, NodeNotReady, EvictNode } kind = Kind::Entry;
  double at = 0;
  std::size_t order = 0;  // written order breaks ties
  const TimelineEntry* entry = nullptr;
  std::string node;
};

std::vector<Event> expand(const std::vector<TimelineEntry>& timeline) {
  std::vector<Event> out;
  for (const auto& e : timeline) {
    out.push_back({Event::Kind::Entry, e.at, out.size(), &e, e.node});
    if (e.action != TimelineAction::FailNode) continue;
    out.push_back({Event::Kind::NodeNotReady, e.at + load::kNodeMonitorGracePeriod, out.size(), &e, e.node});
    out.push_back({Event::Kind::EvictNode,
                   e.at + load::kNodeMonitorGracePeriod + load::kUnreachableTolerationSeconds, out.size(), &e, e.node});
  }
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
  return out;
}

class Player {
public:
  Player(const load::Scenario& scenario, load::Diagnostics& diags) : state_(scenario), diags_(diags) {
    state_.timeline.clear();  // played here; the clusters need not carry it
    // kubeadm's CoreDNS objects are objects of the state, so an entry can scale, delete or replace
    // them (`scale: {kind: Deployment, namespace: kube-system, name: coredns, replicas: 0}`, which
    // the coreDnsDown fault also amounts to). Cluster::build leaves objects that exist alone.
    dns::add_coredns_addon(state_.cluster, state_.manifests);
  }

  // The cluster for the state so far, rebuilt only when something changed.
  std::shared_ptr<Cluster> current() {
    if (current_ && !dirty_) return current_;
    load::Diagnostics local;
    auto built = Cluster::build(state_, first_ ? diags_ : local);
    for (const auto& d : local.all()) {
      if (d.severity != load::Severity::Error) continue;
      auto copy = d;
      copy.message = "at " + load::format_seconds(time_) + ": " + copy.message;
      diags_.add(std::move(copy));
    }
    first_ = false;
    dirty_ = false;
    current_ = std::shared_ptr<Cluster>(std::move(built));
    if (!current_) return nullptr;
    // Pods that ran keep their node and address in the next state.
    state_.cluster.history.pinned.clear();
    for (const auto& p : current_->inventory().pods)
      if (!p.host_network) state_.cluster.history.pinned[p.namespace_ + "/" + p.name] = {p.node, p.ip};
    return current_;
  }

  bool play(const Event& ev) {
    time_ = ev.at;
    const TimelineEntry& e = *ev.entry;
    if (ev.kind == Event::Kind::Entry && e.action <= TimelineAction::Scale) {
      load::apply_object_change(state_, e, diags_);
      dirty_ = true;
      return !diags_.has_errors();
    }
    auto cluster = current();
    if (!cluster) return false;
    const std::string where = "timeline at " + load::format_seconds(e.at);
    auto& history = state_.cluster.history;
    if (ev.kind == Event::Kind::NodeNotReady) {
      history.not_ready_nodes.insert(ev.node);
    } else if (ev.kind == Event::Kind::EvictNode) {
      history.cordoned.insert(ev.node);
      unpin(*cluster, ev.node, [](const kube::PodInfo& p) { return p.owner_kind == "ReplicaSet" || p.owner_kind == "Job"; });
    } else if (e.action == TimelineAction::PodNotReady || e.action == TimelineAction::PodReady) {
      if (!cluster->inventory().find_pod(e.namespace_, e.name)) {
        diags_.error(e.pos, where, "no pod " + e.namespace_ + "/" + e.name + " at that time");
        return false;
      }
      load::apply_object_change(state_, e, diags_);
    } else if (e.action == TimelineAction::Fault) {
      state_.faults.push_back(e.fault);
    } else {
      if (!cluster->inventory().find_node(e.node)) {
        diags_.error(e.pos, where, "no node \"" + e.node + "\" in the cluster");
        return false;
      }
      if (e.action == TimelineAction::StopKubeProxy) {
        load::FaultSpec stale;
        stale.kind = load::FaultKind::KubeProxyStale;
        stale.node = e.node;
        stale.pos = e.pos;
        stale.synced = std::make_shared<const kube::ServiceState>(cluster->services());
        state_.faults.push_back(std::move(stale));
      } else if (e.action == TimelineAction::FailNode) {
        load::FaultSpec down;
        down.kind = load::FaultKind::LinkDown;
        down.node = e.node;
        down.pos = e.pos;
        state_.faults.push_back(std::move(down));
      } else {  // DrainNode
        history.cordoned.insert(e.node);
        // kubectl drain --force deletes bare pods: no controller brings them back.
        std::erase_if(state_.manifests.pods, [&](const kube::Pod& p) {
          const auto* info = cluster->inventory().find_pod(p.meta.namespace_, p.meta.name);
          return info && info->node == e.node && info->owner_kind.empty();
        });
        unpin(*cluster, e.node, [](const kube::PodInfo& p) { return p.owner_kind != "DaemonSet"; });
      }
    }
    dirty_ = true;
    return !diags_.has_errors();
  }

private:
  template <typename Evictable>
  void unpin(const Cluster& cluster, const std::string& node, const Evictable& evictable) {
    for (const auto& p : cluster.inventory().pods)
      if (p.node == node && evictable(p)) state_.cluster.history.pinned.erase(p.namespace_ + "/" + p.name);
  }

  load::Scenario state_;
  load::Diagnostics& diags_;
  std::shared_ptr<Cluster> current_;
  bool dirty_ = true;
  bool first_ = true;
  double time_ = 0;
};

}  // namespace

std::vector<TimedCluster> build_timeline(const load::Scenario& scenario, const std::vector<double>& times,
                                         load::Diagnostics& diags) {
  Player player(scenario, diags);
  // The time-0 state is built first, whatever the probes ask, so its warnings are reported once.
  if (!player.current()) return {};
  auto events = expand(scenario.timeline);
  std::size_t next = 0;
  std::vector<TimedCluster> out;
  for (double t : times) {
    for (; next < events.size() && events[next].at <= t; ++next)
      if (!player.play(events[next])) return {};
    auto cluster = player.current();
    if (!cluster) return {};
    out.push_back({t, std::move(cluster)});
  }
  return out;
}

}  // namespace packetwalk::model::cluster
