#include "options.h"

#include <ostream>

#include "suite.h"

namespace packetwalk::ui::cli {

void add_input_options(po::options_description& d) {
  d.add_options()("filename,f", po::value<std::vector<std::string>>()->composing(),
                  "manifest file or directory (repeatable; directories are read recursively)")(
      "cni", po::value<std::string>(), "CNI plugin: flannel (default; enforces no NetworkPolicy), calico or cilium")(
      "proxy-mode", po::value<std::string>(), "kube-proxy mode: iptables (default), nftables or ipvs")(
      "seed", po::value<std::uint64_t>(), "random seed (default: the scenario's, else 1)");
}

void add_namespace_option(po::options_description& d, const char* what) {
  d.add_options()("namespace,n", po::value<std::string>()->default_value("default"), what);
}

void add_verbosity_options(po::options_description& d) {
  d.add_options()("quiet,q", po::bool_switch(), "print only the result line per probe")(
      "verbose,v", po::bool_switch(), "also show netfilter hooks where no rule matched");
}

void add_output_option(po::options_description& d, const std::string& formats, const std::string& default_format) {
  d.add_options()("output,o", po::value<std::string>()->default_value(default_format), ("output format: " + formats).c_str());
}

namespace {

// Moves bare paths into --scenario (a file saying `kind: Scenario`) or -f (anything else, so that
// a missing file is reported by the loader, naming it). Two scenarios are one too many.
void sort_input_paths(po::variables_map& vm) {
  if (!vm.count("input-path")) return;
  for (const auto& path : vm["input-path"].as<std::vector<std::string>>()) {
    if (is_scenario_file(path)) {
      if (vm.count("scenario")) {
        throw po::error("give one scenario file (got " + vm["scenario"].as<std::string>() + " and " + path + ")");
      }
      vm.emplace("scenario", po::variable_value(boost::any(path), false));
    } else if (vm.count("filename")) {
      vm.at("filename").as<std::vector<std::string>>().push_back(path);
    } else {
      vm.emplace("filename", po::variable_value(boost::any(std::vector<std::string>{path}), false));
    }
  }
}

}  // namespace

bool parse_args(const Args& args, const po::options_description& visible, const po::positional_options_description& pos,
                po::variables_map& vm, std::ostream& out, std::ostream& err, const std::string& usage, bool& help_shown) {
  po::options_description all;
  all.add(visible);
  all.add_options()("help,h", "show this help");
  // A command that reads --scenario and -f and names no positional of its own also takes bare
  // paths, as `run` and `diff` do: `packetwalk trace lab.yaml --from ...` is what people type.
  const bool takes_paths = pos.max_total_count() == 0 && visible.find_nothrow("scenario", false) &&
                           visible.find_nothrow("filename", false);
  po::positional_options_description paths_pos;
  if (takes_paths) {
    all.add_options()("input-path", po::value<std::vector<std::string>>()->composing(), "");
    paths_pos.add("input-path", -1);
  }
  help_shown = false;
  try {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    po::store(po::command_line_parser(rest).options(all).positional(takes_paths ? paths_pos : pos).run(), vm);
    if (vm.count("help")) {
      out << "Usage: " << usage << "\n\n" << visible << "  -h [ --help ]          show this help\n";
      if (takes_paths) {
        out << "\nA bare PATH is a scenario file (as --scenario) or a manifest file or directory (as -f).\n";
      }
      help_shown = true;
      return false;
    }
    if (takes_paths) sort_input_paths(vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "packetwalk " << args[0] << ": " << e.what() << "\nUsage: " << usage << "\n";
    return false;
  }
  return true;
}

Overrides overrides_from(const po::variables_map& vm) {
  Overrides o;
  if (vm.count("proxy-mode")) o.proxy_mode = vm["proxy-mode"].as<std::string>();
  if (vm.count("seed")) o.seed = vm["seed"].as<std::uint64_t>();
  if (vm.count("cni")) o.cni = vm["cni"].as<std::string>();
  return o;
}

std::vector<std::string> files_from(const po::variables_map& vm) {
  if (!vm.count("filename")) return {};
  return vm["filename"].as<std::vector<std::string>>();
}

}  // namespace packetwalk::ui::cli
