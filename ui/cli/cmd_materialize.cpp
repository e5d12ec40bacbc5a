// packetwalk materialize: prints the shell script that builds the model's datapath in real network
// namespaces (or the one that removes it). It runs nothing; `packetwalk verify` runs it.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "packetwalk/model/kernel/materialize.h"

namespace packetwalk::ui::cli {

int cmd_materialize(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file (positional)")(
      "prefix", po::value<std::string>()->default_value("pw"), "namespace name prefix (a-z, 0-9, '-'; 1-20 chars)");
  add_output_option(d, "script | teardown | names");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk materialize SCENARIO.yaml | -f PATH... [--prefix P] [-o script|teardown|names]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk materialize: give a scenario file or manifests with -f PATH\nUsage: " << usage << "\n";
    return kBadInput;
  }
  std::string format = vm["output"].as<std::string>();
  if (format == "text") format = "script";  // the shared -o option defaults to "text"
  if (format != "script" && format != "teardown" && format != "names") {
    err << "packetwalk materialize: unknown output \"" << format << "\" (script, teardown, names)\n";
    return kBadInput;
  }
  model::kernel::MaterializeOptions options;
  options.prefix = vm["prefix"].as<std::string>();
  if (auto bad = model::kernel::check_prefix(options.prefix)) {
    err << "packetwalk materialize: bad --prefix \"" << options.prefix << "\": " << *bad << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  if (loaded.cluster->spec().cni == "cilium") {
    err << "packetwalk materialize: cni cilium cannot be replayed in a real kernel: its datapath (bpf_lxc, bpf_overlay, its tunnel and policy maps) is eBPF programs that cilium-agent compiles and loads, which packetwalk does not reproduce; simulate it with run, trace or reach (nothing was done)\n";
    return kBadInput;
  }
  const auto m = model::kernel::materialize(*loaded.cluster, options);
  for (const auto& l : m.limitations) err << "packetwalk materialize: limitation: " << l << "\n";
  if (format == "script") {
    out << m.setup_script;
  } else if (format == "teardown") {
    out << m.teardown_script;
  } else {
    for (const auto& n : m.namespaces) out << n.real_name << "\t" << (n.model_name.empty() ? "(switch)" : n.model_name) << "\n";
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
