// packetwalk diagnose: the troubleshooting checklist (CNI, kube-proxy, DNS, NetworkPolicy, then
// the connection) for one connection, stopping at the first layer that fails.
#include <iostream>
#include <nlohmann/json.hpp>

#include "../render/trace_render.h"
#include "commands.h"
#include "options.h"
#include "packetwalk/model/query/diagnose.h"

namespace packetwalk::ui::cli {

namespace {

using model::query::Diagnosis;
using model::query::StepStatus;

std::string probe_line(const model::query::DiagnoseProbe& p) {
  std::string s = p.purpose + ": " + p.from + " -> " + p.to + " " +
                  std::string(model::trace::disposition_name(p.result.trace.disposition));
  if (p.result.trace.disposition != model::trace::Disposition::Connected) s += " (" + p.result.trace.reason + ")";
  return s;
}

void write_text(std::ostream& out, const Diagnosis& d, bool color) {
  out << "diagnose " << d.from << " -> " << d.to << "\n";
  out << "target: " << d.target << "\n";
  int n = 0;
  for (const auto& s : d.steps) {
    out << "\n" << ++n << ". " << s.title << ": ";
    switch (s.status) {
      case StepStatus::Ok: out << render::colored("ok", true, color); break;
      case StepStatus::Failed: out << render::colored("FAILED", false, color) << " (" << s.layer << ")"; break;
      case StepStatus::Skipped: out << "skipped"; break;
      case StepStatus::NotChecked: out << "not checked"; break;
    }
    out << "\n";
    if (s.status == StepStatus::NotChecked) continue;
    if (!s.summary.empty()) out << "   " << s.summary << "\n";
    for (const auto& c : s.checked) out << "   checked:  " << c << "\n";
    for (const auto& p : s.probes) out << "   probe:    " << probe_line(p) << "\n";
    for (const auto& e : s.evidence) out << "   evidence: " << e << "\n";
    if (!s.fix.empty()) out << "   fix:      " << s.fix << "\n";
  }
  out << "\nverdict: " << render::colored(d.verdict, d.failed_layer.empty(), color) << "\n";
}

std::string to_json(const Diagnosis& d) {
  nlohmann::ordered_json j;
  j["schema"] = "packetwalk/diagnose/v1";
  j["from"] = d.from;
  j["to"] = d.to;
  j["target"] = d.target;
  j["healthy"] = d.failed_layer.empty();
  j["failed_layer"] = d.failed_layer.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.failed_layer);
  j["verdict"] = d.verdict;
  j["steps"] = nlohmann::ordered_json::array();
  for (const auto& s : d.steps) {
    nlohmann::ordered_json step;
    step["layer"] = s.layer;
    step["title"] = s.title;
    step["status"] = std::string(model::query::step_status_name(s.status));
    step["summary"] = s.summary;
    step["checked"] = s.checked;
    step["evidence"] = s.evidence;
    step["fix"] = s.fix;
    step["probes"] = nlohmann::ordered_json::array();
    for (const auto& p : s.probes) {
      nlohmann::ordered_json probe;
      probe["purpose"] = p.purpose;
      probe["from"] = p.from;
      probe["to"] = p.to;
      if (p.size) probe["size"] = p.size;
      probe["disposition"] = std::string(model::trace::disposition_name(p.result.trace.disposition));
      probe["reason"] = p.result.trace.reason;
      step["probes"].push_back(std::move(probe));
    }
    j["steps"].push_back(std::move(step));
  }
  return j.dump(2) + "\n";
}

}  // namespace

int cmd_diagnose(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster (and faults) to use")(
      "from", po::value<std::string>()->required(), "source: NS/POD, POD, node/NODE or external/HOST")(
      "to", po::value<std::string>()->required(),
      "destination: SERVICE[:PORT], NS/SERVICE, a DNS name, NS/POD[:PORT], node/NODE:NODEPORT or IP:PORT")(
      "protocol,p", po::value<std::string>()->default_value("tcp"), "tcp, udp or sctp");
  add_namespace_option(d, "namespace for names without one");
  add_output_option(d, "text | json");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk diagnose -f PATH...|--scenario FILE --from SRC --to DST[:PORT] [-p tcp|udp] [-o text|json]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json") {
    err << "packetwalk diagnose: unknown output format \"" << format << "\" (text, json)\n";
    return kBadInput;
  }
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk diagnose: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  model::query::ProbeRunner runner(loaded.cluster->topology(), loaded.cluster->spec().seed);
  runner.set_applications(&loaded.cluster->applications());
  model::query::DiagnoseRequest request;
  request.from = vm["from"].as<std::string>();
  request.to = vm["to"].as<std::string>();
  request.protocol = vm["protocol"].as<std::string>();
  request.default_namespace = vm["namespace"].as<std::string>();
  std::string error;
  auto diagnosis = model::query::diagnose(*loaded.cluster, runner, request, error);
  if (!diagnosis) {
    err << "packetwalk diagnose: " << error << "\n";
    return kBadInput;
  }
  if (format == "json") out << to_json(*diagnosis);
  else write_text(out, *diagnosis, use_color(out));
  return diagnosis->failed_layer.empty() ? kOk : kExpectationFailed;
}

}  // namespace packetwalk::ui::cli
