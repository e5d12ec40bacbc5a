// packetwalk trace: one connection, hop by hop.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "probe_exec.h"

namespace packetwalk::ui::cli {

int cmd_trace(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use (instead of the default)")(
      "from", po::value<std::string>()->required(), "source: NS/POD, POD or node/NODE")(
      "to", po::value<std::string>()->required(), "destination: NS/POD:PORT, IP:PORT, localhost:PORT, SERVICE:PORT")(
      "protocol,p", po::value<std::string>()->default_value("tcp"), "tcp, udp or sctp")(
      "namespace,n", po::value<std::string>()->default_value("default"), "namespace for names without one")(
      "verbose,v", po::bool_switch(), "also show netfilter hooks where no rule matched");
  add_output_option(d, "text | json");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk trace -f PATH... --from NS/POD --to NS/POD:PORT|IP:PORT [-p tcp|udp] [-o text|json]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json") {
    err << "packetwalk trace: unknown output format \"" << format << "\" (text, json)\n";
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

  model::query::ProbeRunner runner(loaded.cluster->topology(), loaded.cluster->spec().seed);
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
  if (format == "json") {
    out << render::to_json(*report);
  } else {
    render::write_text(out, *report, vm["verbose"].as<bool>());
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
