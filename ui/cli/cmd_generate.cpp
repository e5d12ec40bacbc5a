// packetwalk generate: a synthetic cluster of a given size as YAML manifests, for trying reach,
// lint and diff at the scale of real clusters (model/load/synthetic.h). Same flags and seed, same
// bytes.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "../render/atomic_file.h"
#include "commands.h"
#include "options.h"
#include "packetwalk/model/load/synthetic.h"

namespace packetwalk::ui::cli {

int cmd_generate(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  d.add_options()("nodes", po::value<int>()->default_value(3), "Node objects (node-00001 ...)")(
      "namespaces", po::value<int>()->default_value(3), "labelled Namespaces (team, env)")(
      "pods", po::value<int>()->default_value(30), "pods, as Deployments of 1-8 replicas")(
      "services", po::value<int>()->default_value(5), "Services selecting those Deployments")(
      "policies", po::value<int>()->default_value(10), "NetworkPolicies, spread over the namespaces")(
      "label-variety", po::value<int>()->default_value(8), "distinct app labels per namespace")(
      "seed", po::value<std::uint64_t>()->default_value(1), "random seed (same seed, same output)")(
      "output,o", po::value<std::string>(), "write to FILE, or to DIR/{nodes,namespaces,workloads,services,policies}.yaml "
                                            "when it is an existing directory or ends in '/' (default: stdout)");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk generate --nodes N --namespaces N --pods N --services N --policies N [--label-variety N] [--seed S] [-o DIR|FILE]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  model::load::SyntheticSpec spec;
  spec.nodes = vm["nodes"].as<int>();
  spec.namespaces = vm["namespaces"].as<int>();
  spec.pods = vm["pods"].as<int>();
  spec.services = vm["services"].as<int>();
  spec.policies = vm["policies"].as<int>();
  spec.label_variety = vm["label-variety"].as<int>();
  spec.seed = vm["seed"].as<std::uint64_t>();
  if (auto why = model::load::check_synthetic_spec(spec)) {
    err << "packetwalk generate: " << *why << "\n";
    return kBadInput;
  }
  const auto cluster = model::load::generate_synthetic(spec);
  if (!vm.count("output") || vm["output"].as<std::string>() == "-") {
    out << cluster.joined();
    return kOk;
  }
  namespace fs = std::filesystem;
  const std::string target = vm["output"].as<std::string>();
  std::error_code ec;
  const bool dir = fs::is_directory(target, ec) || target.back() == '/';
  auto write = [&](const fs::path& path, const std::string& text) {
    std::string error;
    if (render::write_file_atomically(path.string(), text, error)) return true;
    err << "packetwalk generate: " << error << "\n";
    return false;
  };
  if (!dir) return write(target, cluster.joined()) ? kOk : kBadInput;
  fs::create_directories(target, ec);
  if (ec) {
    err << "packetwalk generate: cannot create directory " << target << ": " << ec.message() << "\n";
    return kBadInput;
  }
  for (const auto& [name, yaml] : cluster.parts)
    if (!write(fs::path(target) / (name + ".yaml"), yaml)) return kBadInput;
  return kOk;
}

}  // namespace packetwalk::ui::cli
