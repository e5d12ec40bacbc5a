// Target "scenario": the bytes as a scenario file, loaded from a private sandbox directory, and the
// cluster built when the scenario has no errors.
//
// A scenario names files (manifests, lab fixes) relative to itself. The sandbox holds copies of
// the shipped scenarios' manifests/ and labs/fixes/ so the seeds' entries resolve; inputs naming
// anything outside it (an absolute path, a "..") are skipped: fuzzing explores packetwalk, not the
// host's filesystem, and a finding must replay the same on every machine.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "../../../model/load/yaml_reader.h"
#include "../../../ui/cli/common.h"
#include "fuzz_bodies.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::fuzz {

namespace {

namespace fs = std::filesystem;

char g_sandbox_path[4096];  // for the exit handler: outlives every static object

const fs::path& sandbox() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("packetwalk-fuzz-scenario-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d / "manifests");
    fs::create_directories(d / "fixes");
    const fs::path src = PACKETWALK_SOURCE_DIR "/scenarios";
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
      if (!entry.is_regular_file()) continue;
      const auto parent = entry.path().parent_path().filename();
      if (parent == "manifests") fs::copy_file(entry.path(), d / "manifests" / entry.path().filename(), fs::copy_options::overwrite_existing);
      if (parent == "fixes") fs::copy_file(entry.path(), d / "fixes" / entry.path().filename(), fs::copy_options::overwrite_existing);
    }
    std::snprintf(g_sandbox_path, sizeof g_sandbox_path, "%s", d.c_str());
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(g_sandbox_path, ec);
    });
    return d;
  }();
  return dir;
}

// Whether every scalar of the document stays inside the sandbox when used as a path. Gives up
// (false) past `budget` nodes: aliases can make a small document a huge tree.
bool stays_inside(const YAML::Node& node, std::size_t& budget) {
  if (budget == 0) return false;
  --budget;
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    return s.empty() || (s[0] != '/' && s.find("..") == std::string::npos);
  }
  if (node.IsSequence() || node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (node.IsSequence()) {
        if (!stays_inside(*it, budget)) return false;
      } else if (!stays_inside(it->first, budget) || !stays_inside(it->second, budget)) {
        return false;
      }
    }
  }
  return true;
}

bool confined(std::string_view text) {
  model::load::Diagnostics scratch;
  model::load::detail::ParseContext ctx(scratch, {"scenario.yaml", 0, 0});
  try {
    for (const auto& doc : model::load::detail::parse_yaml_stream(text, ctx)) {
      std::size_t budget = 20000;
      if (!stays_inside(doc.root, budget)) return false;
    }
  } catch (const std::exception&) {
    return false;  // the loader itself never throws here; if this walk does, do not risk the input
  }
  return true;
}

}  // namespace

void fuzz_scenario(Bytes data) {
  const std::string_view text = as_text(data);
  if (!confined(text)) return;
  const fs::path file = sandbox() / "scenario.yaml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  model::load::Diagnostics diags;
  auto scenario = model::load::load_scenario(file.string(), diags);
  check_diagnostics(diags);
  if (diags.has_errors()) return;
  // What `packetwalk run` does next (ui/cli/common.cpp load_cluster).
  ui::cli::adapt_cluster_to_manifests(scenario.cluster, scenario.manifests);
  auto cluster = model::cluster::Cluster::build(scenario, diags);
  check_diagnostics(diags);
  check(cluster != nullptr || diags.has_errors(), "Cluster::build failed without saying why");
}

}  // namespace packetwalk::fuzz
