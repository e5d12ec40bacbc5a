// packetwalk graph: the cluster's topology as a picture (Graphviz DOT or a Mermaid flowchart).
#include <algorithm>
#include <iostream>

#include "../render/topology_graph.h"
#include "commands.h"
#include "options.h"

namespace packetwalk::ui::cli {

namespace {

// -n keeps the pods and Services of one namespace; devices, nodes and hosts stay.
void keep_namespace(render::Graph& g, const std::string& ns) {
  auto foreign = [&](const std::string& id) {
    for (const char* prefix : {"pod:", "svc:"}) {
      if (id.rfind(prefix, 0) == 0) return id.compare(4, ns.size() + 1, ns + "/") != 0;
    }
    return false;
  };
  for (auto& grp : g.groups) {
    std::erase_if(grp.vertices, [&](const render::GraphVertex& v) { return foreign(v.id); });
  }
  std::erase_if(g.vertices, [&](const render::GraphVertex& v) { return foreign(v.id); });
  std::erase_if(g.edges, [&](const render::GraphEdge& e) { return foreign(e.from) || foreign(e.to); });
}

}  // namespace

int cmd_graph(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to draw");
  d.add_options()("namespace,n", po::value<std::string>(), "only pods and Services of this namespace (default: all)");
  add_output_option(d, "dot | mermaid", "dot");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk graph -f PATH... [--scenario FILE] [-n NAMESPACE] [-o dot|mermaid]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "dot" && format != "mermaid") {
    err << "packetwalk graph: unknown output format \"" << format << "\" (dot, mermaid)\n";
    return kBadInput;
  }
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk graph: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  auto graph = render::build_topology_graph(*loaded.cluster);
  if (vm.count("namespace")) keep_namespace(graph, vm["namespace"].as<std::string>());
  if (format == "dot") {
    render::write_dot(out, graph);
  } else {
    render::write_mermaid_flowchart(out, graph);
  }
  return kOk;
}

}  // namespace packetwalk::ui::cli
