// Scenario files: top level, manifests (paths and inline documents) and probes.
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "packetwalk/model/kube/validate.h"
#include "packetwalk/model/load/input_limits.h"
#include "packetwalk/model/load/scenario.h"
#include "parsers.h"
#include "scenario_http.h"
#include "scenario_parts.h"

namespace packetwalk::model::load {

namespace {

namespace fs = std::filesystem;
using detail::child_path;
using detail::Field;
using detail::MapReader;
using detail::ParseContext;

constexpr std::array<std::string_view, 6> kOutcomes = {"connected", "dropped", "nxdomain",
                                                      "refused",   "timeout", "unreachable"};

// The text of line `line` (1-based) of `text`, without its newline.
std::string_view line_of(std::string_view text, int line) {
  std::size_t start = 0;
  for (int i = 1; i < line && start != std::string_view::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > text.size()) return {};
  auto end = text.find('\n', start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

// Where an inline document's text sits in the scenario file. For a block scalar (`inline: |`) the
// text starts on the next line, indented like its first non-blank line; for a quoted string the
// positions are approximate (first line only).
std::pair<int, int> inline_offsets(std::string_view file_text, const SourcePos& value_pos) {
  auto line = line_of(file_text, value_pos.line);
  auto indicator = static_cast<std::size_t>(value_pos.column - 1);
  if (indicator < line.size() && (line[indicator] == '|' || line[indicator] == '>')) {
    for (int l = value_pos.line + 1;; ++l) {
      auto content = line_of(file_text, l);
      if (content.data() == nullptr || content.data() >= file_text.data() + file_text.size()) break;
      auto indent = content.find_first_not_of(' ');
      if (indent != std::string_view::npos && content.find_first_not_of(" \t\r") != std::string_view::npos)
        return {value_pos.line, static_cast<int>(indent)};
    }
    return {value_pos.line, 0};
  }
  return {value_pos.line - 1, value_pos.column};
}

struct ManifestEntries {
  std::vector<std::string> paths;  // resolved, existing
  ManifestSet loaded;              // inline documents
};

void read_manifest_entry(ParseContext& ctx, const Field& item, std::string_view file_text, const fs::path& base,
                         ManifestEntries& out) {
  if (item.node.IsScalar()) {
    auto entry = detail::read_string(ctx, item);
    if (!entry) return;
    fs::path resolved = fs::path(*entry).is_absolute() ? fs::path(*entry) : (base / *entry).lexically_normal();
    std::error_code ec;
    if (!fs::exists(resolved, ec)) {
      ctx.error(item.pos, item.path,
                "the path \"" + *entry + "\" does not exist (looked for " + resolved.generic_string() + ")");
      return;
    }
    out.paths.push_back(resolved.generic_string());
    return;
  }
  MapReader m(ctx, item, {"inline"});
  auto doc = m.get("inline");
  if (!doc) {
    if (m.is_map()) ctx.error(item.pos, item.path, "expected a path or {inline: <YAML documents>}");
    return;
  }
  if (doc->node.IsScalar()) {
    auto text = detail::read_string(ctx, *doc);
    if (!text) return;
    auto [line_offset, column_offset] = inline_offsets(file_text, doc->pos);
    out.loaded.merge(load_manifest_text(*text, ctx.origin().file, line_offset, ctx.diags(), column_offset));
    return;
  }
  // A mapping (one object) or a list of them, written as YAML inside the scenario: the nodes already
  // carry scenario-file positions.
  ManifestSet set;
  if (doc->node.IsSequence()) {
    detail::read_list(ctx, *doc, [&](const Field& d) { detail::load_document(ctx, d.node, set); });
  } else {
    detail::load_document(ctx, doc->node, set);
  }
  remove_duplicates(set, ctx.diags());
  kube::validate_manifests(set, ctx.diags());
  out.loaded.merge(std::move(set));
}

}  // namespace

namespace detail {

ManifestSet read_manifest_list(ParseContext& ctx, const Field& f, std::string_view file_text,
                               const std::string& scenario_path, std::vector<std::string>* paths) {
  ManifestEntries entries;
  auto base = fs::path(scenario_path).parent_path();
  read_list(ctx, f, [&](const Field& item) { read_manifest_entry(ctx, item, file_text, base, entries); });
  if (paths) *paths = entries.paths;
  ManifestSet out = load_manifest_paths(entries.paths, ctx.diags());
  out.merge(std::move(entries.loaded));
  remove_duplicates(out, ctx.diags());
  return out;
}

}  // namespace detail

namespace {

Expectation read_expectation(ParseContext& ctx, const Field& f) {
  Expectation e;
  e.present = true;
  if (f.node.IsScalar()) {
    e.outcome = detail::read_enum(ctx, f, kOutcomes).value_or("");
    return e;
  }
  MapReader m(ctx, f, {"outcome", "via", "backend", "droppedBy", "notVia", "latencyMaxUs", "latencyMinUs", "status"});
  if (auto outcome = m.get("outcome")) e.outcome = detail::read_enum(ctx, *outcome, kOutcomes).value_or("");
  else if (m.is_map()) ctx.missing(f.pos, child_path(f.path, "outcome"));
  if (auto via = m.get("via")) e.via = detail::read_string_list(ctx, *via);
  e.backend = m.string("backend").value_or("");
  if (auto status = m.get("status")) e.status = detail::read_http_status(ctx, *status);
  detail::read_expectation_extras(ctx, m, e);
  e.dropped_by = m.string("droppedBy").value_or("");
  if (!e.dropped_by.empty() && e.dropped_by.rfind("NetworkPolicy/", 0) != 0 &&
      e.dropped_by.rfind("AdminNetworkPolicy/", 0) != 0 && e.dropped_by.rfind("BaselineAdminNetworkPolicy/", 0) != 0 &&
      e.dropped_by.rfind("ClusterNetworkPolicy/", 0) != 0)
    ctx.error(f.pos, child_path(f.path, "droppedBy"),
              "must be NetworkPolicy/NAME, NetworkPolicy/NAMESPACE/NAME, AdminNetworkPolicy/NAME, "
              "BaselineAdminNetworkPolicy/default or ClusterNetworkPolicy/NAME, got \"" + e.dropped_by + "\"");
  return e;
}

ProbeSpec read_probe(ParseContext& ctx, const Field& f, std::size_t index) {
  ProbeSpec p;
  p.pos = f.pos;
  MapReader m(ctx, f, {"name", "from", "container", "to", "protocol", "size", "http", "expect", "at"});
  if (auto at = m.get("at")) p.at = detail::read_time(ctx, *at).value_or(0);
  p.name = m.string("name").value_or("probe-" + std::to_string(index + 1));
  p.from = m.string("from").value_or("");
  p.to = m.string("to").value_or("");
  if (m.is_map() && p.from.empty()) ctx.missing(f.pos, child_path(f.path, "from"));
  if (m.is_map() && p.to.empty()) ctx.missing(f.pos, child_path(f.path, "to"));
  p.container = m.string("container").value_or("");
  if (auto protocol = m.get("protocol"))
    p.protocol = detail::read_enum(ctx, *protocol, {"ICMP", "SCTP", "TCP", "UDP"}).value_or(p.protocol);
  if (auto size = m.get("size")) p.size = detail::read_probe_size(ctx, *size);
  if (auto http = m.get("http")) p.http = detail::read_http_probe(ctx, *http);
  if (auto expect = m.get("expect")) p.expect = read_expectation(ctx, *expect);
  return p;
}

void read_scenario(ParseContext& ctx, const YAML::Node& root, std::string_view file_text, Scenario& s) {
  Field top{"", root, ctx.pos(root), ctx.pos(root)};
  MapReader m(ctx, top, {"apiVersion", "kind", "metadata", "cluster", "manifests", "probes", "faults", "golden", "lab",
                         "hosts", "traffic", "links", "timeline"});
  if (!m.is_map()) return;
  if (auto v = m.get("apiVersion")) detail::read_enum(ctx, *v, {"packetwalk/v1"});
  else ctx.missing(top.pos, "apiVersion");
  if (auto v = m.get("kind")) detail::read_enum(ctx, *v, {"Scenario"});
  else ctx.missing(top.pos, "kind");
  if (auto meta_field = m.get("metadata")) {
    MapReader meta(ctx, *meta_field, {"name", "description"});
    s.name = meta.string("name").value_or(s.name);
    s.description = meta.string("description").value_or("");
  }
  if (auto cluster = m.get("cluster")) detail::parse_cluster(ctx, *cluster, s.cluster);

  if (auto manifests = m.get("manifests"))
    s.manifests = detail::read_manifest_list(ctx, *manifests, file_text, s.path, &s.manifest_paths);

  if (auto probes = m.get("probes")) {
    std::set<std::string> names;
    detail::read_list(ctx, *probes, [&](const Field& item) {
      auto probe = read_probe(ctx, item, s.probes.size());
      if (!names.insert(probe.name).second)
        ctx.error(item.pos, item.path + ".name", "duplicate probe name \"" + probe.name + "\"");
      s.probes.push_back(std::move(probe));
    });
  }
  if (auto timeline = m.get("timeline")) s.timeline = detail::read_timeline(ctx, *timeline, file_text, s.path);
  // Faults, the golden output and the lab section (scenario_faults.cpp).
  detail::read_suite_fields(ctx, m, s);
  detail::read_http_fields(ctx, m, s);  // hosts, traffic (scenario_http.cpp)
}

}  // namespace

Scenario load_scenario(const std::string& path, Diagnostics& diags) {
  Scenario s;
  s.path = path;
  s.name = fs::path(path).stem().string();
  s.cluster = default_cluster_spec();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    diags.error({}, "", fs::exists(path, ec) ? "the scenario \"" + path + "\" is not a regular file"
                                             : "the scenario file \"" + path + "\" does not exist");
    return s;
  }
  if (auto size = fs::file_size(path, ec); !ec && size > limits::kMaxFileBytes) {
    diags.error({path, 0, 0}, "",
                "the scenario file is " + std::to_string(size >> 20) + " MiB, larger than packetwalk's limit of " +
                    std::to_string(limits::kMaxFileBytes >> 20) + " MiB per file (docs/limits.md)");
    return s;
  }
  std::ifstream in(path, std::ios::in | std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) {
    diags.error({path, 0, 0}, "", "cannot read the scenario file");
    return s;
  }
  std::string text = std::move(bytes).str();
  if (!detail::check_text(text, path, diags)) return s;
  ParseContext ctx(diags, {path, 0, 0});
  auto errors_before = diags.error_count();
  try {
    auto docs = detail::parse_yaml_stream(text, ctx);
    if (docs.empty()) {
      if (diags.error_count() == errors_before) diags.error({path, 0, 0}, "", "the scenario file is empty");
      return s;
    }
    if (docs.size() > 1) {
      ctx.set_document_line(docs[1].first_line);
      ctx.error(ctx.pos(docs[1].root), "",
                "a scenario file holds one document; list Kubernetes manifests under `manifests`");
    }
    ctx.set_document_line(docs[0].first_line);
    read_scenario(ctx, docs[0].root, text, s);
  } catch (const std::exception& e) {
    diags.error({path, 0, 0}, "", std::string("internal error while reading the scenario: ") + e.what());
  }
  return s;
}

}  // namespace packetwalk::model::load
