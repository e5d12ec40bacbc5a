#pragma once
// A scenario's timeline played forward (load/timeline.h): the cluster as it stands at given
// simulated times. Each state is rebuilt from the objects with the changes so far applied, rather
// than mutated in place, so every builder stays the one that makes the cluster at time 0. What a
// real cluster carries from one moment to the next is carried explicitly:
//   - pods that already ran keep their node and IP (ClusterSpec::history.pinned);
//   - a kube-proxy stopped at t keeps the rules of its last sync, the cluster's Services and
//     endpoints at t, however the cluster changes afterwards (a kubeProxyStale fault holding them);
//   - a failed node: its eth0 goes down at t (its pods unreachable, their endpoints stay);
//     node-monitor-grace-period (50s) later the node is NotReady and its pods leave the endpoints;
//     300s after that (the unreachable:NoExecute tolerationSeconds) its Deployment and Job pods are
//     evicted and rescheduled elsewhere; StatefulSet, DaemonSet and bare pods stay, not ready;
//   - a drained node is cordoned: bare pods are deleted (drain --force), DaemonSet pods stay
//     (--ignore-daemonsets), the others are rescheduled on the remaining nodes.

#include <memory>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"

namespace packetwalk::model::cluster {

struct TimedCluster {
  double at = 0;
  std::shared_ptr<Cluster> cluster;  // shared by times no change separates
};

// The cluster at each of `times` (ascending, distinct). Problems the time-0 build reports go to
// `diags` as they are; later builds add only their errors, prefixed with the time. Returns an
// empty vector when any build fails.
std::vector<TimedCluster> build_timeline(const load::Scenario& scenario, const std::vector<double>& times,
                                         load::Diagnostics& diags);

}  // namespace packetwalk::model::cluster
