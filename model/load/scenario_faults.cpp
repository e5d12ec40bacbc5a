// The scenario fields for suites and labs: `faults`, `golden`, `lab`, a probe's `size`, and an
// expectation's `notVia`, `latencyMaxUs` and `latencyMinUs` (docs/scenario-format.md, "Faults", "Golden output",
// "Labs").
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <set>

#include "scenario_http.h"
#include "scenario_parts.h"

namespace packetwalk::model::load {

namespace {

struct FaultKey {
  std::string_view key;
  FaultKind kind;
};
constexpr std::array<FaultKey, 13> kFaultKeys = {{
    {"kubeProxyDown", FaultKind::KubeProxyDown},
    {"kubeProxyStale", FaultKind::KubeProxyStale},
    {"cniDown", FaultKind::CniDown},
    {"linkDown", FaultKind::LinkDown},
    {"underlayMtu", FaultKind::UnderlayMtu},
    {"conntrackMax", FaultKind::ConntrackMax},
    {"hairpinModeOff", FaultKind::HairpinModeOff},
    {"noHairpinMasquerade", FaultKind::NoHairpinMasquerade},
    {"bridgeNfCallIptablesOff", FaultKind::BridgeNfCallIptablesOff},
    {"coreDnsDown", FaultKind::CoreDnsDown},
    {"coreDnsSlow", FaultKind::CoreDnsSlow},
    {"linkDelay", FaultKind::LinkDelay},
    {"linkLoss", FaultKind::LinkLoss},
}};

std::string percent_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", p);
  return buf;
}

std::string fault_keys_text() {
  std::string out;
  for (const auto& k : kFaultKeys) out += (out.empty() ? "" : ", ") + std::string(k.key);
  return out;
}

}  // namespace

bool fault_has_node(FaultKind kind) {
  return kind != FaultKind::UnderlayMtu && kind != FaultKind::CoreDnsDown && kind != FaultKind::CoreDnsSlow;
}

std::string fault_text(const FaultSpec& f) {
  for (const auto& k : kFaultKeys) {
    if (k.kind != f.kind) continue;
    switch (f.kind) {
      case FaultKind::UnderlayMtu: return std::string(k.key) + ": " + std::to_string(f.value);
      case FaultKind::ConntrackMax:
        return std::string(k.key) + ": {node: " + f.node + ", entries: " + std::to_string(f.value) + "}";
      case FaultKind::CoreDnsDown: return std::string(k.key) + ": true";
      case FaultKind::CoreDnsSlow: return std::string(k.key) + ": {latency: " + format_seconds(f.seconds) + "}";
      case FaultKind::LinkDelay:
        return std::string(k.key) + ": {node: " + f.node + ", latency: " + format_seconds(f.seconds) + "}";
      case FaultKind::LinkLoss:
        return std::string(k.key) + ": {node: " + f.node + ", percent: " + percent_text(f.percent) + "}";
      case FaultKind::KubeProxyStale: {
        if (f.synced) return "stopKubeProxy: " + f.node;
        std::string s = std::string(k.key) + ": " + f.node + ", ignoreServices: [";
        for (std::size_t i = 0; i < f.ignore_services.size(); ++i) s += (i ? ", " : "") + f.ignore_services[i];
        return s + "]";
      }
      default: return std::string(k.key) + ": " + f.node;
    }
  }
  return "?";
}

