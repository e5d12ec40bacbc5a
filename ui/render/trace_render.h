#pragma once
// Renders probe results for people (text) and programs (JSON, schema packetwalk/trace/v1,
// documented in docs/json-output.md). The same finished data feeds the GUI.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "packetwalk/model/dns/lookup.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::ui::render {

struct ProbeReport {
  std::string name;         // probe name ("" for an ad-hoc trace)
  std::string from;         // as the user wrote it
  std::string to;
  std::string protocol;     // "TCP"
  model::query::ProbeResult result;
  std::optional<model::dns::NameLookup> dns;  // the name lookup before the connection, when `to` was a name
  std::optional<double> at;  // seconds on the scenario's timeline; set only when the scenario has one
  std::string expected;     // expectation text, "" when none
  bool passed = true;
  std::vector<std::string> failures;  // why the expectation failed
};

// `color`: ANSI colours for verdict words (the caller decides: a terminal, and no NO_COLOR).
void write_text(std::ostream& out, const ProbeReport& report, bool verbose, bool color = false);
// The probe's legs, hop by hop; `milestones_only` keeps the hops that change or decide something.
void write_legs(std::ostream& out, const std::vector<model::trace::Leg>& legs, bool verbose, bool milestones_only);
// The outcome word: the disposition, or the DNS failure ("nxdomain", ...) when the name did not resolve.
std::string outcome_name(const ProbeReport& report);
// A verdict or PASS/FAIL word, coloured green (good) or red (bad) when `color` is set.
std::string colored(const std::string& word, bool good, bool color);
// One JSON document per call: {"schema":"packetwalk/trace/v1", ...}.
std::string to_json(const ProbeReport& report);
// A list of reports (packetwalk run -o json): {"schema":"packetwalk/run/v1","scenario":...,"probes":[...]}.
std::string to_json(const std::string& scenario, const std::vector<ProbeReport>& reports);
// A Mermaid sequenceDiagram of one probe (mermaid_trace.cpp); the first line is "sequenceDiagram".
void write_mermaid(std::ostream& out, const ProbeReport& report);
// Several probes as Markdown: a heading and a ```mermaid block per probe (packetwalk run -o mermaid).
void write_mermaid_markdown(std::ostream& out, const std::vector<ProbeReport>& reports);

}  // namespace packetwalk::ui::render
