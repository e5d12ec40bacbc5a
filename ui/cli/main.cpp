// packetwalk: subcommand dispatch only. Each subcommand lives in its own cmd_*.cpp.
#include <exception>
#include <iostream>
#include <map>

#include "commands.h"
#include "common.h"

namespace {

using packetwalk::ui::cli::Args;
using Command = int (*)(const Args&, std::ostream&, std::ostream&);

const std::map<std::string, std::pair<Command, const char*>>& commands() {
  using namespace packetwalk::ui::cli;
  static const std::map<std::string, std::pair<Command, const char*>> table = {
      {"graph", {cmd_graph, "draw the cluster's topology as Graphviz DOT or a Mermaid flowchart"}},
      {"diff", {cmd_diff, "the connections a change opens and closes, or a CNI change (exit 1 when any)"}},
      {"diagnose", {cmd_diagnose, "walk the troubleshooting checklist for a connection; name the layer that fails"}},
      {"dns", {cmd_dns, "look a name up from a pod as its resolver does, each query through the datapath"}},
      {"explain", {cmd_explain, "say why NetworkPolicy allows or denies a connection, and how to change it"}},
      {"generate", {cmd_generate, "write a synthetic cluster of a given size as manifests (for scale work)"}},
      {"lint", {cmd_lint, "find NetworkPolicies and Services that cannot work as written (exit 1 when any)"}},
      {"materialize", {cmd_materialize, "print a shell script that builds the cluster in real network namespaces"}},
      {"reach", {cmd_reach, "which pods can connect to which, per port (NetworkPolicy truth tables)"}},
      {"routes", {cmd_routes, "print the HTTP routing tables of the ingress controller and Gateways; route one request"}},
      {"rules", {cmd_rules, "print a node's iptables rules as iptables-save would"}},
      {"run", {cmd_run, "run a scenario's probes and check their expectations"}},
      {"test", {cmd_test, "run every scenario under the given paths in parallel; JUnit XML for CI"}},
      {"trace", {cmd_trace, "trace one connection hop by hop through the cluster"}},
      {"verify", {cmd_verify, "build the cluster in network namespaces and check the model against the kernel"}},
      {"version", {cmd_version, "print the version"}},
  };
  return table;
}

void usage(std::ostream& out) {
  out << "packetwalk - a Kubernetes networking simulator: trace packets hop by hop through a model\n"
         "of the cluster your manifests describe.\n\nUsage: packetwalk COMMAND [options]\n\nCommands:\n";
  for (const auto& [name, entry] : commands()) out << "  " << name << std::string(name.size() < 12 ? 13 - name.size() : 1, ' ') << entry.second << "\n";
  out << "\nRun 'packetwalk COMMAND --help' for a command's options.\n"
         "Results go to stdout, errors and diagnostics to stderr. Colour only on a terminal, never with NO_COLOR set.\n"
         "Exit codes: 0 ok, 1 an expectation failed, 2 bad input, 3 internal error,\n"
         "4 cannot verify on this machine (verify: not root, no network namespaces).\n";
}

}  // namespace

int main(int argc, char** argv) {
  Args args(argv + 1, argv + argc);
  // "packetwalk help CMD" is "packetwalk CMD --help".
  if (args.size() == 2 && args[0] == "help") args = {args[1], "--help"};
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    usage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? packetwalk::ui::cli::kBadInput : 0;
  }
  if (args[0] == "--version") args[0] = "version";
  auto it = commands().find(args[0]);
  if (it == commands().end()) {
    std::cerr << "packetwalk: unknown command \"" << args[0] << "\"\n\n";
    usage(std::cerr);
    return packetwalk::ui::cli::kBadInput;
  }
  try {
    return it->second.first(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "packetwalk: internal error: " << e.what() << "\nPlease report this with the input that caused it.\n";
    return packetwalk::ui::cli::kInternalError;
  }
}