namespace detail {

namespace {

std::optional<double> read_number(ParseContext& ctx, const Field& f) {
  if (!f.node.IsDefined() || f.node.IsNull()) return std::nullopt;
  if (f.node.IsScalar()) {
    const std::string& text = f.node.Scalar();
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return v;
  }
  ctx.error(f.pos, f.path, "must be a number, got " + describe(f.node));
  return std::nullopt;
}

// `latency:` of coreDnsSlow and linkDelay: a positive duration, at most 60m (fault_value_in_range).
bool read_latency(ParseContext& ctx, const MapReader& m, const Field& parent, FaultSpec& fault) {
  auto latency = m.get("latency");
  if (!latency) {
    if (m.is_map()) ctx.missing(parent.pos, child_path(parent.path, "latency"));
    return false;
  }
  auto s = read_seconds(ctx, *latency);
  if (!s) return false;
  if (!fault_value_in_range(FaultKind::LinkDelay, *s)) {  // read_seconds has refused 0 and less
    ctx.error(latency->pos, latency->path, "must be at most " + format_seconds(kMaxFaultLatencySeconds) + ", got " + format_seconds(*s));
    return false;
  }
  fault.seconds = *s;
  return true;
}

// `percent:` of linkLoss: 30, 0.5 or "30%" (as tc writes it), more than 0 and at most 100.
bool read_percent(ParseContext& ctx, const MapReader& m, const Field& parent, FaultSpec& fault) {
  auto percent = m.get("percent");
  if (!percent) {
    if (m.is_map()) ctx.missing(parent.pos, child_path(parent.path, "percent"));
    return false;
  }
  Field f = *percent;
  std::optional<double> v;
  if (f.node.IsScalar() && !f.node.Scalar().empty() && f.node.Scalar().back() == '%') {
    std::string text = f.node.Scalar();
    text.pop_back();
    double d = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec == std::errc() && end == text.data() + text.size()) v = d;
    else {
      ctx.error(f.pos, f.path, "must be a percentage such as 30 or 30%, got " + describe(f.node));
      return false;
    }
  } else {
    v = read_number(ctx, f);
  }
  if (!v) return false;
  if (!fault_value_in_range(FaultKind::LinkLoss, *v)) {
    ctx.error(f.pos, f.path, "must be more than 0 and at most 100, got " + percent_text(*v));
    return false;
  }
  fault.percent = *v;
  return true;
}

// {node: NODE, ...}: the node of linkDelay, linkLoss and conntrackMax.
bool read_fault_node(ParseContext& ctx, const MapReader& m, const Field& parent, FaultSpec& fault) {
  fault.node = m.string("node").value_or("");
  if (m.is_map() && fault.node.empty() && !m.has("node")) ctx.missing(parent.pos, child_path(parent.path, "node"));
  else if (m.is_map() && fault.node.empty()) ctx.error(parent.pos, child_path(parent.path, "node"), "must name a node");
  return !fault.node.empty();
}

}  // namespace

