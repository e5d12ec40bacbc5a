// packetwalk run: a scenario's probes, each checked against its expectation.
#include <filesystem>
#include <iostream>
#include <set>

#include "../render/pcap_writer.h"
#include "commands.h"
#include "options.h"
#include "probe_exec.h"
#include "scenario_exec.h"

namespace packetwalk::ui::cli {

namespace {

// One capture per probe in `dir` (created if missing); names from the probes, made unique.
bool write_captures(const std::string& dir, const std::vector<render::ProbeReport>& reports, std::ostream& err) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    err << "packetwalk run: cannot create " << dir << ": " << ec.message() << "\n";
    return false;
  }
  std::set<std::string> used;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    std::string name = render::capture_file_name(reports[i].name, i);
    for (int n = 2; used.count(name); ++n) name = render::capture_file_name(reports[i].name + "-" + std::to_string(n), i);
    used.insert(name);
    std::string error;
    if (!render::write_pcapng(reports[i].result.trace, (std::filesystem::path(dir) / name).string(), error)) {
      err << "packetwalk run: " << error << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int cmd_run(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  d.add_options()("scenario", po::value<std::string>()->required(), "scenario file (positional)");
  add_input_options(d);
  add_output_option(d, "text | json | mermaid");
  d.add_options()("pcap", po::value<std::string>(), "also write one pcapng capture per probe into DIR");
  d.add_options()("requests-csv", po::value<std::string>(), "write every request of the scenario's traffic runs as CSV to FILE");
  d.add_options()("requests-json", po::value<std::string>(), "write the same records as JSON (packetwalk/requests/v1) to FILE");
  add_verbosity_options(d);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk run SCENARIO.yaml [-f PATH...] [-o text|json|mermaid] [--pcap DIR] [--requests-csv FILE] [--requests-json FILE] [-q]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json" && format != "mermaid") {
    err << "packetwalk run: unknown output format \"" << format << "\" (text, json, mermaid)\n";
    return kBadInput;
  }
  const std::string path = vm["scenario"].as<std::string>();
  ScenarioRunOptions options;
  options.extra_manifests = files_from(vm);
  options.overrides = overrides_from(vm);
  if (vm.count("requests-csv")) options.requests_csv = vm["requests-csv"].as<std::string>();
  if (vm.count("requests-json")) options.requests_json = vm["requests-json"].as<std::string>();
  auto run = run_scenario(path, options, err);
  if (run.exit_code == kBadInput) return kBadInput;
  const auto& reports = run.reports;
  if (vm.count("pcap") && !write_captures(vm["pcap"].as<std::string>(), reports, err)) return kBadInput;

  std::size_t failed = 0;
  for (const auto& r : reports) failed += r.passed ? 0 : 1;
  if (format == "json") {
    out << render::to_json(path, reports);
  } else if (format == "mermaid") {
    render::write_mermaid_markdown(out, reports);
  } else {
    write_run_text(out, reports, vm["quiet"].as<bool>(), vm["verbose"].as<bool>(), use_color(out));
    out << run.traffic;  // the `traffic:` load runs' summary, if any
  }
  return failed || run.traffic_failed ? kExpectationFailed : kOk;
}

}  // namespace packetwalk::ui::cli
