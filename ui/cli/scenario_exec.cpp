#include "scenario_exec.h"

#include <iomanip>
#include <ostream>
#include <sstream>

#include "packetwalk/model/dns/resolve_target.h"
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
  auto loaded = load_cluster(path, options.extra_manifests, options.overrides, err, adjust);
  if (!loaded.cluster) {
    run.exit_code = loaded.exit_code;
    return run;
  }
  auto& cluster = *loaded.cluster;
  const auto& scenario = cluster.scenario();
  run.name = scenario.name;
  run.golden = scenario.golden;
  run.lab = scenario.lab;
  run.probes = scenario.probes;
  if (scenario.probes.empty()) err << path << ": warning: the scenario has no probes\n";

  model::query::ProbeRunner runner(cluster.topology(), cluster.spec().seed);
  runner.set_applications(&cluster.applications());
  model::ingress::HttpClient http_client(cluster, cluster.spec().seed);
  for (const auto& probe : scenario.probes) {
    if (is_http_probe(probe.to, probe.http)) {  // HTTP through ingress/Gateway, both connections (http_exec.h)
      std::string error;
      auto report = execute_http_probe(cluster, http_client, probe, expectation_text(probe.expect, probe.size), error);
      if (!report) {
        err << model::load::format_diagnostic({model::load::Severity::Error, probe.pos, "probe " + probe.name, error}) << "\n";
        run.exit_code = kBadInput;
        return run;
      }
      run.reports.push_back(std::move(*report));
      run.sizes.push_back(probe.size);
      continue;
    }
    ProbeInput in;
    in.name = probe.name;
    in.from = probe.from;
    in.to = probe.to;
    in.protocol = probe.protocol.empty() ? "TCP" : probe.protocol;
    in.size = probe.size;
    std::string error;
    auto report = execute_probe(cluster, runner, in, error);
    if (!report) {
      err << model::load::format_diagnostic({model::load::Severity::Error, probe.pos, "probe " + probe.name, error}) << "\n";
      run.exit_code = kBadInput;
      return run;
    }
    if (probe.expect.present) {
      auto check = model::dns::check_expectation(probe.expect, report->dns, report->result);
      report->expected = expectation_text(probe.expect, probe.size);
      report->passed = check.passed;
      report->failures = check.failures;
    }
    run.reports.push_back(std::move(*report));
    run.sizes.push_back(probe.size);
  }
  for (const auto& r : run.reports) {
    if (!r.passed) run.exit_code = kExpectationFailed;
  }
  std::string traffic_error;  // the scenario's `traffic:` load runs (http_exec.h)
  if (!run_traffic_section(cluster, options.requests_csv, run.traffic, traffic_error, run.traffic_failed)) {
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
      out << render::colored(r.passed ? "PASS" : "FAIL", r.passed, color) << " " << r.name << ": " << r.from << " -> "
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
