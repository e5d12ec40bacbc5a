#include <ostream>

#include "commands.h"
#include "options.h"
#include "packetwalk/version.h"

namespace packetwalk::ui::cli {

int cmd_version(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  if (!parse_args(args, d, pos, vm, out, err, "packetwalk version", help)) return help ? kOk : kBadInput;
  out << "packetwalk " << kVersion << "\n";
  return kOk;
}

}  // namespace packetwalk::ui::cli
