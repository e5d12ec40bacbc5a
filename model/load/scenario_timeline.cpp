// The scenario's `timeline:` list (docs/scenario-format.md, "Timeline"): each entry an `at:` time
// and exactly one change. What the changes do to the cluster is model/cluster/timeline.cpp's job;
// here they are only read and checked for shape.
#include <algorithm>
#include <array>

#include "scenario_http.h"
#include "scenario_parts.h"

namespace packetwalk::model::load::detail {

namespace {

struct ActionKey {
  std::string_view key;
  TimelineAction action;
};
constexpr std::array<ActionKey, 9> kActions = {{
    {"apply", TimelineAction::Apply},
    {"delete", TimelineAction::Delete},
    {"scale", TimelineAction::Scale},
    {"podNotReady", TimelineAction::PodNotReady},
    {"podReady", TimelineAction::PodReady},
    {"drainNode", TimelineAction::DrainNode},
    {"failNode", TimelineAction::FailNode},
    {"stopKubeProxy", TimelineAction::StopKubeProxy},
    {"fault", TimelineAction::Fault},
}};

std::string action_keys_text() {
  std::string out;
  for (const auto& a : kActions) out += (out.empty() ? "" : ", ") + std::string(a.key);
  return out;
}

// "ns/name" or "name" (namespace default).
bool read_pod_ref(ParseContext& ctx, const Field& f, TimelineEntry& e) {
  auto text = read_string(ctx, f);
  if (!text) return false;
  auto slash = text->find('/');
  e.kind = "Pod";
  e.namespace_ = slash == std::string::npos ? "default" : text->substr(0, slash);
  e.name = slash == std::string::npos ? *text : text->substr(slash + 1);
  if (e.name.empty() || e.namespace_.empty() || e.name.find('/') != std::string::npos) {
    ctx.error(f.pos, f.path, "expected a pod as NAMESPACE/NAME or NAME, got \"" + *text + "\"");
    return false;
  }
  return true;
}

bool read_node(ParseContext& ctx, const Field& f, TimelineEntry& e) {
  auto text = read_string(ctx, f);
  if (text && text->empty()) ctx.error(f.pos, f.path, "must name a node");
  if (!text || text->empty()) return false;
  e.node = *text;
  return true;
}

// {kind, namespace, name} (+ replicas for scale).
bool read_object_ref(ParseContext& ctx, const Field& f, TimelineEntry& e, bool scale) {
  std::vector<std::string_view> keys = {"kind", "namespace", "name"};
  if (scale) keys.push_back("replicas");
  MapReader m(ctx, f, std::span<const std::string_view>(keys.data(), keys.size()));
  if (!m.is_map()) return false;
  bool ok = true;
  if (auto kind = m.get("kind")) {
    if (scale) e.kind = read_enum(ctx, *kind, {"Deployment", "StatefulSet"}).value_or("");
    else e.kind = read_string(ctx, *kind).value_or("");
    ok = ok && !e.kind.empty();
  } else {
    ctx.missing(f.pos, child_path(f.path, "kind"));
    ok = false;
  }
  e.namespace_ = m.string("namespace").value_or("default");
  e.name = m.string("name").value_or("");
  if (e.name.empty()) {
    ctx.missing(f.pos, child_path(f.path, "name"));
    ok = false;
  }
  if (!scale) return ok;
  auto replicas = m.get("replicas");
  if (!replicas) {
    ctx.missing(f.pos, child_path(f.path, "replicas"));
    return false;
  }
  auto n = read_int(ctx, *replicas);
  if (n && *n < 0) ctx.error(replicas->pos, replicas->path, "must not be negative, got " + std::to_string(*n));
  if (!n || *n < 0) return false;
  e.replicas = *n;
  return ok;
}

std::optional<TimelineEntry> read_entry(ParseContext& ctx, const Field& item, std::string_view file_text,
                                        const std::string& scenario_path) {
  std::vector<std::string_view> known = {"at"};
  for (const auto& a : kActions) known.push_back(a.key);
  MapReader m(ctx, item, std::span<const std::string_view>(known.data(), known.size()));
  if (!m.is_map()) return std::nullopt;
  TimelineEntry e;
  e.pos = item.pos;
  bool ok = true;
  if (auto at = m.get("at")) {
    auto t = read_time(ctx, *at);
    ok = t.has_value();
    e.at = t.value_or(0);
  } else {
    ctx.missing(item.pos, child_path(item.path, "at"));
    ok = false;
  }
  std::optional<Field> value;
  int found = 0;
  for (const auto& a : kActions) {
    if (auto v = m.get(a.key)) {
      ++found;
      value = v;
      e.action = a.action;
    }
  }
  if (found != 1) {
    ctx.error(item.pos, item.path,
              found == 0 ? "a timeline entry needs one of " + action_keys_text() : "write one change per timeline entry");
    return std::nullopt;
  }
  switch (e.action) {
    case TimelineAction::Apply: e.manifests = read_manifest_list(ctx, *value, file_text, scenario_path); break;
    case TimelineAction::Delete: ok = read_object_ref(ctx, *value, e, false) && ok; break;
    case TimelineAction::Scale: ok = read_object_ref(ctx, *value, e, true) && ok; break;
    case TimelineAction::PodNotReady:
    case TimelineAction::PodReady: ok = read_pod_ref(ctx, *value, e) && ok; break;
    case TimelineAction::DrainNode:
    case TimelineAction::FailNode:
    case TimelineAction::StopKubeProxy: ok = read_node(ctx, *value, e) && ok; break;
    case TimelineAction::Fault: {
      auto fault = parse_fault(ctx, *value);
      if (!fault) return std::nullopt;
      e.fault = std::move(*fault);
      break;
    }
  }
  return ok ? std::optional<TimelineEntry>(std::move(e)) : std::nullopt;
}

}  // namespace

std::optional<double> read_time(ParseContext& ctx, const Field& f) {
  // Time 0 is the cluster as the manifests describe it; read_seconds takes positive durations only.
  if (f.node.IsScalar()) {
    const std::string& text = f.node.Scalar();
    if (text == "0" || text == "0s" || text == "0ms" || text == "0m") return 0.0;
  }
  return read_seconds(ctx, f);
}

std::vector<TimelineEntry> read_timeline(ParseContext& ctx, const Field& f, std::string_view file_text,
                                         const std::string& scenario_path) {
  std::vector<TimelineEntry> out;
  read_list(ctx, f, [&](const Field& item) {
    if (auto e = read_entry(ctx, item, file_text, scenario_path)) out.push_back(std::move(*e));
  });
  std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  return out;
}

}  // namespace packetwalk::model::load::detail