std::optional<FaultSpec> parse_fault(ParseContext& ctx, const Field& item) {
  std::vector<std::string_view> known;
  for (const auto& k : kFaultKeys) known.push_back(k.key);
  known.push_back("ignoreServices");
  MapReader m(ctx, item, std::span<const std::string_view>(known.data(), known.size()));
  if (!m.is_map()) return std::nullopt;
  std::optional<Field> value;
  FaultSpec fault;
  fault.pos = item.pos;
  int found = 0;
  for (const auto& k : kFaultKeys) {
    if (auto v = m.get(k.key)) {
      ++found;
      value = v;
      fault.kind = k.kind;
    }
  }
  if (found != 1) {
    ctx.error(item.pos, item.path,
              found == 0 ? "a fault needs one of " + fault_keys_text() : "write one fault per list entry");
    return std::nullopt;
  }
  auto ignore = m.get("ignoreServices");
  if (ignore && fault.kind != FaultKind::KubeProxyStale)
    ctx.error(ignore->pos, ignore->path, "only a kubeProxyStale fault takes ignoreServices");
  switch (fault.kind) {
    case FaultKind::UnderlayMtu: {
      auto mtu = read_int(ctx, *value);
      if (!mtu) return std::nullopt;
      if (*mtu < 576 || *mtu > 65535) {
        ctx.error(value->pos, value->path, "must be between 576 and 65535, got " + std::to_string(*mtu));
        return std::nullopt;
      }
      fault.value = *mtu;
      return fault;
    }
    case FaultKind::CoreDnsDown: {
      auto on = read_bool(ctx, *value);
      if (!on) return std::nullopt;
      if (!*on) {
        ctx.error(value->pos, value->path, "must be true (leave the fault out for a running CoreDNS)");
        return std::nullopt;
      }
      return fault;
    }
    case FaultKind::CoreDnsSlow: {
      MapReader c(ctx, *value, {"latency"});
      if (!c.is_map() || !read_latency(ctx, c, *value, fault)) return std::nullopt;
      return fault;
    }
    case FaultKind::LinkDelay:
    case FaultKind::LinkLoss: {
      const bool delay = fault.kind == FaultKind::LinkDelay;
      MapReader c(ctx, *value, {"node", delay ? "latency" : "percent"});
      if (!c.is_map()) return std::nullopt;
      bool ok = read_fault_node(ctx, c, *value, fault);
      ok = (delay ? read_latency(ctx, c, *value, fault) : read_percent(ctx, c, *value, fault)) && ok;
      return ok ? std::optional<FaultSpec>(fault) : std::nullopt;
    }
    case FaultKind::ConntrackMax: {
      MapReader c(ctx, *value, {"node", "entries"});
      read_fault_node(ctx, c, *value, fault);
      auto entries = c.get("entries");
      if (!entries) {
        if (c.is_map()) ctx.missing(value->pos, child_path(value->path, "entries"));
        return std::nullopt;
      }
      auto n = read_int(ctx, *entries);
      if (!n) return std::nullopt;
      if (*n < 0) {
        ctx.error(entries->pos, entries->path, "must not be negative, got " + std::to_string(*n));
        return std::nullopt;
      }
      fault.value = *n;
      return fault.node.empty() ? std::nullopt : std::optional<FaultSpec>(fault);
    }
    default: {
      auto node = read_string(ctx, *value);
      if (!node || node->empty()) {
        if (node) ctx.error(value->pos, value->path, "must name a node");
        return std::nullopt;
      }
      fault.node = *node;
      if (fault.kind == FaultKind::KubeProxyStale && ignore) {
        fault.ignore_services = read_string_list(ctx, *ignore);
        if (fault.ignore_services.empty())
          ctx.error(ignore->pos, ignore->path, "must list at least one Service as NAMESPACE/NAME");
      } else if (fault.kind == FaultKind::KubeProxyStale) {
        ctx.missing(item.pos, child_path(item.path, "ignoreServices"));
      }
      return fault;
    }
  }
}

namespace {

std::string resolve_relative(const Scenario& s, const std::string& entry) {
  namespace fs = std::filesystem;
  fs::path p(entry);
  if (p.is_absolute()) return p.lexically_normal().generic_string();
  return (fs::path(s.path).parent_path() / p).lexically_normal().generic_string();
}

}  // namespace

std::vector<FaultSpec> parse_faults(ParseContext& ctx, const Field& f) {
  std::vector<FaultSpec> out;
  read_list(ctx, f, [&](const Field& item) {
    if (auto fault = parse_fault(ctx, item)) out.push_back(std::move(*fault));
  });
  return out;
}

std::optional<int> read_probe_size(ParseContext& ctx, const Field& f) {
  if (f.node.IsScalar() && f.node.Scalar() == "mtu") return kProbeSizeMtu;
  auto size = read_int(ctx, f);
  if (!size) return std::nullopt;
  // An IPv4 header (20) and the smallest transport header (UDP, 8) at least; at most what IPv4's
  // total-length field holds.
  if (*size < 28 || *size > 65535) {
    ctx.error(f.pos, f.path, "must be `mtu` or an IP total length between 28 and 65535 bytes, got " + std::to_string(*size));
    return std::nullopt;
  }
  return size;
}

