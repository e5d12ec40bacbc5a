#pragma once
// Running one scenario file: load it (optionally with a lab's fix), build its cluster, run every
// probe and check its expectation. `packetwalk run` prints the result; `packetwalk test` runs many
// scenarios this way on worker threads (each builds its own cluster; nothing here is shared).

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "../render/trace_render.h"
#include "common.h"

namespace packetwalk::ui::cli {

struct ScenarioRunOptions {
  std::vector<std::string> extra_manifests;  // -f
  Overrides overrides;
  bool apply_fix = false;  // a lab's fix file applied on top (load/fault_spec.h)
  std::string requests_csv;  // traffic runs: per-request records as CSV here ("" = none)
  std::string requests_json; // ... and as JSON (packetwalk/requests/v1) here ("" = none)
};

struct ScenarioRun {
  int exit_code = kOk;  // kOk, kExpectationFailed, kBadInput (diagnostics went to `err`)
  std::string name;     // metadata.name
  std::vector<render::ProbeReport> reports;  // in the scenario's order
  std::vector<std::optional<int>> sizes;     // each probe's `size:`, for reports that show it
  std::string golden;                        // resolved `golden:` path, "" when none
  std::optional<model::load::LabSpec> lab;
  std::vector<model::load::ProbeSpec> probes;  // as written (from/to/expectations)
  std::string traffic;          // summary of the `traffic:` load runs ("" when none; http_exec.h)
  bool traffic_failed = false;  // a traffic expectation failed
};

ScenarioRun run_scenario(const std::string& path, const ScenarioRunOptions& options, std::ostream& err);

// `packetwalk run`'s text output: each probe's trace (or one line each when `quiet`), then
// "N passed, M failed". `packetwalk test` compares this (not quiet, not verbose, no colour) with a
// scenario's golden file.
void write_run_text(std::ostream& out, const std::vector<render::ProbeReport>& reports, bool quiet, bool verbose,
                    bool color);

// The hop that decided a probe's fate, as one line ("12.300us node-1 node-1 eth0 DROP (mtu-exceeded)
// ..."): the first drop, else where it was delivered; "" for a trace without hops.
std::string deciding_hop(const model::trace::Trace& trace);

}  // namespace packetwalk::ui::cli
