// Replays every input under tests/fuzz/regressions/<target>/ (inputs that once crashed a target or
// broke one of its checks) and the target's seed corpora (tests/fuzz/seeds.txt) through the same
// body libFuzzer runs. Built by every compiler, so a fixed finding stays fixed in the normal build.
// Passing means: the body returned, every problem came back as a Diagnostic (or the parser's
// error value), and no check of the body failed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "bodies/fuzz_bodies.h"

namespace packetwalk::fuzz {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = PACKETWALK_SOURCE_DIR;

std::vector<fs::path> files_below(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> seed_dirs(std::string_view target) {
  std::ifstream in(kSource / "tests/fuzz/seeds.txt");
  std::vector<fs::path> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, dir;
    if (line.empty() || line[0] == '#' || !(words >> name >> dir)) continue;
    if (name == target) out.push_back(kSource / dir);
  }
  return out;
}

// Runs one input; a failure names the file and what went wrong.
void replay(const Target& target, const fs::path& file) {
  const auto bytes = read_bytes(file);
  try {
    target.run(bytes);
  } catch (const InvariantBroken& e) {
    ADD_FAILURE() << file.string() << ": " << target.name << " check failed: " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << file.string() << ": an exception escaped instead of a diagnostic: " << e.what();
  } catch (...) {
    ADD_FAILURE() << file.string() << ": a non-standard exception escaped";
  }
}

class FuzzReplay : public ::testing::TestWithParam<Target> {};

}  // namespace

// gtest names a parameter in its messages; without this it prints the Target's raw bytes.
void PrintTo(const Target& target, std::ostream* os) { *os << target.name; }

namespace {

TEST_P(FuzzReplay, RegressionsPass) {
  const auto files = files_below(kSource / "tests/fuzz/regressions" / std::string(GetParam().name));
  for (const auto& f : files) replay(GetParam(), f);
  RecordProperty("inputs", static_cast<int>(files.size()));
}

TEST_P(FuzzReplay, SeedsPass) {
  std::size_t count = 0;
  for (const auto& dir : seed_dirs(GetParam().name)) {
    ASSERT_TRUE(fs::is_directory(dir)) << "seeds.txt names a missing directory: " << dir;
    for (const auto& f : files_below(dir)) {
      replay(GetParam(), f);
      ++count;
    }
  }
  EXPECT_GT(count, 0u) << "no seed inputs for " << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(targets().begin(), targets().end()),
                         [](const auto& info) { return std::string(info.param.name); });

// A directory under regressions/ that names no target would be silently skipped.
TEST(FuzzReplay, EveryRegressionDirectoryIsATarget) {
  for (const auto& e : fs::directory_iterator(kSource / "tests/fuzz/regressions")) {
    if (!e.is_directory()) continue;
    const auto name = e.path().filename().string();
    EXPECT_TRUE(std::any_of(targets().begin(), targets().end(), [&](const Target& t) { return t.name == name; }))
        << "tests/fuzz/regressions/" << name << " is not a fuzz target";
  }
}

// The checks themselves work: a body that is handed a broken promise reports it, and a good input
// passes. (Without this, a body whose check() never fires would pass every replay.)
TEST(FuzzReplay, ChecksReportBrokenPromises) {
  EXPECT_THROW(check(false, "x"), InvariantBroken);
  model::load::Diagnostics diags;
  diags.error({"f.yaml", 3, 1}, "Pod default/x", "internal error while reading this object: boom");
  EXPECT_THROW(check_diagnostics(diags), InvariantBroken);
  model::load::Diagnostics past_end;
  past_end.error({"f.yaml", 9, 1}, "", "unexpected end");
  EXPECT_THROW(check_diagnostics(past_end, 3), InvariantBroken);
  EXPECT_NO_THROW(check_diagnostics(past_end, 8));
}

}  // namespace
}  // namespace packetwalk::fuzz
