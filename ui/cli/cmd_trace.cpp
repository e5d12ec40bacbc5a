// packetwalk trace: one connection, hop by hop.
#include <iostream>

#include "../render/pcap_writer.h"
#include "commands.h"
#include "http_exec.h"
#include "options.h"
#include "probe_exec.h"

namespace packetwalk::ui::cli {

int cmd_trace(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use (instead of the default)")(
      "from", po::value<std::string>()->required(), "source: NS/POD, POD or node/NODE")(
      "to", po::value<std::string>()->required(), "destination: NS/POD:PORT, svc/NS/SERVICE:PORT (SERVICE:PORT when no pod has that name), "
      "IP:PORT, localhost:PORT, node/NODE:PORT, DNS-NAME:PORT or http://HOST/PATH")(
      "protocol,p", po::value<std::string>()->default_value("tcp"), "tcp, udp or sctp");
  add_namespace_option(d, "namespace for names without one");
  add_http_options(d);  // --to http://HOST/PATH, or --method/--header/--host/--path: an HTTP request (http_exec.h)
  add_output_option(d, "text | json | mermaid");
  d.add_options()("pcap", po::value<std::string>(), "also write the packets as a pcapng capture to FILE");
  add_verbosity_options(d);
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk trace -f PATH... --from NS/POD --to NS/POD:PORT|IP:PORT [-p tcp|udp] [-o text|json|mermaid] [--pcap FILE]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json" && format != "mermaid") {
    err << "packetwalk trace: unknown output format \"" << format << "\" (text, json, mermaid)\n";
    return kBadInput;
  }
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk trace: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;

  std::string http_error;
  const auto http = http_spec_from(vm, http_error);
  if (!http_error.empty()) {
    err << "packetwalk trace: " << http_error << "\n";
    return kBadInput;
  }
  if (is_http_probe(vm["to"].as<std::string>(), http)) return trace_http(*loaded.cluster, vm, http, out, err);

  model::query::ProbeRunner runner(loaded.cluster->topology(), loaded.cluster->spec().seed);
  runner.set_applications(&loaded.cluster->applications());
  ProbeInput in;
  in.from = vm["from"].as<std::string>();
  in.to = vm["to"].as<std::string>();
  in.protocol = vm["protocol"].as<std::string>();
  in.default_namespace = vm["namespace"].as<std::string>();
  std::string error;
  auto report = execute_probe(*loaded.cluster, runner, in, error);
  if (!report) {
    err << "packetwalk trace: " << error << "\n";
    return kBadInput;
  }
  if (vm.count("pcap") && !render::write_pcapng(report->result.trace, vm["pcap"].as<std::string>(), error)) {
    err << "packetwalk trace: " << error << "\n";
    return kBadInput;
  }
  const bool color = use_color(out);
  if (format == "json") {
    out << render::to_json(*report);
  } else if (format == "mermaid") {
    render::write_mermaid(out, *report);
  } else if (vm["quiet"].as<bool>()) {
    const auto& tr = report->result.trace;
    out << report->from << " -> " << report->to << " "
        << render::colored(render::outcome_name(*report), tr.disposition == model::trace::Disposition::Connected, color)
        << " (" << tr.reason << ")\n";
  } else {
    render::write_text(out, *report, vm["verbose"].as<bool>(), color);
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
