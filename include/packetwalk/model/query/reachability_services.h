#pragma once
// reach towards Services: for each pod and each port of each Service with a ClusterIP, whether the
// connection reaches each backend kube-proxy may pick. NetworkPolicy is evaluated after DNAT — on
// the backend pod and its target port, never on the Service IP — so a Service flow is one cell per
// (client, Service port, backend): a targetPort or selector change shows up as the backends' cells
// changing. Judged with the same pieces as pod-to-pod reach (reachability.h): the CNI's own drops,
// then, when the CNI enforces NetworkPolicy, the policy evaluator.

#include <cstdint>
#include <string>
#include <vector>

#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::model::query {

struct ServiceReachCell {
  std::string from;     // "ns/name" of the client pod
  std::string service;  // "ns/name"
  ReachPort port;       // the Service port, as the client addresses it
  std::string backend;  // "ns/name" of the backend pod; "" when kube-proxy has none to pick
  ReachPort target;     // the backend's port after DNAT (port.port 0 when there is no backend)
  bool allowed = false;   // the first packet reaches the backend's network namespace
  bool listening = false; // the backend declares the target port
  std::string reason;
};

// Services of the namespaces `options` selects (as for pods), except headless, ExternalName and
// packetwalk's implicit default/kubernetes; clients are the pods compute_reach would list. Sorted
// by (service, port, from, backend). Endpoints that are not pods (hand-written EndpointSlices
// pointing outside the cluster) are not judged: reach is about pods.
std::vector<ServiceReachCell> compute_service_reach(const cluster::Cluster& c, const ReachOptions& options);

// One connection's verdict as reach gives it: the CNI's own drop first, then, when the CNI
// enforces NetworkPolicy, the evaluator's; `reason` is reach's reason text.
struct ConnectionVerdict {
  bool allowed = false;
  std::string reason;
};
ConnectionVerdict judge_connection(std::string_view cni, const policy::PolicyIndex& index, const policy::Connection& conn);

// `reach --services`: one verdict per (client, Service, Service port). A connection to a ClusterIP
// lands on one backend kube-proxy picks at random, so the verdict counts the usable backends that
// accept it: `allowed` only when every one of them does (a client would otherwise fail some of its
// connections), and `reason` names what denies the others. `detail` holds the per-backend cells
// (empty when kube-proxy has no backend to pick; `reason` then says why).
struct ServiceVerdict {
  std::string from;
  std::string service;
  ReachPort port;
  std::size_t backends = 0;          // usable pod backends for this client
  std::size_t backends_allowed = 0;  // of which the connection reaches
  bool allowed = false;
  bool listening = false;            // every backend reached declares the target port
  std::string reason;
  std::vector<ServiceReachCell> detail;  // sorted by backend
};
// Groups compute_service_reach's cells (in its order: service, port, from, backend).
std::vector<ServiceVerdict> service_verdicts(const std::vector<ServiceReachCell>& cells);

// The Services (and Service ports) compute_service_reach leaves out, each with why, so reach
// never drops one silently: headless (clients resolve the pods' own addresses: the pod rows
// answer), ExternalName (a DNS alias, nothing is proxied), no ClusterIP allocated, ports whose
// endpoints are none of the cluster's pods, and endpoints that are not pods next to pod ones.
// packetwalk's implicit default/kubernetes (the API server) is not listed. Sorted by service.
struct ServiceSkip {
  std::string service;  // "ns/name"
  std::string note;     // "headless (clusterIP: None): ..."
};
std::vector<ServiceSkip> skipped_services(const cluster::Cluster& c, const ReachOptions& options);

// At most how many cells compute_service_reach gives (and `reach --services` prints, after its
// --port filter) — clients x Service ports x max(1, endpoints) — from the control plane alone, so
// reach can refuse a huge run before it builds every node's datapath. `clients`: reach_pods' count.
std::uint64_t service_reach_cell_bound(const kube::ServiceState& services, std::uint64_t clients,
                                       const ReachOptions& options);

}  // namespace packetwalk::model::query
