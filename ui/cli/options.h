#pragma once
// Boost.Program_options pieces shared by subcommands, with kubectl's habits: -f for files,
// -n for namespace, -o for output format.

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"

namespace packetwalk::ui::cli {

namespace po = boost::program_options;

// The flags every command that builds a cluster shares, spelled the same everywhere:
void add_input_options(po::options_description& d);    // -f/--filename, --cni, --proxy-mode, --seed
void add_namespace_option(po::options_description& d, const char* what);  // -n/--namespace
void add_verbosity_options(po::options_description& d);  // -q/--quiet, -v/--verbose
void add_output_option(po::options_description& d, const std::string& formats,
                       const std::string& default_format = "text");  // -o/--output

// Parses `args` (args[0] = subcommand). Returns false and prints the error (exit 2) on bad usage;
// prints help and sets `help_shown` on --help.
bool parse_args(const Args& args, const po::options_description& visible, const po::positional_options_description& pos,
                po::variables_map& vm, std::ostream& out, std::ostream& err, const std::string& usage, bool& help_shown);

Overrides overrides_from(const po::variables_map& vm);
std::vector<std::string> files_from(const po::variables_map& vm);

}  // namespace packetwalk::ui::cli