void read_expectation_extras(ParseContext& ctx, const MapReader& m, Expectation& e) {
  if (auto v = m.get("notVia")) e.not_via = read_string_list(ctx, *v);
  if (auto v = m.get("latencyMaxUs")) {
    auto n = read_number(ctx, *v);
    if (n && *n <= 0) ctx.error(v->pos, v->path, "must be a positive number of microseconds");
    else if (n) e.latency_max_us = *n;
  }
  if (auto v = m.get("latencyMinUs")) {
    auto n = read_number(ctx, *v);
    if (n && *n < 0) ctx.error(v->pos, v->path, "must not be a negative number of microseconds");
    else if (n && e.latency_max_us && *n > *e.latency_max_us)
      ctx.error(v->pos, v->path, "must not exceed latencyMaxUs");
    else if (n) e.latency_min_us = *n;
  }
}

void read_suite_fields(ParseContext& ctx, const MapReader& top, Scenario& s) {
  namespace fs = std::filesystem;
  if (auto f = top.get("faults")) s.faults = parse_faults(ctx, *f);
  if (auto f = top.get("golden")) {
    if (auto text = read_string(ctx, *f); text && !text->empty()) s.golden = resolve_relative(s, *text);
  }
  auto lab_field = top.get("lab");
  if (!lab_field) return;
  MapReader lab(ctx, *lab_field, {"fix", "breaks", "layer"});
  if (!lab.is_map()) return;
  LabSpec spec;
  spec.pos = lab_field->pos;
  auto fix = lab.get("fix");
  if (!fix) {
    ctx.missing(lab_field->pos, child_path(lab_field->path, "fix"));
    return;
  }
  auto text = read_string(ctx, *fix);
  if (!text) return;
  spec.fix = resolve_relative(s, *text);
  std::error_code ec;
  if (!fs::is_regular_file(spec.fix, ec)) {
    ctx.error(fix->pos, fix->path, "the fix \"" + *text + "\" does not exist (looked for " + spec.fix + ")");
    return;
  }
  if (auto breaks = lab.get("breaks")) {
    std::set<std::string> names;
    for (const auto& p : s.probes) names.insert(p.name);
    read_list(ctx, *breaks, [&](const Field& item) {
      auto name = read_string(ctx, item);
      if (!name) return;
      if (!names.count(*name)) ctx.error(item.pos, item.path, "no probe is named \"" + *name + "\"");
      else spec.breaks.push_back(*name);
    });
  }
  if (auto layer = lab.get("layer")) {
    // The layers of query/diagnose.h, in the order diagnose checks them.
    spec.layer = read_enum(ctx, *layer, {"cni", "kube-proxy", "endpoints", "dns", "policy", "listener", "node", "ingress", "gateway"}).value_or("");
  }
  s.lab = std::move(spec);
}

}  // namespace detail

bool fault_value_in_range(FaultKind kind, double value) {
  switch (kind) {
    case FaultKind::LinkLoss: return value > 0 && value <= 100;
    case FaultKind::CoreDnsSlow:
    case FaultKind::LinkDelay: return value > 0 && value <= kMaxFaultLatencySeconds;
    default: return false;
  }
}

std::optional<double> parse_fault_value(FaultKind kind, const std::string& text, std::string& error) {
  const bool loss = kind == FaultKind::LinkLoss;
  const char* key = loss ? "percent" : "latency";
  using namespace detail;
  Diagnostics diags;
  ParseContext ctx(diags, TextOrigin{"(value)"});
  YAML::Node map;
  map[key] = text;
  const Field parent{"", map, {}, {}};
  MapReader m(ctx, parent, {key});
  FaultSpec f;
  f.kind = kind;
  if (loss ? read_percent(ctx, m, parent, f) : read_latency(ctx, m, parent, f)) return loss ? f.percent : f.seconds;
  error = diags.all().empty() ? "\"" + text + "\" is not a value" : diags.all().front().message;
  return std::nullopt;
}

}  // namespace packetwalk::model::load
