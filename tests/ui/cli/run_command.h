#pragma once
// Runs a `packetwalk` subcommand in-process, as main() would, and keeps what it printed.
#include <sstream>
#include <string>

#include "../../../ui/cli/commands.h"

namespace packetwalk::ui::cli::test {

struct Result {
  int code;
  std::string out, err;
};

// `args` as main() passes them: args[0] is the subcommand's name.
inline Result call(int (*cmd)(const Args&, std::ostream&, std::ostream&), const Args& args) {
  std::ostringstream out, err;
  const int code = cmd(args, out, err);
  return {code, out.str(), err.str()};
}

// The same with the subcommand's name put in front of `args`.
inline Result run(int (*cmd)(const Args&, std::ostream&, std::ostream&), const char* name, Args args) {
  args.insert(args.begin(), name);
  return call(cmd, args);
}

}  // namespace packetwalk::ui::cli::test
