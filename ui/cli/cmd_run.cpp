// packetwalk run: a scenario's probes, each checked against its expectation.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "packetwalk/model/query/expectation.h"
#include "probe_exec.h"

namespace packetwalk::ui::cli {

int cmd_run(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  d.add_options()("scenario", po::value<std::string>()->required(), "scenario file (positional)")(
      "proxy-mode", po::value<std::string>(), "override the scenario's kube-proxy mode")(
      "seed", po::value<std::uint64_t>(), "override the scenario's random seed")(
      "verbose,v", po::bool_switch(), "also show netfilter hooks where no rule matched")(
      "quiet,q", po::bool_switch(), "print only the summary line per probe");
  add_output_option(d, "text | json");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk run SCENARIO.yaml [-o text|json] [--proxy-mode MODE] [-q]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json") {
    err << "packetwalk run: unknown output format \"" << format << "\" (text, json)\n";
    return kBadInput;
  }
  const std::string path = vm["scenario"].as<std::string>();
  auto loaded = load_cluster(path, {}, overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  auto& cluster = *loaded.cluster;
  if (cluster.scenario().probes.empty()) err << path << ": warning: the scenario has no probes\n";

  model::query::ProbeRunner runner(cluster.topology(), cluster.spec().seed);
  std::vector<render::ProbeReport> reports;
  for (const auto& probe : cluster.scenario().probes) {
    ProbeInput in;
    in.name = probe.name;
    in.from = probe.from;
    in.to = probe.to;
    in.protocol = probe.protocol.empty() ? "TCP" : probe.protocol;
    std::string error;
    auto report = execute_probe(cluster, runner, in, error);
    if (!report) {
      err << model::load::format_diagnostic({model::load::Severity::Error, probe.pos, "probe " + probe.name, error}) << "\n";
      return kBadInput;
    }
    if (probe.expect.present) {
      auto check = model::query::check_expectation(probe.expect, report->result);
      report->expected = probe.expect.outcome;
      for (const auto& v : probe.expect.via) report->expected += " via " + v;
      if (!probe.expect.backend.empty()) report->expected += " backend " + probe.expect.backend;
      report->passed = check.passed;
      report->failures = check.failures;
    }
    reports.push_back(std::move(*report));
  }

  std::size_t failed = 0;
  for (const auto& r : reports) failed += r.passed ? 0 : 1;
  if (format == "json") {
    out << render::to_json(path, reports);
  } else {
    const bool quiet = vm["quiet"].as<bool>();
    for (const auto& r : reports) {
      if (quiet) {
        out << (r.passed ? "PASS " : "FAIL ") << r.name << ": " << r.from << " -> " << r.to << " "
            << model::trace::disposition_name(r.result.trace.disposition) << "\n";
        for (const auto& f : r.failures) out << "  " << f << "\n";
      } else {
        render::write_text(out, r, vm["verbose"].as<bool>());
        out << "\n";
      }
    }
    out << reports.size() - failed << " passed, " << failed << " failed\n";
  }
  return failed ? kExpectationFailed : kOk;
}

}  // namespace packetwalk::ui::cli
