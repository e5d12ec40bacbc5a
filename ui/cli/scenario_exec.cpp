#include "scenario_exec.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include "packetwalk/model/dns/resolve_target.h"
#include "packetwalk/model/cluster/timeline.h"
#include "packetwalk/model/load/fault_spec.h"
#include "http_exec.h"
#include "probe_exec.h"

namespace packetwalk::ui::cli {

namespace {

std::string expectation_text(const model::load::Expectation& e, const std::optional<int>& size) {
  std::string s = e.outcome;
  for (const auto& v : e.via) s += " via " + v;
  if (!e.backend.empty()) s += " backend " + e.backend;
  for (const auto& v : e.not_via) s += " not via " + v;
  if (e.latency_max_us) {
    std::ostringstream us;
    us << *e.latency_max_us;
    s += " within " + us.str() + "us";
  }
  if (e.latency_min_us) {
    std::ostringstream us;
    us << std::fixed << std::setprecision(0) << *e.latency_min_us;
    s += " not before " + us.str() + "us";
  }
  if (size && !s.empty())
    s += *size == model::load::kProbeSizeMtu ? std::string(" (full-size packet)") : " (" + std::to_string(*size) + "-byte packet)";
  return s;
}

std::string hop_line(const model::trace::Hop& h) {
  std::string s = sim::format_time(h.time) + " " + (h.node.empty() ? "-" : h.node) + " " + h.netns;
  if (!h.iface.empty()) s += " " + h.iface;
  if (h.action == model::trace::HopAction::Drop) {
    s += " DROP (" + std::string(model::trace::drop_reason_name(h.drop_reason)) + ")";
  } else {
    s += " " + std::string(model::trace::action_name(h.action));
  }
  if (!h.detail.empty()) s += " " + h.detail;
  return s;
}

}  // namespace

std::string deciding_hop(const model::trace::Trace& trace) {
  std::string last;
  for (const auto& leg : trace.legs) {
    for (const auto& h : leg.hops) {
      if (h.action == model::trace::HopAction::Drop) return leg.name + ": " + hop_line(h);
      if (h.action == model::trace::HopAction::Deliver || h.action == model::trace::HopAction::Respond)
        last = leg.name + ": " + hop_line(h);
    }
  }
  return last;
}

ScenarioRun run_scenario(const std::string& path, const ScenarioRunOptions& options, std::ostream& err) {
  ScenarioRun run;
  ScenarioAdjust adjust;
  if (options.apply_fix) {
    adjust = [](model::load::Scenario& s, model::load::Diagnostics& diags) {
      if (!s.lab) {
        diags.error({s.path, 0, 0}, "", "the scenario has no `lab` section, so no fix to apply");
        return;
      }
      auto fix = model::load::load_fix(s.lab->fix, diags);
      if (!diags.has_errors()) model::load::apply_fix(s, std::move(fix), diags);
    };
  }
  // The scenario, then its cluster at every time a probe names (model/cluster/timeline.h); the
  // time-0 cluster also serves `traffic:`.
  model::load::Diagnostics diags;
  auto loaded_scenario = load_inputs(path, options.extra_manifests, options.overrides, diags);
  if (adjust) adjust(loaded_scenario, diags);
  std::vector<double> times = {0};
  for (const auto& probe : loaded_scenario.probes) times.push_back(probe.at);
  // The state after the last change too, though no probe looks at it: a mistake in an entry after
  // the last probe (a Deployment that does not exist, say) is reported, never silently skipped.
  if (!loaded_scenario.timeline.empty()) times.push_back(loaded_scenario.timeline.back().at);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::vector<model::cluster::TimedCluster> clusters;
  if (!diags.has_errors()) clusters = model::cluster::build_timeline(loaded_scenario, times, diags);
  print_diagnostics(diags, err);
  if (diags.has_errors() || clusters.empty()) {
    err << "packetwalk: " << diags.error_count() << " error" << (diags.error_count() == 1 ? "" : "s")
        << "; nothing was simulated\n";
    run.exit_code = kBadInput;
    return run;
  }
  auto& cluster = *clusters.front().cluster;
  const auto& scenario = cluster.scenario();
  const bool timed = !loaded_scenario.timeline.empty();
  run.name = scenario.name;
  run.golden = scenario.golden;
  run.lab = scenario.lab;
  run.probes = loaded_scenario.probes;
  if (scenario.probes.empty()) err << path << ": warning: the scenario has no probes\n";

  struct Clients {
    std::unique_ptr<model::query::ProbeRunner> runner;
    std::unique_ptr<model::ingress::HttpClient> http;
  };
  std::map<const model::cluster::Cluster*, Clients> per_state;
  for (const auto& probe : loaded_scenario.probes) {
    auto at = std::find_if(clusters.begin(), clusters.end(), [&](const auto& c) { return c.at == probe.at; });
    auto& now = *at->cluster;
    // One runner and HTTP client per cluster state, made when its first probe runs: probes at one
    // time share them as every probe of a scenario without a timeline does.
    auto& clients = per_state[&now];
    if (!clients.runner) {
      clients.runner = std::make_unique<model::query::ProbeRunner>(now.topology(), now.spec().seed);
      clients.runner->set_applications(&now.applications());
      clients.http = std::make_unique<model::ingress::HttpClient>(now, now.spec().seed);
    }
    auto& runner = *clients.runner;
    auto& http_client = *clients.http;
    std::optional<render::ProbeReport> report;
    std::string error;
    if (is_http_probe(probe.to, probe.http)) {  // HTTP through ingress/Gateway, both connections (http_exec.h)
      report = execute_http_probe(now, http_client, probe, expectation_text(probe.expect, probe.size), error);
    } else {
      const ProbeInput in = probe_input(probe);
      report = execute_probe(now, runner, in, error);
      if (report && probe.expect.present) {
        auto check = model::dns::check_expectation(probe.expect, report->dns, report->result);
        report->expected = expectation_text(probe.expect, probe.size);
        report->passed = check.passed;
        report->failures = check.failures;
      }
    }
    if (!report) {
      err << model::load::format_diagnostic({model::load::Severity::Error, probe.pos, "probe " + probe.name, error}) << "\n";
      run.exit_code = kBadInput;
      return run;
    }
    if (timed) report->at = probe.at;
    run.reports.push_back(std::move(*report));
    run.sizes.push_back(probe.size);
  }
  for (const auto& r : run.reports) {
    if (!r.passed) run.exit_code = kExpectationFailed;
  }
  std::string traffic_error;  // the scenario's `traffic:` load runs (http_exec.h)
  if (!run_traffic_section(cluster, options.requests_csv, options.requests_json, run.traffic, traffic_error, run.traffic_failed)) {
    err << path << ": error: " << traffic_error << "\n";
    run.exit_code = kBadInput;
  } else if (run.traffic_failed && run.exit_code == kOk) {
    run.exit_code = kExpectationFailed;
  }
  return run;
}

void write_run_text(std::ostream& out, const std::vector<render::ProbeReport>& reports, bool quiet, bool verbose,
                    bool color) {
  std::size_t failed = 0;
  for (const auto& r : reports) {
    failed += r.passed ? 0 : 1;
    if (quiet) {
      out << render::colored(r.passed ? "PASS" : "FAIL", r.passed, color) << " " << r.name
          << (r.at ? " at " + model::load::format_seconds(*r.at) : std::string()) << ": " << r.from << " -> "
          << r.to << " " << render::outcome_name(r) << "\n";
      for (const auto& f : r.failures) out << "  " << f << "\n";
    } else {
      render::write_text(out, r, verbose, color);
      out << "\n";
    }
  }
  out << reports.size() - failed << " passed, " << failed << " failed\n";
}

}  // namespace packetwalk::ui::cli
