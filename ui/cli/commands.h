#pragma once
// One function per subcommand; each parses its own arguments (argv[0] is the subcommand name)
// and returns the process exit code. Output goes to `out`, diagnostics and errors to `err`.

#include <iosfwd>
#include <string>
#include <vector>

namespace packetwalk::ui::cli {

using Args = std::vector<std::string>;

int cmd_trace(const Args& args, std::ostream& out, std::ostream& err);
int cmd_dns(const Args& args, std::ostream& out, std::ostream& err);
int cmd_run(const Args& args, std::ostream& out, std::ostream& err);
int cmd_test(const Args& args, std::ostream& out, std::ostream& err);
int cmd_diagnose(const Args& args, std::ostream& out, std::ostream& err);
int cmd_graph(const Args& args, std::ostream& out, std::ostream& err);
int cmd_rules(const Args& args, std::ostream& out, std::ostream& err);
int cmd_version(const Args& args, std::ostream& out, std::ostream& err);
int cmd_reach(const Args& args, std::ostream& out, std::ostream& err);
int cmd_explain(const Args& args, std::ostream& out, std::ostream& err);
int cmd_materialize(const Args& args, std::ostream& out, std::ostream& err);
int cmd_verify(const Args& args, std::ostream& out, std::ostream& err);
int cmd_routes(const Args& args, std::ostream& out, std::ostream& err);
int cmd_lint(const Args& args, std::ostream& out, std::ostream& err);
int cmd_diff(const Args& args, std::ostream& out, std::ostream& err);
int cmd_generate(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace packetwalk::ui::cli
