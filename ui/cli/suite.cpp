#include "suite.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "packetwalk/model/query/diagnose.h"
#include "packetwalk/model/text/regex.h"
#include "scenario_exec.h"

namespace packetwalk::ui::cli {

namespace fs = std::filesystem;

std::size_t SuiteResult::count(TestCase::Status s) const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [&](const TestCase& c) { return c.status == s; }));
}

namespace {

std::string read_text(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  ok = static_cast<bool>(in) || in.eof();
  return std::move(bytes).str();
}

bool has_yaml_extension(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The errors of a loader's output (the lines compilers would call errors), else all of it.
std::string error_lines(const std::string& diagnostics) {
  std::istringstream in(diagnostics);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find(": error: ") != std::string::npos) out += line + "\n";
  }
  return out.empty() ? diagnostics : out;
}

std::string report_text(const render::ProbeReport& r) {
  std::ostringstream out;
  render::write_text(out, r, false, false);
  return out.str();
}

TestCase probe_case(const render::ProbeReport& r, const std::string& prefix) {
  TestCase c;
  c.name = prefix + r.name;
  if (r.passed) return c;
  c.status = TestCase::Status::Failed;
  std::string failures;
  for (const auto& f : r.failures) failures += (failures.empty() ? "" : "; ") + f;
  c.message = "probe " + r.name + " (" + r.from + " -> " + r.to + "): expected " + r.expected + ": " + failures;
  const auto hop = deciding_hop(r.result.trace);
  if (!hop.empty()) c.message += "; deciding hop: " + hop;
  c.details = report_text(r);
  return c;
}

TestCase error_case(const std::string& name, const std::string& diagnostics) {
  TestCase c;
  c.name = name;
  c.status = TestCase::Status::Error;
  const std::string errors = error_lines(diagnostics);
  c.message = errors.empty() ? "bad input" : first_line(errors);
  c.details = errors;
  return c;
}

// The golden comparison: `text` against the file, or the file rewritten (temp file, then rename,
// so a reader never sees half a file).
TestCase golden_case(const std::string& golden, const std::string& text, bool update, std::string& note) {
  TestCase c;
  c.name = "golden output (" + golden + ")";
  if (update) {
    bool ok = false;
    if (read_text(golden, ok) == text && ok) return c;
    const std::string tmp = golden + ".tmp." + std::to_string(::getpid());
    std::error_code ec;
    fs::create_directories(fs::path(golden).parent_path(), ec);
    {
      std::ofstream out(tmp, std::ios::out | std::ios::binary | std::ios::trunc);
      out << text;
      ok = static_cast<bool>(out);
    }
    if (ok) fs::rename(tmp, golden, ec);
    if (!ok || ec) {
      fs::remove(tmp, ec);
      c.status = TestCase::Status::Error;
      c.message = "cannot write " + golden;
      return c;
    }
    note = "golden updated";
    return c;
  }
  bool ok = false;
  const std::string expected = read_text(golden, ok);
  std::error_code ec;
  if (!fs::exists(golden, ec)) {
    c.status = TestCase::Status::Failed;
    c.message = "golden file " + golden + " does not exist (packetwalk test --update-golden writes it)";
    return c;
  }
  if (expected == text) return c;
  c.status = TestCase::Status::Failed;
  std::istringstream a(expected), b(text);
  std::string la, lb;
  int line = 1;
  for (;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    if (!more_a) la = "<end of file>";
    if (!more_b) lb = "<end of output>";
    if (la != lb || !more_a || !more_b) break;
  }
  c.message = "output differs from " + golden + " at line " + std::to_string(line) + ": expected \"" + la + "\", got \"" +
              lb + "\" (packetwalk test --update-golden rewrites it)";
  c.details = "--- " + golden + "\n+++ packetwalk run\n-" + la + "\n+" + lb + "\n";
  return c;
}

// A lab's diagnose check: the layer `packetwalk diagnose` names for the first broken probe.
TestCase diagnose_case(const std::string& path, const SuiteOptions& options, const model::load::ProbeSpec& probe,
                       const std::string& layer) {
  TestCase c;
  c.name = "diagnose names the " + layer + " layer";
  std::ostringstream err;
  auto loaded = load_cluster(path, {}, options.overrides, err);
  if (!loaded.cluster) return error_case(c.name, err.str());
  model::query::ProbeRunner runner(loaded.cluster->topology(), loaded.cluster->spec().seed);
  runner.set_applications(&loaded.cluster->applications());
  model::query::DiagnoseRequest req;
  req.from = probe.from;
  req.to = probe.to;
  req.protocol = probe.protocol.empty() ? "TCP" : probe.protocol;
  std::string error;
  auto d = model::query::diagnose(*loaded.cluster, runner, req, error);
  if (!d) {
    c.status = TestCase::Status::Error;
    c.message = "diagnose " + probe.name + ": " + error;
    return c;
  }
  if (d->failed_layer == layer) return c;
  c.status = TestCase::Status::Failed;
  c.message = "diagnose --from " + probe.from + " --to " + probe.to + " names " +
              (d->failed_layer.empty() ? std::string("no layer (healthy)") : "the " + d->failed_layer + " layer") +
              ", the lab expects " + layer + ": " + d->verdict;
  return c;
}

