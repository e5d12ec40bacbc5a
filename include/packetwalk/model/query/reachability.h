#pragma once
// `reach`: for every ordered pair of pods and each port, whether the network delivers a
// connection's first packet to the destination pod (whether or not something listens there).
// Computed from the NetworkPolicy evaluator (policy/evaluate.h) plus the CNI's facts: Flannel
// enforces nothing; Calico enforces every policy and drops VXLAN (UDP 4789) sent by workloads.
// The verdicts equal what tracing each pair through the datapath gives; tests/model/policy
// checks that on randomised clusters.
//
// Speed: pods that no policy can tell apart (same namespace, same answers from every policy's
// podSelector and every peer entry, same named-port resolutions) share one evaluation per port.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/policy/evaluate.h"

namespace packetwalk::model::query {

struct ReachPort {
  net::Protocol protocol = net::Protocol::Tcp;
  net::Port port = 0;
  std::string to_string() const;  // "80/TCP"
  auto operator<=>(const ReachPort&) const = default;
};

// "80", "80/TCP", "53/udp" (protocol defaults to TCP). nullopt with `error` set otherwise.
std::optional<ReachPort> parse_reach_port(std::string_view text, std::string& error);

struct ReachCell {
  std::string from;  // "ns/name"
  std::string to;
  ReachPort port;
  bool allowed = false;    // the first packet reaches the destination pod's network namespace
  bool listening = false;  // the destination declares a containerPort for it
  std::string reason;
};

struct ReachOptions {
  std::vector<ReachPort> ports;  // empty: each destination's declared container ports
  std::string namespace_;        // "" = every namespace but kube-system (unless all_namespaces)
  bool all_namespaces = false;   // include kube-system
  // Ports checked towards one destination ("ns/name") on top of the above (diff: the ports the
  // other version of that pod declares, so both versions are judged on the same ports).
  std::map<std::string, std::vector<ReachPort>> extra_ports;
  // Called with (sources judged, sources) as compute_reach goes, from the calling thread (the
  // CLI's progress bar). Optional.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct ReachMatrix {
  std::string cni;
  bool enforced = false;           // whether the CNI enforces NetworkPolicy
  std::vector<ReachPort> ports;    // sorted: TCP, UDP, SCTP, each by port number
  std::vector<std::string> pods;   // sorted "ns/name"
  std::vector<ReachCell> results;  // by (from, to, port)
  std::size_t evaluations = 0;     // policy evaluations actually run (after grouping)

  const ReachCell* find(std::string_view from, std::string_view to, const ReachPort& port) const;
};

ReachMatrix compute_reach(const cluster::Cluster& c, const ReachOptions& options);

// The container ports a pod declares, sorted (reach's default ports towards that pod).
std::vector<ReachPort> declared_ports(const kube::PodInfo& pod);

// Whether a CNI enforces NetworkPolicy ("calico", "cilium": yes; "flannel": no).
bool cni_enforces_policy(std::string_view cni);

// The policy layer's view of a pod as a connection's destination: its IP (the node's for
// hostNetwork pods) and node.
policy::Endpoint destination_endpoint(const kube::PodInfo& pod, const kube::Inventory& inventory);
// ... and as a connection's source towards `dst`: hostNetwork pods send from the address their
// node's routing picks for `dst` (e.g. the tunnel address towards a remote pod).
policy::Endpoint source_endpoint(const cluster::Cluster& c, const kube::PodInfo& pod, net::Ipv4Address dst);

// A CNI fact outside NetworkPolicy that stops the first packet: Calico drops UDP 4789 from
// workloads (VXLAN they could use to smuggle packets past policy). Empty when none applies.
std::string cni_drop_reason(std::string_view cni, const policy::Endpoint& src, net::Protocol protocol, net::Port port);

}  // namespace packetwalk::model::query
