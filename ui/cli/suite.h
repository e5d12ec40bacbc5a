#pragma once
// `packetwalk test`'s pieces: finding scenario files, choosing them (filter, shard), and running
// one file into test cases (its probes; for a lab, the planted fault, the fix and the layer
// diagnose names; its golden output). Everything here is safe to call from worker threads: each
// call builds its own clusters and writes only the golden file it owns.

#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace packetwalk::ui::cli {

struct TestCase {
  enum class Status { Passed, Failed, Error };
  std::string name;
  Status status = Status::Passed;
  std::string message;  // one line: the probe, the expectation, the deciding hop
  std::string details;  // the probe's trace as `packetwalk run` prints it, a diff, diagnostics
};

struct SuiteResult {
  std::string path;  // as found (sorted by this)
  std::string name;  // metadata.name, else the file's stem
  std::string diagnostics;  // what loading printed (warnings; errors when `cases` holds an Error)
  std::vector<TestCase> cases;
  std::string note;         // for the summary line: "lab", "golden updated"
  bool internal_error = false;

  std::size_t count(TestCase::Status s) const;
  bool passed() const { return count(TestCase::Status::Passed) == cases.size(); }
};

struct SuiteOptions {
  Overrides overrides;
  bool update_golden = false;
};

// A file whose top-level mapping says `kind: Scenario` (plain manifests are not).
bool is_scenario_file(const std::string& path);
// metadata.name as written in a scenario file, else its stem (for --filter, without loading it).
std::string scenario_name_hint(const std::string& path);
// Scenario files under `paths` (files as given, directories searched recursively for *.yaml and
// *.yml), unique and sorted by path. A path that does not exist, or a file named explicitly that is
// not a scenario, is added to `errors`.
std::vector<std::string> find_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& errors);

struct Shard {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
};
std::optional<Shard> parse_shard(const std::string& text);  // "2/4"
// Keeps the files matching `glob` (path or name; empty: all), then those of the shard: the i-th
// (0-based, in sorted order) when i % count == index - 1.
std::vector<std::string> select_scenarios(const std::vector<std::string>& files, const std::string& glob, const Shard& shard);

SuiteResult run_suite_file(const std::string& path, const SuiteOptions& options);

}  // namespace packetwalk::ui::cli
