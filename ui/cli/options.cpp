#include "options.h"

#include <ostream>

namespace packetwalk::ui::cli {

void add_input_options(po::options_description& d) {
  d.add_options()("filename,f", po::value<std::vector<std::string>>()->composing(),
                  "manifest file or directory (repeatable; directories are read recursively)")(
      "cni", po::value<std::string>(), "CNI plugin: flannel (default; enforces no NetworkPolicy) or calico")(
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

bool parse_args(const Args& args, const po::options_description& visible, const po::positional_options_description& pos,
                po::variables_map& vm, std::ostream& out, std::ostream& err, const std::string& usage, bool& help_shown) {
  po::options_description all;
  all.add(visible);
  all.add_options()("help,h", "show this help");
  help_shown = false;
  try {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    po::store(po::command_line_parser(rest).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
      out << "Usage: " << usage << "\n\n" << visible << "  -h [ --help ]          show this help\n";
      help_shown = true;
      return false;
    }
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
