#pragma once
// Checks a probe's result against what a scenario expected. The vocabulary is documented in
// docs/scenario-format.md: outcome (connected | refused | timeout | unreachable), `via` (hops
// that must appear) and `backend` (the pod that must answer).

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

// Whether a `via` entry names something on the trace: an interface ("flannel.1"), a namespace
// ("node-2"), a hop action ("encapsulate", "dnat"), a chain or chain prefix ("KUBE-SVC-"), or a
// phrase like "kube-proxy DNAT" (a DNAT taken by a KUBE-SEP rule).
bool trace_passes_via(const trace::Trace& t, const std::string& via);

}  // namespace packetwalk::model::query
