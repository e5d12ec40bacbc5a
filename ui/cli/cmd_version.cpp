#include <ostream>

#include "commands.h"
#include "packetwalk/version.h"

namespace packetwalk::ui::cli {

int cmd_version(const Args&, std::ostream& out, std::ostream&) {
  out << "packetwalk " << kVersion << "\n";
  return 0;
}

}  // namespace packetwalk::ui::cli
