#pragma once
// How a Service connection is predicted to spread over its endpoints: read from the rules the
// model walked, not sampled. The trace names the KUBE-SVC-/KUBE-SVL- chain the connection went
// through; in that chain each `-j KUBE-SEP-X` rule is taken with the probability its
// `-m statistic --probability` threshold gives (threshold / 2^31, as the kernel compares it) times
// the chance that no earlier rule was taken. Each KUBE-SEP-X chain's DNAT names the endpoint.
// In nftables mode the service chain's `numgen random mod N vmap` gives each endpoint 1/N.

#include <string>
#include <vector>

#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/trace/trace.h"

namespace packetwalk::model::kernel {

struct EndpointShare {
  std::string backend;   // the namespace holding the endpoint address ("default/api-0", "node-2")
  std::string endpoint;  // "10.244.1.5:8080"
  double probability = 0;
};

struct EndpointSplit {
  std::string chain;  // "KUBE-SVC-..." the split was read from; "" when the trace took none
  std::string netns;  // where that chain was walked
  bool affinity = false;  // the chain has ClientIP affinity (-m recent): one endpoint per client
  std::vector<EndpointShare> shares;  // in rule order; probabilities add up to 1
};

// The split for the connection whose trace is `t`; an empty split (no chain) when the trace does
// not pass a service chain with endpoint jumps.
EndpointSplit endpoint_split(const datapath::Topology& topology, const trace::Trace& t);

// Pearson's chi-square goodness-of-fit test of `observed` counts against `probabilities` (same
// order, adding up to 1): the upper-tail p-value with k-1 degrees of freedom, and the statistic in
// `*statistic` when given. 1 when there are fewer than two categories; 0 when a category the
// model gives probability 0 was observed.
double chi_square_p_value(const std::vector<int>& observed, const std::vector<double>& probabilities,
                          double* statistic = nullptr);

}  // namespace packetwalk::model::kernel
