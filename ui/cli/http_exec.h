#pragma once
// HTTP probes for trace and run: a URL destination (or an explicit request) becomes an HTTP flow
// through the ingress controller or Gateway (model/ingress/http_flow.h). The flow's connections
// are merged into one ProbeReport — the client's connection legs and the routers' backend
// connection legs on one clock, in time order, named "conn 1 ..." / "conn 2 ..." — so every
// renderer (text, JSON, Mermaid, pcap) shows both legs; the HTTP outcome is summarised apart.

#include <iosfwd>
#include <optional>
#include <string>

#include "../render/trace_render.h"
#include "options.h"
#include "packetwalk/model/ingress/http_flow.h"
#include "packetwalk/model/ingress/traffic.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::ui::cli {

struct HttpRun {
  render::ProbeReport report;  // merged legs; result.answered_by = the pod that produced the response
  model::ingress::HttpFlowResult flow;
  std::string url;
  std::string resolution;  // how the host became the address
};

// --method, --header K:V (repeatable), --host, --path: send HTTP over the connection.
void add_http_options(po::options_description& d);
// The request options given on the command line (present = any was given).
model::load::HttpProbeSpec http_spec_from(const po::variables_map& vm, std::string& error);

bool is_http_probe(const std::string& to, const model::load::HttpProbeSpec& http);

std::optional<HttpRun> execute_http(model::cluster::Cluster& cluster, model::ingress::HttpClient& client,
                                    const std::string& name, const std::string& from, const std::string& to,
                                    const model::load::HttpProbeSpec& http, const std::string& default_ns,
                                    std::string& error);

// A scenario probe carrying HTTP: execute_http, then its expectation (`expected_text` describes it).
std::optional<render::ProbeReport> execute_http_probe(model::cluster::Cluster& cluster, model::ingress::HttpClient& client,
                                                      const model::load::ProbeSpec& probe, const std::string& expected_text,
                                                      std::string& error);

// Adds the HTTP checks (status) to an expectation already checked on `run.report`.
void check_http_expectation(const model::load::Expectation& expected, HttpRun& run);

// After write_text: the request, the routers' decisions (and, verbose, why other rules lost).
void write_http_summary(std::ostream& out, const HttpRun& run, bool verbose);
// {"schema":"packetwalk/http/v1","request":...,"status":...,"routers":[...],"trace":<packetwalk/trace/v1>}
std::string http_to_json(const HttpRun& run);

// `packetwalk trace` with an HTTP request: runs it and prints it in the chosen format
// (-o text|json|mermaid, --pcap, -q, -v as for a plain trace). Returns the exit code.
int trace_http(model::cluster::Cluster& cluster, const po::variables_map& vm, const model::load::HttpProbeSpec& http,
               std::ostream& out, std::ostream& err);

// `packetwalk run`: the scenario's traffic entries; appends the summary to `text` (and writes the
// per-request records as CSV to `csv_path`, as JSON to `json_path`, when not ""); `failed` when an
// expectation of an entry failed. false (with `error`) on bad input.
bool run_traffic_section(model::cluster::Cluster& cluster, const std::string& csv_path, const std::string& json_path,
                         std::string& text, std::string& error, bool& failed);

// {"schema":"packetwalk/requests/v1","scenario":...,"flows":[...],"requests":[...]} (docs/json-output.md):
// the same records as the CSV, keys in the CSV's column order.
std::string requests_to_json(const model::ingress::TrafficResult& r, const std::string& scenario);

}  // namespace packetwalk::ui::cli
