#include "http_exec.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "../render/atomic_file.h"
#include "../render/pcap_writer.h"
#include "packetwalk/model/dns/resolve_target.h"
#include "packetwalk/model/ingress/http_target.h"

namespace packetwalk::ui::cli {

namespace ing = model::ingress;

void add_http_options(po::options_description& d) {
  d.add_options()("method", po::value<std::string>(), "send an HTTP request with this method (default GET when --to is a URL)")(
      "header", po::value<std::vector<std::string>>()->composing(), "HTTP request header K:V (repeatable)")(
      "host", po::value<std::string>(), "HTTP Host header (default: the URL's host, or the destination)")(
      "path", po::value<std::string>(), "HTTP request path, may include ?query (default: the URL's, or /)");
}

model::load::HttpProbeSpec http_spec_from(const po::variables_map& vm, std::string& error) {
  model::load::HttpProbeSpec h;
  if (vm.count("method")) {
    h.method = vm["method"].as<std::string>();
    std::transform(h.method.begin(), h.method.end(), h.method.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  }
  if (vm.count("host")) h.host = vm["host"].as<std::string>();
  if (vm.count("path")) {
    h.path = vm["path"].as<std::string>();
    if (h.path.empty() || h.path[0] != '/') error = "--path must start with '/'";
  }
  if (vm.count("header")) {
    for (const auto& kv : vm["header"].as<std::vector<std::string>>()) {
      auto colon = kv.find(':');
      if (colon == std::string::npos || colon == 0) {
        error = "--header \"" + kv + "\" is not NAME:VALUE";
        continue;
      }
      auto value = kv.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      h.headers.emplace_back(kv.substr(0, colon), value);
    }
  }
  h.present = vm.count("method") || vm.count("host") || vm.count("path") || vm.count("header");
  return h;
}

bool is_http_probe(const std::string& to, const model::load::HttpProbeSpec& http) {
  return http.present || ing::looks_like_url(to);
}

std::optional<HttpRun> execute_http(model::cluster::Cluster& cluster, ing::HttpClient& client, const std::string& name,
                                    const std::string& from, const std::string& to, const model::load::HttpProbeSpec& http,
                                    const std::string& default_ns, std::string& error) {
  auto resolved = ing::resolve_http(cluster, client.runner(), from, to, http, default_ns, error);
  if (!resolved) return std::nullopt;
  HttpRun run;
  run.url = resolved->url;
  run.resolution = resolved->resolution;
  run.flow = client.run(resolved->target);
  auto& report = run.report;
  report.name = name;
  report.from = resolved->from_label;
  report.to = resolved->url + " (" + resolved->to_label + ")";
  report.protocol = "HTTP";
  // The lookup belongs to the report only when it gave the address. When the name has no record
  // and the request went to the router's LoadBalancer address instead (http_target.h, step 4), the
  // connection was made: its outcome is the connection's, not the lookup's NXDOMAIN, and the
  // resolution line says why that address was used.
  if (resolved->dns && !resolved->dns->result.addresses.empty()) report.dns = resolved->dns;
  report.result = run.flow.legs.front().result;
  auto& legs = report.result.trace.legs;
  for (auto& leg : legs) leg.name = "conn 1 " + leg.name;
  for (std::size_t i = 1; i < run.flow.legs.size(); ++i) {
    const auto& extra = run.flow.legs[i];
    for (auto leg : extra.result.trace.legs) {
      leg.name = "conn " + std::to_string(i + 1) + " " + leg.name;
      legs.push_back(std::move(leg));
    }
    report.result.trace.events += extra.result.trace.events;
  }
  std::stable_sort(legs.begin(), legs.end(), [](const model::trace::Leg& a, const model::trace::Leg& b) {
    return (a.hops.empty() ? sim::Time::zero() : a.hops.front().time) < (b.hops.empty() ? sim::Time::zero() : b.hops.front().time);
  });
  auto& tr = report.result.trace;
  const std::string by = run.flow.answered_by();
  if (run.flow.status) {
    tr.reason = run.flow.outcome + (by.empty() ? "" : " from " + by);
    if (!run.flow.served.empty() && !run.flow.served.front().decision.route.empty())
      tr.reason += " via " + run.flow.served.front().decision.route;
    report.result.answered_by = by;
  } else if (tr.disposition == model::trace::Disposition::Connected) {
    tr.reason += "; " + run.flow.outcome;
  }
  return run;
}

void check_http_expectation(const model::load::Expectation& expected, HttpRun& run) {
  if (!expected.status) return;
  run.report.expected += (run.report.expected.empty() ? "" : " ") + std::string("status ") + std::to_string(expected.status);
  if (run.flow.status != expected.status) {
    run.report.passed = false;
    run.report.failures.push_back("expected HTTP status " + std::to_string(expected.status) + ", got " +
                                  (run.flow.status ? std::to_string(run.flow.status) : "no HTTP response (" + run.flow.outcome + ")"));
  }
}

void write_http_summary(std::ostream& out, const HttpRun& run, bool verbose) {
  out << "http: " << run.flow.request.method << " " << run.url << "  (address from " << run.resolution << ")\n";
  for (const auto& s : run.flow.served) {
    const auto& d = s.decision;
    out << "  " << d.router << " in " << s.router_pod << " (client address seen: " << s.client.to_string() << ")\n";
    out << "    " << (d.matched ? "matched: " : "no rule: ") << d.reason << "\n";
    for (const auto& n : d.notes) out << "    note: " << n << "\n";
    if (!s.endpoint.empty())
      out << "    proxied to " << d.upstream->label() << " endpoint " << s.endpoint << " over a new connection from "
          << s.router_pod << (s.backend_pod.empty() ? "" : ", answered by " + s.backend_pod) << "\n";
    if (!s.failure.empty()) out << "    upstream failure: " << s.failure << "\n";
    if (verbose || !d.matched) {
      for (const auto& l : d.lost) out << "    lost: " << l << "\n";
    }
    out << "    status " << s.status << " " << model::ingress::reason_phrase(s.status) << "\n";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(run.flow.elapsed.count_ns()) / 1e6);
  out << "  response: " << run.flow.outcome << (run.flow.status ? std::string(" after ") + buf : "") << "\n";
}

std::string http_to_json(const HttpRun& run) {
  nlohmann::ordered_json j;
  j["schema"] = "packetwalk/http/v1";
  j["request"] = {{"method", run.flow.request.method}, {"url", run.url}, {"host", run.flow.request.host},
                  {"path", run.flow.request.target()}, {"address_from", run.resolution}};
  j["status"] = run.flow.status;
  j["outcome"] = run.flow.outcome;
  j["elapsed_us"] = static_cast<double>(run.flow.elapsed.count_ns()) / 1e3;
  j["answered_by"] = run.flow.answered_by();
  auto routers = nlohmann::ordered_json::array();
  for (const auto& s : run.flow.served) {
    const auto& d = s.decision;
    nlohmann::ordered_json r;
    r["router"] = d.router;
    r["pod"] = s.router_pod;
    r["matched"] = d.matched;
    r["route"] = d.route;
    r["rule"] = d.rule;
    r["backend"] = d.upstream ? d.upstream->label() : d.backend_label();
    r["endpoint"] = s.endpoint;
    r["backend_pod"] = s.backend_pod;
    r["status"] = s.status;
    r["reason"] = d.reason;
    routers.push_back(std::move(r));
  }
  j["routers"] = std::move(routers);
  j["trace"] = nlohmann::ordered_json::parse(render::to_json(run.report));
  return j.dump(2) + "\n";
}

int trace_http(model::cluster::Cluster& cluster, const po::variables_map& vm, const model::load::HttpProbeSpec& http,
               std::ostream& out, std::ostream& err) {
  ing::HttpClient client(cluster, cluster.spec().seed);
  std::string error;
  auto run = execute_http(cluster, client, "", vm["from"].as<std::string>(), vm["to"].as<std::string>(), http,
                          vm["namespace"].as<std::string>(), error);
  if (!run) {
    err << "packetwalk trace: " << error << "\n";
    return kBadInput;
  }
  if (vm.count("pcap") && !render::write_pcapng(run->report.result.trace, vm["pcap"].as<std::string>(), error)) {
    err << "packetwalk trace: " << error << "\n";
    return kBadInput;
  }
  const std::string format = vm["output"].as<std::string>();
  const bool color = use_color(out);
  if (format == "json") {
    out << http_to_json(*run);
  } else if (format == "mermaid") {
    render::write_mermaid(out, run->report);
  } else if (vm["quiet"].as<bool>()) {
    out << run->report.from << " -> " << run->url << " "
        << render::colored(run->flow.status ? std::to_string(run->flow.status) : run->flow.outcome,
                           run->flow.status >= 200 && run->flow.status < 400, color)
        << " (" << run->report.result.trace.reason << ")\n";
  } else {
    render::write_text(out, run->report, vm["verbose"].as<bool>(), color);
    write_http_summary(out, *run, vm["verbose"].as<bool>());
  }
  return kOk;
}

std::optional<render::ProbeReport> execute_http_probe(model::cluster::Cluster& cluster, ing::HttpClient& client,
                                                      const model::load::ProbeSpec& probe, const std::string& expected_text,
                                                      std::string& error) {
  auto run = execute_http(cluster, client, probe.name, probe.from, probe.to, probe.http, "default", error);
  if (!run) return std::nullopt;
  if (probe.expect.present) {
    auto check = model::dns::check_expectation(probe.expect, run->report.dns, run->report.result);
    run->report.expected = expected_text;
    run->report.passed = check.passed;
    run->report.failures = check.failures;
    check_http_expectation(probe.expect, *run);
  }
  // The HTTP outcome in the report's reason line keeps `run -q` and the text output informative.
  return std::move(run->report);
}

namespace {

// Milliseconds rounded to the microsecond, as the CSV writes them.
double ms3(double v) { return std::round(v * 1000.0) / 1000.0; }

}  // namespace

std::string requests_to_json(const ing::TrafficResult& r, const std::string& scenario) {
  nlohmann::ordered_json j;
  j["schema"] = "packetwalk/requests/v1";
  j["scenario"] = scenario;
  auto flows = nlohmann::ordered_json::array();
  for (const auto& f : r.flows) {
    nlohmann::ordered_json o;
    o["name"] = f.name;
    o["requests"] = f.requests;
    o["dropped"] = f.dropped;
    o["dropped_frames"] = f.dropped_frames;
    o["retransmits"] = f.retransmits;
    o["passed"] = f.passed;
    flows.push_back(std::move(o));
  }
  j["flows"] = std::move(flows);
  auto requests = nlohmann::ordered_json::array();
  for (const auto& rec : r.records) {
    nlohmann::ordered_json o;
    o["flow"] = rec.flow;
    o["request"] = rec.index;
    o["start_ms"] = ms3(rec.start_ms);
    o["status"] = rec.status;
    o["service"] = rec.service;
    o["backend_pod"] = rec.backend_pod;
    o["route"] = rec.route;
    o["router_pod"] = rec.router_pod;
    o["latency_ms"] = ms3(rec.latency_ms);
    o["dropped"] = rec.dropped;
    o["dropped_frames"] = rec.dropped_frames;
    o["retransmits"] = rec.retransmits;
    requests.push_back(std::move(o));
  }
  j["requests"] = std::move(requests);
  return j.dump(2) + "\n";
}

bool run_traffic_section(model::cluster::Cluster& cluster, const std::string& csv_path, const std::string& json_path,
                         std::string& text, std::string& error, bool& failed) {
  failed = false;
  if (cluster.scenario().traffic.empty()) return true;
  std::ostringstream out;
  auto result = ing::run_traffic(cluster, cluster.scenario().traffic, cluster.spec().seed, error);
  if (!result) return false;
  out << "\n";
  ing::write_summary(out, *result);
  // Whole files or none (render/atomic_file.h): CI reads these records after the run.
  if (!csv_path.empty()) {
    std::ostringstream csv;
    ing::write_csv(csv, *result);
    if (!render::write_file_atomically(csv_path, csv.str(), error)) return false;
  }
  if (!json_path.empty() &&
      !render::write_file_atomically(json_path, requests_to_json(*result, cluster.scenario().path), error))
    return false;
  std::size_t bad = 0;
  for (const auto& f : result->flows) bad += f.passed ? 0 : 1;
  out << "traffic: " << result->flows.size() - bad << " passed, " << bad << " failed\n";
  failed = bad > 0;
  text += out.str();
  return true;
}

}  // namespace packetwalk::ui::cli
