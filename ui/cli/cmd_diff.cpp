// packetwalk diff: the connections a change opens and closes, for a reviewer. Each version is
// loaded as `reach` loads it and judged by reach's own code (model/query/reachability_diff.h);
// this file only reads the command line and picks the writer (diff_output.h).
#include <iostream>
#include <set>
#include <sstream>

#include "commands.h"
#include "diff_output.h"
#include "options.h"
#include "progress.h"
#include "suite.h"

namespace packetwalk::ui::cli {

namespace {

// One version: a scenario file (kind Scenario) with its cluster, or manifests with the default one.
Loaded load_version(const std::string& path, const Overrides& overrides, std::ostream& err) {
  if (is_scenario_file(path)) return load_cluster(path, {}, overrides, err);
  return load_cluster(std::nullopt, {path}, overrides, err);
}

// Diagnostics of the second version that the first already printed (the same file loaded twice
// under two CNIs) are not repeated.
void print_new_lines(const std::string& first, const std::string& second, std::ostream& err) {
  std::set<std::string> seen;
  std::istringstream a(first), b(second);
  for (std::string line; std::getline(a, line);) seen.insert(line);
  for (std::string line; std::getline(b, line);)
    if (!seen.count(line)) err << line << "\n";
}

}  // namespace

int cmd_diff(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  d.add_options()("cni", po::value<std::string>(), "CNI plugin for both versions (default: each scenario's, else flannel)")(
      "against-cni", po::value<std::string>(),
      "compare PATH under --cni (or its own CNI) with PATH under this CNI: the flows whose verdict the CNI changes")(
      "proxy-mode", po::value<std::string>(), "kube-proxy mode: iptables (default), nftables or ipvs")(
      "seed", po::value<std::uint64_t>(), "random seed (default: the scenario's, else 1)")(
      "port", po::value<std::vector<std::string>>()->composing(),
      "PORT[/PROTOCOL] to check towards every pod, on top of the ports either version of it declares (repeatable)")(
      "services", po::bool_switch(), "also compare pod -> Service flows (per Service port and backend)")(
      "namespace,n", po::value<std::string>(), "only pods (and Services) of this namespace (default: all but kube-system)")(
      "all-namespaces,A", po::bool_switch(), "include kube-system");
  add_output_option(d, "text | json | md", "text");
  add_progress_option(d);
  d.add_options()("path", po::value<std::vector<std::string>>()->composing(),
                  "OLD_PATH NEW_PATH (positional; each a scenario file, or a manifest file or directory)");
  po::positional_options_description pos;
  pos.add("path", -1);
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk diff OLD_PATH NEW_PATH [--services] [--port 80/TCP]... [-n NS] [-o text|json|md]\n"
      "       packetwalk diff PATH --cni calico --against-cni cilium [-o text|json|md]\n"
      "Each PATH is a scenario file, or a manifest file or directory as `reach -f` reads it.\n"
      "Exit status: 0 no flow changed, 1 flows opened or closed (like diff(1)), 2 bad input.";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "text" && format != "json" && format != "md") {
    err << "packetwalk diff: unknown output format \"" << format << "\" (text, json, md)\n";
    return kBadInput;
  }
  const auto paths = vm.count("path") ? vm["path"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const bool cni_mode = vm.count("against-cni") > 0;
  if (cni_mode ? paths.size() != 1 : paths.size() != 2) {
    err << "packetwalk diff: " << (cni_mode ? "--against-cni compares one PATH under two CNIs: give one PATH"
                                            : "give two paths, OLD_PATH and NEW_PATH (or one PATH with --against-cni)")
        << " (got " << paths.size() << ")\nUsage: " << usage << "\n";
    return kBadInput;
  }
  model::query::DiffOptions options;
  if (vm.count("port")) {
    for (const auto& text : vm["port"].as<std::vector<std::string>>()) {
      std::string error;
      auto p = model::query::parse_reach_port(text, error);
      if (!p) {
        err << "packetwalk diff: --port " << error << "\n";
        return kBadInput;
      }
      options.reach.ports.push_back(*p);
    }
  }
  if (vm.count("namespace")) options.reach.namespace_ = vm["namespace"].as<std::string>();
  options.reach.all_namespaces = vm["all-namespaces"].as<bool>();
  options.services = vm["services"].as<bool>();

  ProgressBar bar(err, "diff", 0, progress_wanted(vm, out, err));  // counts from here: loading is work too
  options.reach.progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  Overrides before = overrides_from(vm), after = before;
  if (cni_mode) after.cni = vm["against-cni"].as<std::string>();
  const std::string old_path = paths[0], new_path = cni_mode ? paths[0] : paths[1];
  std::ostringstream err_old, err_new;
  auto old_version = load_version(old_path, before, err_old);
  auto new_version = load_version(new_path, after, err_new);
  err << err_old.str();
  print_new_lines(err_old.str(), err_new.str(), err);
  if (!old_version.cluster || !new_version.cluster) {
    const bool old_failed = !old_version.cluster;
    const auto& cni = old_failed ? before.cni : after.cni;
    err << "packetwalk diff: cannot build the " << (old_failed ? "old" : "new") << " version ("
        << (old_failed ? old_path : new_path) << (cni ? " under CNI " + *cni : std::string()) << ")\n";
    return kBadInput;
  }

  const auto diff = model::query::compute_reach_diff(*old_version.cluster, *new_version.cluster, options);
  bar.clear();
  const DiffLabels labels{old_path, new_path, options.services};
  if (format == "json") write_diff_json(out, diff, labels);
  else if (format == "md") write_diff_markdown(out, diff, labels);
  else write_diff_text(out, diff, labels);
  return diff.changes.empty() ? kOk : kExpectationFailed;
}

}  // namespace packetwalk::ui::cli
