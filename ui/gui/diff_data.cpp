#include "diff_data.h"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "../cli/common.h"
#include "../cli/suite.h"

namespace packetwalk::ui::gui {

namespace {

using model::query::FlowChange;
using model::query::FlowSide;

// reach's reasons already start with their verdict ("allowed: ...", "denied: ..."); a flow missing
// from a version has only the why.
std::string side_text(const FlowSide& s) {
  if (!s.present) return s.reason.empty() ? "absent" : "absent: " + s.reason;
  return s.reason.empty() ? (s.allowed ? "allowed" : "denied") : s.reason;
}

std::string port_text(const FlowChange& c) {
  if (c.service.empty()) return c.port.to_string();
  if (c.to.empty()) return c.port.to_string() + " -> (no backend)";
  const auto& target = c.after.present ? c.after.target : c.before.target;
  return c.port.to_string() + " -> " + c.to + " " + target.to_string();
}

void note(std::vector<std::string>& notes, const char* what, const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::string line = what;
  for (std::size_t i = 0; i < names.size(); ++i) line += (i ? ", " : " ") + names[i];
  notes.push_back(line);
}

}  // namespace

std::string DiffView::summary() const {
  return std::to_string(diff.opened()) + " opened, " + std::to_string(diff.closed()) + " closed (" +
         std::to_string(diff.flows_compared) + " flows compared)";
}

std::optional<DiffView> compute_diff_view(const Snapshot& loaded, const std::string& other, std::ostream& err) {
  if (!loaded.cluster) return std::nullopt;
  // As `packetwalk diff` loads a version: a scenario with its cluster, else manifests.
  auto version = cli::is_scenario_file(other) ? cli::load_cluster(other, {}, {}, err) : cli::load_cluster(std::nullopt, {other}, {}, err);
  if (!version.cluster) return std::nullopt;
  model::query::DiffOptions options;
  options.services = true;
  DiffView v;
  v.before = loaded.source;
  v.after = other;
  v.diff = model::query::compute_reach_diff(*loaded.cluster, *version.cluster, options);
  for (const auto& c : v.diff.changes)
    v.rows.push_back({c.opened, c.from, c.service.empty() ? c.to : "Service " + c.service, port_text(c), side_text(c.before), side_text(c.after)});
  note(v.notes, "pods added:", v.diff.pods_added);
  note(v.notes, "pods removed:", v.diff.pods_removed);
  std::vector<std::string> replaced;
  for (const auto& r : v.diff.pods_replaced) replaced.push_back(r.before + " -> " + r.after);
  note(v.notes, "pods replaced:", replaced);
  note(v.notes, "Services added:", v.diff.services_added);
  note(v.notes, "Services removed:", v.diff.services_removed);
  return v;
}

std::vector<DirEntry> list_manifest_dir(const std::string& dir, std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    error = "cannot read " + dir + ": " + ec.message();
    return {};
  }
  std::vector<DirEntry> folders, files;
  for (const auto& e : it) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code type_ec;
    if (e.is_directory(type_ec)) {
      folders.push_back({name, true});
    } else {
      const std::string ext = e.path().extension().string();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back({name, false});
    }
  }
  auto by_name = [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; };
  std::sort(folders.begin(), folders.end(), by_name);
  std::sort(files.begin(), files.end(), by_name);
  std::vector<DirEntry> out{{"..", true}};
  out.insert(out.end(), folders.begin(), folders.end());
  out.insert(out.end(), files.begin(), files.end());
  return out;
}

}  // namespace packetwalk::ui::gui
