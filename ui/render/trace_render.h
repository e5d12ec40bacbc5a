#pragma once
// Renders probe results for people (text) and programs (JSON, schema packetwalk/trace/v1,
// documented in docs/json-output.md). The same finished data feeds the GUI.

#include <ostream>
#include <string>
#include <vector>

#include "packetwalk/model/query/probe.h"

namespace packetwalk::ui::render {

struct ProbeReport {
  std::string name;         // probe name ("" for an ad-hoc trace)
  std::string from;         // as the user wrote it
  std::string to;
  std::string protocol;     // "TCP"
  model::query::ProbeResult result;
  std::string expected;     // expectation text, "" when none
  bool passed = true;
  std::vector<std::string> failures;  // why the expectation failed
};

void write_text(std::ostream& out, const ProbeReport& report, bool verbose);
// One JSON document per call: {"schema":"packetwalk/trace/v1", ...}.
std::string to_json(const ProbeReport& report);
// A list of reports (packetwalk run -o json): {"schema":"packetwalk/run/v1","scenario":...,"probes":[...]}.
std::string to_json(const std::string& scenario, const std::vector<ProbeReport>& reports);

}  // namespace packetwalk::ui::render
