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
      {"rules", {cmd_rules, "print a node's iptables rules as iptables-save would"}},
      {"run", {cmd_run, "run a scenario's probes and check their expectations"}},
      {"trace", {cmd_trace, "trace one connection hop by hop through the cluster"}},
      {"version", {cmd_version, "print the version"}},
  };
  return table;
}

void usage(std::ostream& out) {
  out << "packetwalk - a Kubernetes networking simulator: trace packets hop by hop through a model\n"
         "of the cluster your manifests describe.\n\nUsage: packetwalk COMMAND [options]\n\nCommands:\n";
  for (const auto& [name, entry] : commands()) out << "  " << name << std::string(10 - name.size(), ' ') << entry.second << "\n";
  out << "\nRun 'packetwalk COMMAND --help' for a command's options.\n"
         "Exit codes: 0 ok, 1 an expectation failed, 2 bad input, 3 internal error.\n";
}

}  // namespace

int main(int argc, char** argv) {
  Args args(argv + 1, argv + argc);
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
