// packetwalk test: every scenario under the given paths, in parallel, reported in path order.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "../render/atomic_file.h"
#include "../render/trace_render.h"
#include "commands.h"
#include "junit.h"
#include "options.h"
#include "progress.h"
#include "suite.h"

namespace packetwalk::ui::cli {

namespace {

void print_result(std::ostream& out, const SuiteResult& r, bool color) {
  const std::size_t failed = r.count(TestCase::Status::Failed);
  const std::size_t errors = r.count(TestCase::Status::Error);
  const std::string word = errors ? "ERROR" : failed ? "FAIL" : "PASS";
  out << render::colored(word, word == "PASS", color) << std::string(6 - word.size(), ' ') << r.path << "  ";
  if (errors) {
    out << "bad input";
  } else if (failed) {
    out << failed << " of " << r.cases.size() << " failed";
  } else {
    out << r.cases.size() << (r.cases.size() == 1 ? " check" : " checks");
  }
  if (!r.note.empty()) out << " (" << r.note << ")";
  out << "\n";
  for (const auto& c : r.cases) {
    if (c.status == TestCase::Status::Passed) continue;
    if (c.status == TestCase::Status::Error) {
      std::istringstream lines(c.details.empty() ? c.message : c.details);
      for (std::string line; std::getline(lines, line);) out << "      " << line << "\n";
      continue;
    }
    out << "      " << render::colored("FAIL", false, color) << " " << c.name << ": " << c.message << "\n";
  }
}

}  // namespace

int cmd_test(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  d.add_options()("path", po::value<std::vector<std::string>>()->composing(),
                  "scenario files or directories (positional; directories are searched recursively)")(
      "junit", po::value<std::string>(), "also write the results as JUnit XML to FILE")(
      "jobs,j", po::value<unsigned>(), "worker threads (default: the number of cores)")(
      "shard", po::value<std::string>(), "run shard I of N (I/N): the scenarios whose sorted index % N == I-1")(
      "filter", po::value<std::string>(), "run the scenarios whose path or name matches a shell glob")(
      "update-golden", po::bool_switch(), "rewrite the golden files of scenarios that pin their output")(
      "cni", po::value<std::string>(), "override every scenario's CNI plugin")(
      "proxy-mode", po::value<std::string>(), "override every scenario's kube-proxy mode");
  add_progress_option(d);
  po::positional_options_description pos;
  pos.add("path", -1);
  po::variables_map vm;
  bool help = false;
  const std::string usage =
      "packetwalk test PATH... [--junit FILE] [-j N] [--shard I/N] [--filter GLOB] [--update-golden]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  if (!vm.count("path")) {
    err << "packetwalk test: give scenario files or directories\nUsage: " << usage << "\n";
    return kBadInput;
  }
  Shard shard;
  if (vm.count("shard")) {
    auto s = parse_shard(vm["shard"].as<std::string>());
    if (!s) {
      err << "packetwalk test: --shard takes I/N with 1 <= I <= N, got \"" << vm["shard"].as<std::string>() << "\"\n";
      return kBadInput;
    }
    shard = *s;
  }
  std::size_t jobs = std::max(1u, std::thread::hardware_concurrency());
  if (vm.count("jobs")) {
    if (vm["jobs"].as<unsigned>() == 0) {
      err << "packetwalk test: -j takes a number of threads of at least 1\n";
      return kBadInput;
    }
    jobs = vm["jobs"].as<unsigned>();
  }
  SuiteOptions options;
  options.update_golden = vm["update-golden"].as<bool>();
  if (vm.count("cni")) options.overrides.cni = vm["cni"].as<std::string>();
  if (vm.count("proxy-mode")) options.overrides.proxy_mode = vm["proxy-mode"].as<std::string>();

  std::vector<std::string> errors;
  const auto found = find_scenarios(vm["path"].as<std::vector<std::string>>(), errors);
  for (const auto& e : errors) err << "packetwalk test: " << e << "\n";
  if (!errors.empty()) return kBadInput;
  const auto files = select_scenarios(found, vm.count("filter") ? vm["filter"].as<std::string>() : "", shard);
  if (found.empty()) err << "packetwalk test: warning: no scenario files found\n";

  // Workers take files in order; this thread prints each result as soon as all before it are in,
  // so the output is in path order whatever finishes first.
  std::vector<SuiteResult> results(files.size());
  std::vector<bool> done(files.size(), false);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  std::size_t finished = 0;  // under `mutex`: for the progress bar
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();) {
      SuiteResult r;
      try {
        r = run_suite_file(files[i], options);
      } catch (const std::exception& e) {
        r.path = files[i];
        r.internal_error = true;
        r.cases.push_back(TestCase{"run " + files[i], TestCase::Status::Error, std::string("internal error: ") + e.what(), ""});
      }
      const std::lock_guard lock(mutex);
      results[i] = std::move(r);
      done[i] = true;
      ++finished;
      ready.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < std::min(jobs, files.size()); ++t) workers.emplace_back(work);
  const bool color = use_color(out);
  ProgressBar bar(err, "test", files.size(), progress_wanted(vm, out, err));
  std::size_t passed = 0, failed = 0, scen_passed = 0, scen_failed = 0, scen_errors = 0;
  bool internal = false;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::unique_lock lock(mutex);
    // Waking every 100 ms keeps the bar moving while an early scenario holds up the printing.
    while (!ready.wait_for(lock, std::chrono::milliseconds(100), [&] { return done[i]; })) bar.update(finished);
    const SuiteResult& r = results[i];
    const std::size_t finished_now = finished;
    lock.unlock();
    bar.clear();
    print_result(out, r, color);
    out.flush();
    bar.update(finished_now);
    passed += r.count(TestCase::Status::Passed);
    failed += r.count(TestCase::Status::Failed) + r.count(TestCase::Status::Error);
    internal = internal || r.internal_error;
    if (r.count(TestCase::Status::Error)) ++scen_errors;
    else if (r.passed()) ++scen_passed;
    else ++scen_failed;
  }
  for (auto& w : workers) w.join();
  bar.clear();

  out << files.size() << " scenario" << (files.size() == 1 ? "" : "s") << ": " << scen_passed << " passed, " << scen_failed
      << " failed, " << scen_errors << " with errors\n";
  out << passed << " passed, " << failed << " failed\n";
  if (vm.count("junit")) {
    const std::string file = vm["junit"].as<std::string>();
    std::ostringstream junit;
    write_junit(junit, results);
    std::string error;
    if (!render::write_file_atomically(file, junit.str(), error)) {
      err << "packetwalk test: " << error << "\n";
      return kBadInput;
    }
  }
  if (internal) return kInternalError;
  if (scen_errors) return kBadInput;
  return failed ? kExpectationFailed : kOk;
}

}  // namespace packetwalk::ui::cli
