#include "packetwalk/model/load/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace packetwalk::model::load {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.pos.file.empty()) {
    out += d.pos.file;
    if (d.pos.line > 0) {
      out += ':' + std::to_string(d.pos.line);
      if (d.pos.column > 0) out += ':' + std::to_string(d.pos.column);
    }
    out += ": ";
  }
  out += d.severity == Severity::Error ? "error: " : "warning: ";
  if (!d.object.empty()) out += d.object + ": ";
  out += d.message;
  return out;
}

namespace {
auto sort_key(const Diagnostic& d) {
  // Severity and object only break ties, so the order is total and deterministic.
  return std::tie(d.pos.file, d.pos.line, d.pos.column, d.message, d.severity, d.object);
}
}  // namespace

void Diagnostics::error(SourcePos pos, std::string object, std::string message) {
  add(Diagnostic{Severity::Error, std::move(pos), std::move(object), std::move(message)});
}

void Diagnostics::warning(SourcePos pos, std::string object, std::string message) {
  add(Diagnostic{Severity::Warning, std::move(pos), std::move(object), std::move(message)});
}

void Diagnostics::add(Diagnostic d) {
  auto at = std::lower_bound(all_.begin(), all_.end(), d,
                             [](const Diagnostic& a, const Diagnostic& b) { return sort_key(a) < sort_key(b); });
  if (at != all_.end() && *at == d) return;
  if (d.severity == Severity::Error) ++error_count_;
  all_.insert(at, std::move(d));
}

}  // namespace packetwalk::model::load
