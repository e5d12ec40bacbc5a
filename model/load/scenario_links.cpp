// Scenario files: `links:` (bandwidth and transmit queues for load runs) and the size and rate
// units they use. Rates follow tc(8)'s spelling; its byte units (kbps, mbps = bytes per second)
// are refused because they read as bits to almost everyone.
#include <cctype>
#include <charconv>

#include "scenario_http.h"

namespace packetwalk::model::load::detail {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Splits "10Mbit" into 10 and "mbit" (lowercased); nullopt when the number part is not one.
std::optional<std::pair<double, std::string>> number_and_unit(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, v);
  if (i == 0 || ec != std::errc() || ptr != text.data() + i) return std::nullopt;
  return std::make_pair(v, lower(text.substr(i)));
}

}  // namespace

std::optional<double> read_bandwidth(ParseContext& ctx, const Field& f) {
  if (!f.node.IsScalar()) {
    ctx.error(f.pos, f.path, "expected a rate such as 10Mbit or 1Gbit, got " + describe(f.node));
    return std::nullopt;
  }
  const std::string text = f.node.Scalar();
  auto nu = number_and_unit(text);
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1}, {"bit", 1}, {"kbit", 1e3}, {"mbit", 1e6}, {"gbit", 1e9}, {"tbit", 1e12}};
  if (nu) {
    if (nu->second == "bps" || nu->second == "kbps" || nu->second == "mbps" || nu->second == "gbps") {
      ctx.error(f.pos, f.path,
                "\"" + text + "\": tc reads " + nu->second + " as bytes per second; write bits, such as 10Mbit");
      return std::nullopt;
    }
    for (const auto& [unit, scale] : kUnits) {
      if (nu->second == unit && nu->first > 0) return nu->first * scale;
    }
  }
  ctx.error(f.pos, f.path, "expected a positive rate in bit, kbit, Mbit, Gbit or Tbit (such as 10Mbit), got \"" + text + "\"");
  return std::nullopt;
}

std::optional<int> read_bytes(ParseContext& ctx, const Field& f) {
  if (!f.node.IsScalar()) {
    ctx.error(f.pos, f.path, "expected a size such as 4096, 4KiB or 1MiB, got " + describe(f.node));
    return std::nullopt;
  }
  const std::string text = f.node.Scalar();
  auto nu = number_and_unit(text);
  static const std::pair<const char*, double> kUnits[] = {{"", 1},      {"b", 1},          {"kib", 1024},
                                                          {"mib", 1 << 20}, {"kb", 1000}, {"mb", 1e6}};
  if (nu) {
    for (const auto& [unit, scale] : kUnits) {
      const double bytes = nu->first * scale;
      // 64 MiB bounds a message: larger ones are transfers, not requests, and would swamp a run.
      if (nu->second == unit && bytes >= 1 && bytes <= 64.0 * (1 << 20)) return static_cast<int>(bytes);
    }
  }
  ctx.error(f.pos, f.path, "expected a size from 1 byte to 64MiB such as 4096, 4KiB or 1MiB, got \"" + text + "\"");
  return std::nullopt;
}

namespace {

std::optional<int> read_queue(ParseContext& ctx, const Field& f) {
  auto v = read_int(ctx, f);
  if (v && *v < 1) {
    ctx.error(f.pos, f.path, "txqueuelen must be at least 1 frame, got " + std::to_string(*v));
    return std::nullopt;
  }
  return v;
}

}  // namespace

LinksSpec read_links(ParseContext& ctx, const Field& f) {
  LinksSpec spec;
  spec.present = true;
  spec.pos = f.pos;
  MapReader m(ctx, f, {"bandwidth", "txqueuelen", "devices"});
  if (auto v = m.get("bandwidth")) spec.bandwidth_bps = read_bandwidth(ctx, *v).value_or(0);
  if (auto v = m.get("txqueuelen")) spec.txqueuelen = read_queue(ctx, *v).value_or(spec.txqueuelen);
  auto devices = m.get("devices");
  if (!devices) return spec;
  if (!devices->node.IsMap()) {
    ctx.error(devices->pos, devices->path,
              "expected a mapping of NETNS/DEVICE: {bandwidth, txqueuelen}, got " + describe(devices->node));
    return spec;
  }
  for (auto it = devices->node.begin(); it != devices->node.end(); ++it) {
    const std::string name = it->first.Scalar();
    Field item{child_path(devices->path, name), it->second, ctx.pos(it->second), ctx.pos(it->first)};
    ctx.record(item.path, item.pos);
    if (name.find('/') == std::string::npos) {
      ctx.error(item.pos, item.path, "a device is NETNS/DEVICE, such as external/router/eth0 or node-1/eth0, got \"" + name + "\"");
      continue;
    }
    LinkSettings s;
    s.pos = item.pos;
    MapReader d(ctx, item, {"bandwidth", "txqueuelen"});
    if (auto v = d.get("bandwidth")) s.bandwidth_bps = read_bandwidth(ctx, *v);
    if (auto v = d.get("txqueuelen")) s.txqueuelen = read_queue(ctx, *v);
    spec.devices[name] = s;
  }
  return spec;
}

}  // namespace packetwalk::model::load::detail
