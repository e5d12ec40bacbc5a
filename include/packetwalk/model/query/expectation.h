#pragma once
// Checks a probe's result against what a scenario expected. The vocabulary is documented in
// docs/scenario-format.md: outcome (connected | refused | timeout | unreachable | dropped), `via`
// (hops that must appear) and `backend` (the pod that must answer).

#include <string>
#include <vector>

#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::query {

struct ExpectationCheck {
  bool passed = true;
  std::vector<std::string> failures;  // one sentence each, naming what differed
};

ExpectationCheck check_expectation(const load::Expectation& expected, const ProbeResult& result);

// latencyMaxUs / latencyMinUs against the time the exchange took: `before` (what the application
// waited before the connection started: its name lookup) plus the final hop's time.
void check_latency(const load::Expectation& expected, const trace::Trace& tr, sim::Time before, ExpectationCheck& c);

// `outcome: dropped`: the exchange did not connect and a packet of it was discarded in the datapath
// (a netfilter DROP or REJECT, no route, a down device, MTU, a full conntrack table...), whatever
// the client saw. A SYN answered by RST at a closed port is `refused`, not dropped: it reached its
// destination. `dropped_failure` is the failure sentence when it was not.
bool dropped_in_datapath(const trace::Trace& t);
std::string dropped_failure(const trace::Trace& t);

// Whether a `via` entry names something on the trace: an interface ("flannel.1"), a namespace
// ("node-2"), a hop action ("encapsulate", "dnat"), a chain or chain prefix ("KUBE-SVC-"), or a
// phrase like "kube-proxy DNAT" (a DNAT taken by a KUBE-SEP rule).
bool trace_passes_via(const trace::Trace& t, const std::string& via);

}  // namespace packetwalk::model::query
