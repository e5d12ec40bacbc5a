#pragma once
// What `packetwalk verify` expects from the kernel: per probe, the model's prediction (outcome,
// answering backend, the source address the server sees) and, for a Service with several
// endpoints, the split over them; and the comparison of that with what the kernel did.

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/kernel/endpoint_split.h"
#include "verify_run.h"
#include "verify_trace.h"

namespace packetwalk::ui::cli::verify {

struct Prediction {
  std::string outcome;  // connected | refused | timeout | unreachable
  std::string backend;  // the answering namespace (model name), when connected
  std::string source;   // the source address the server sees (after any SNAT), when connected
  std::vector<NodePath> path;  // the netfilter rules the first packet matches, per node
};

struct ProbePlan {
  std::string name, from, to;  // labels as the model resolved them
  std::string protocol;        // "tcp" | "udp"
  model::datapath::NetnsId from_netns = model::datapath::kNone;
  std::string host;  // the destination address the client connects to
  int port = 0;
  int size = 0;  // UDP: the IP length of the datagram, sent with DF (a probe's `size:`); 0: small
  Prediction primary;                          // the model's first run
  std::map<std::string, Prediction> backends;  // per answering backend, for a multi-endpoint Service
  // Per endpoint ("10.244.1.5:8080", as the DNAT names it), for a multi-endpoint Service: the
  // model's outcome there, which need not be the same everywhere (an endpoint whose pod does not
  // listen on the targetPort refuses while the others answer).
  std::map<std::string, Prediction> endpoints;
  model::kernel::EndpointSplit split;
  int runs = 1;
  double timeout_s = 2;
  std::string skip;  // why the probe is not checked; "" = checked
};

struct PlanOptions {
  int runs = 60;  // connections for a probe whose Service has several endpoints
  double timeout_s = 2;
  bool br_netfilter = true;   // false: skip probes whose trace depends on bridged iptables
  std::string mutate;         // "" | outcome | backend | source | rules: falsify the prediction (self-test)
};

// The plans for the scenario's probes, or, when it has none, for generated ones (every Service
// port and every pod port from the first pod; every NodePort from the first external host).
// Returns false with `error` when a probe cannot be resolved.
bool plan_probes(model::cluster::Cluster& cluster, const PlanOptions& options, std::vector<ProbePlan>& plans,
                 std::string& error);

// Compares the kernel's runs with the plan. Writes a PASS/FAIL block; returns true on agreement.
struct Verdict {
  bool agreed = true;
  std::vector<std::string> lines;  // the side-by-side report (indented by the caller)
  double p_value = 1;              // chi-square, for multi-endpoint probes
};
Verdict compare(const ProbePlan& plan, const std::vector<Observation>& runs);

}  // namespace packetwalk::ui::cli::verify
