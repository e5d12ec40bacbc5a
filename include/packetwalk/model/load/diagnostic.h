#pragma once
// Diagnostics: what the loaders and validators tell the user about their input.
//
// Every problem in user input (manifests, scenario files) becomes a Diagnostic with the position in
// the file and the object it concerns, printed like a compiler message so editors can jump to it:
//
//   manifests/web.yaml:12:5: error: Pod default/web-app: spec.containers[0].ports[0].containerPort: ...
//
// Internal invariants are asserts, never Diagnostics.

#include <string>
#include <vector>

namespace packetwalk::model::load {

enum class Severity { Warning, Error };

// A position in a user's file. line and column are 1-based; 0 means unknown (the formatter then
// leaves them out). file is the path as the user gave it (or as derived from a directory walk).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;

  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  SourcePos pos;
  std::string object;   // "Pod default/web-app", "Node node-1"; empty when not about one object
  std::string message;  // usually "<field path>: <what is wrong>"

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// "file:line:col: error: object: message". ":col" is left out when the column is unknown,
// ":line:col" when the line is unknown, "file:" when there is no file, "object: " when empty.
std::string format_diagnostic(const Diagnostic& d);

// Collects diagnostics. all() is always sorted by (file, line, column, message) — then severity and
// object — so output never depends on the order in which files or objects were processed.
// Reporting the exact same diagnostic twice keeps one copy (several passes may meet the same fault).
class Diagnostics {
public:
  void error(SourcePos pos, std::string object, std::string message);
  void warning(SourcePos pos, std::string object, std::string message);
  void add(Diagnostic d);

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  std::size_t warning_count() const { return all_.size() - error_count_; }
  bool empty() const { return all_.empty(); }
  const std::vector<Diagnostic>& all() const { return all_; }

private:
  std::vector<Diagnostic> all_;  // kept sorted on insertion
  std::size_t error_count_ = 0;
};

}  // namespace packetwalk::model::load
