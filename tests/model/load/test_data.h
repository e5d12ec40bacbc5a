#pragma once
// Helpers shared by the loader, validation and inventory tests: paths into tests/data and
// diagnostics as the user sees them.

#include <string>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::test {

inline const std::string kDataDir = PACKETWALK_TEST_DATA_DIR;

// Absolute path of a file under tests/data.
inline std::string data_path(const std::string& relative) { return kDataDir + "/" + relative; }

// Every diagnostic formatted as the CLI prints it, with the tests/data/ prefix removed so that
// expectations read "bad_input/x.yaml:3:5: error: ...".
inline std::vector<std::string> diagnostic_lines(const model::load::Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.all()) {
    std::string line = model::load::format_diagnostic(d);
    for (auto at = line.find(kDataDir + "/"); at != std::string::npos; at = line.find(kDataDir + "/"))
      line.erase(at, kDataDir.size() + 1);
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace packetwalk::test