void run_lab(const std::string& path, const SuiteOptions& options, const ScenarioRun& planted, SuiteResult& res) {
  const auto& lab = *planted.lab;
  std::vector<std::string> broken;
  for (const auto& r : planted.reports) {
    if (!r.passed) broken.push_back(r.name);
  }
  if (lab.breaks.empty()) {
    TestCase c;
    c.name = "fault: breaks at least one probe";
    if (broken.empty()) {
      c.status = TestCase::Status::Failed;
      c.message = "every probe passes with the fault planted: the lab shows nothing";
    }
    res.cases.push_back(c);
  }
  for (const auto& name : lab.breaks) {
    TestCase c;
    c.name = "fault: breaks " + name;
    if (std::find(broken.begin(), broken.end(), name) == broken.end()) {
      c.status = TestCase::Status::Failed;
      c.message = "probe " + name + " passes with the fault planted: the lab no longer shows it";
    }
    res.cases.push_back(c);
  }
  std::ostringstream err;
  ScenarioRunOptions fixed_options;
  fixed_options.overrides = options.overrides;
  fixed_options.apply_fix = true;
  const auto fixed = run_scenario(path, fixed_options, err);
  if (fixed.exit_code == kBadInput) {
    res.cases.push_back(error_case("fix: " + lab.fix, err.str()));
  } else {
    for (const auto& r : fixed.reports) res.cases.push_back(probe_case(r, "fix: "));
  }
  if (!lab.layer.empty()) {
    const std::string first = lab.breaks.empty() ? (broken.empty() ? "" : broken.front()) : lab.breaks.front();
    for (const auto& p : planted.probes) {
      if (p.name == first) res.cases.push_back(diagnose_case(path, options, p, lab.layer));
    }
  }
  res.note = "lab";
}

}  // namespace

bool is_scenario_file(const std::string& path) {
  bool ok = false;
  const std::string text = read_text(path, ok);
  if (!ok) return false;
  // RE2, not std::regex: this runs over every YAML file of a suite's folders, whatever their size.
  static const model::text::Regex kind(R"((^|\n)kind:[ \t]*["']?Scenario["']?[ \t]*(#[^\n]*)?(\r?\n|$))");
  return kind.search(text).has_value();
}

std::string scenario_name_hint(const std::string& path) {
  bool ok = false;
  const std::string text = read_text(path, ok);
  static const model::text::Regex block(R"((^|\n)metadata:[ \t]*\r?\n[ \t]+(?:[^\n]*\n[ \t]+)*?name:[ \t]*["']?([^"'#\s]+))");
  static const model::text::Regex flow(R"((^|\n)metadata:[ \t]*\{[^}]*\bname:[ \t]*["']?([^"',}\s]+))");
  if (!ok) return fs::path(path).stem().string();
  if (auto m = flow.search(text)) return (*m)[2];
  if (auto m = block.search(text)) return (*m)[2];
  return fs::path(path).stem().string();
}

std::vector<std::string> find_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& errors) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  auto add = [&](const fs::path& p) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(p, ec);
    if (!seen.insert(ec ? p.string() : canonical.string()).second) return;
    out.push_back(p.lexically_normal().generic_string());
  };
  for (const auto& given : paths) {
    std::error_code ec;
    const fs::path p(given);
    if (fs::is_directory(p, ec)) {
      for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end; it != end;
           it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec) && has_yaml_extension(it->path()) && is_scenario_file(it->path().string()))
          add(it->path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      if (is_scenario_file(given)) add(p);
      else errors.push_back(given + ": not a scenario (no top-level `kind: Scenario`)");
    } else {
      errors.push_back(given + ": no such file or directory");
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Shard> parse_shard(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    std::size_t used_a = 0, used_b = 0;
    const auto index = std::stoul(text.substr(0, slash), &used_a);
    const auto count = std::stoul(text.substr(slash + 1), &used_b);
    if (used_a != slash || used_b != text.size() - slash - 1 || count == 0 || index == 0 || index > count) return std::nullopt;
    return Shard{index, count};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<std::string> select_scenarios(const std::vector<std::string>& files, const std::string& glob, const Shard& shard) {
  std::vector<std::string> matching;
  for (const auto& f : files) {
    if (glob.empty() || ::fnmatch(glob.c_str(), f.c_str(), 0) == 0 ||
        ::fnmatch(glob.c_str(), scenario_name_hint(f).c_str(), 0) == 0)
      matching.push_back(f);
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < matching.size(); ++i) {
    if (i % shard.count == shard.index - 1) out.push_back(matching[i]);
  }
  return out;
}

SuiteResult run_suite_file(const std::string& path, const SuiteOptions& options) {
  SuiteResult res;
  res.path = path;
  res.name = fs::path(path).stem().string();
  std::ostringstream err;
  ScenarioRunOptions run_options;
  run_options.overrides = options.overrides;
  const auto run = run_scenario(path, run_options, err);
  res.diagnostics = err.str();
  if (run.exit_code == kBadInput) {
    res.cases.push_back(error_case("load " + path, res.diagnostics));
    return res;
  }
  res.name = run.name;
  if (run.lab) {
    run_lab(path, options, run, res);
  } else {
    for (const auto& r : run.reports) res.cases.push_back(probe_case(r, ""));
  }
  if (!run.traffic.empty()) {
    // The `traffic:` load runs are checks too: `packetwalk run` fails on them, so must a suite.
    TestCase c;
    c.name = "traffic";
    if (run.traffic_failed) {
      c.status = TestCase::Status::Failed;
      c.message = "traffic: an expectation of the load runs failed (see the summary)";
      c.details = run.traffic;
    }
    res.cases.push_back(std::move(c));
  }
  if (!run.golden.empty()) {
    std::ostringstream text;
    write_run_text(text, run.reports, false, false, false);
    std::string note;
    res.cases.push_back(golden_case(run.golden, text.str(), options.update_golden, note));
    if (!note.empty()) res.note += (res.note.empty() ? "" : ", ") + note;
  }
  return res;
}

}  // namespace packetwalk::ui::cli
