// Helpers shared by the fuzz bodies, and the list of targets.
#include <array>

#include "fuzz_bodies.h"

namespace packetwalk::fuzz {

void check(bool ok, const std::string& what) {
  if (!ok) throw InvariantBroken(what);
}

void check_diagnostics(const model::load::Diagnostics& diags, std::size_t lines) {
  for (const auto& d : diags.all()) {
    const std::string text = model::load::format_diagnostic(d);
    check(!d.message.empty(), "a diagnostic without a message: " + text);
    // The loader's catch-all messages start so; user text echoed inside a message (a label key, a
    // Corefile line) may contain the words anywhere, which is no finding.
    check(d.message.rfind("internal error", 0) != 0, "the loader caught an exception: " + text);
    // Positions point into the input (one past its last line for "unexpected end of file").
    if (lines > 0) check(d.pos.line >= 0 && static_cast<std::size_t>(d.pos.line) <= lines + 1,
                         "a diagnostic points past the input's " + std::to_string(lines) + " lines: " + text);
  }
}

std::string_view as_text(Bytes data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

std::vector<std::string> split_lines(std::string_view text, std::size_t max_fields) {
  std::vector<std::string> out;
  while (out.size() + 1 < max_fields) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) break;
    out.emplace_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  out.emplace_back(text);
  return out;
}

std::span<const Target> targets() {
  static constexpr std::array<Target, 7> kTargets = {{
      {"manifest", fuzz_manifest},
      {"scenario", fuzz_scenario},
      {"cidr", fuzz_cidr},
      {"selector", fuzz_selector},
      {"ingress", fuzz_ingress},
      {"dns", fuzz_dns},
      {"pipeline", fuzz_pipeline},
  }};
  return kTargets;
}

}  // namespace packetwalk::fuzz
