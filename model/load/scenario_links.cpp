// Scenario files: `links:` (bandwidth and transmit queues for load runs). The rate and size
// units are read by scenario_units.cpp.
#include "scenario_http.h"

namespace packetwalk::model::load::detail {

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
