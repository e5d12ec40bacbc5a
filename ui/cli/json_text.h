#pragma once
// One JSON string literal, quotes included, for the commands that write their JSON by hand
// (reach, diff) so their field order stays as docs/json-output.md shows it.
#include <nlohmann/json.hpp>
#include <string>

namespace packetwalk::ui::cli {

inline std::string json_string(const std::string& s) {
  // Invalid UTF-8 cannot come from the loader (it rejects such files); replace rather than throw.
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace packetwalk::ui::cli
