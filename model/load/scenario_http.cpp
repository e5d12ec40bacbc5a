// Scenario files: hosts, HTTP requests of probes and traffic (load) runs.
#include <cctype>
#include <set>

#include "packetwalk/model/net/ip.h"
#include "scenario_http.h"

namespace packetwalk::model::load::detail {

namespace {

std::map<std::string, ShareRange> read_shares(ParseContext& ctx, const Field& f) {
  std::map<std::string, ShareRange> out;
  if (!f.node.IsMap()) {
    ctx.error(f.pos, f.path, "expected a mapping of name: [min, max], got " + describe(f.node));
    return out;
  }
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string key = it->first.Scalar();
    Field item{child_path(f.path, key), it->second, ctx.pos(it->second), ctx.pos(it->first)};
    ctx.record(item.path, item.pos);
    if (auto r = read_share_range(ctx, item)) out[key] = *r;
  }
  return out;
}

TrafficSpec read_traffic(ParseContext& ctx, const Field& f, std::size_t index) {
  TrafficSpec t;
  t.pos = f.pos;
  MapReader m(ctx, f, {"name", "from", "to", "http", "rate", "duration", "pattern", "peak", "burstLength", "every",
                       "serviceTime", "connections", "requestSize", "responseSize", "expect"});
  t.name = m.string("name").value_or("traffic-" + std::to_string(index + 1));
  t.from = m.string("from").value_or("");
  t.to = m.string("to").value_or("");
  if (m.is_map() && t.from.empty()) ctx.missing(f.pos, child_path(f.path, "from"));
  if (m.is_map() && t.to.empty()) ctx.missing(f.pos, child_path(f.path, "to"));
  if (auto v = m.get("http")) t.http = read_http_probe(ctx, *v);
  if (auto v = m.get("rate")) t.rate = read_number(ctx, *v, 0).value_or(t.rate);
  if (auto v = m.get("duration")) t.duration_s = read_seconds(ctx, *v).value_or(t.duration_s);
  if (auto v = m.get("pattern")) t.pattern = read_enum(ctx, *v, {"burst", "constant", "ramp"}).value_or(t.pattern);
  if (auto v = m.get("peak")) t.peak = read_number(ctx, *v, 0).value_or(0);
  if (auto v = m.get("burstLength")) t.burst_length_s = read_seconds(ctx, *v).value_or(t.burst_length_s);
  if (auto v = m.get("every")) t.every_s = read_seconds(ctx, *v).value_or(0);
  if (auto v = m.get("serviceTime")) t.service_time_ms = read_seconds(ctx, *v).value_or(0.001) * 1000;
  if (auto v = m.get("connections")) {
    t.connections = read_int(ctx, *v).value_or(t.connections);
    if (t.connections < 1) ctx.error(v->pos, v->path, "must be at least 1");
  }
  if (auto v = m.get("requestSize")) t.request_bytes = read_bytes(ctx, *v).value_or(t.request_bytes);
  if (auto v = m.get("responseSize")) t.response_bytes = read_bytes(ctx, *v).value_or(t.response_bytes);
  if ((t.pattern == "ramp" || t.pattern == "burst") && t.peak <= 0)
    ctx.error(f.pos, child_path(f.path, "peak"), "pattern " + t.pattern + " needs `peak` (requests per second)");
  if (t.rate * t.duration_s > 1'000'000)
    ctx.error(f.pos, f.path, "more than 1,000,000 requests: lower rate or duration");
  if (auto e = m.get("expect")) {
    MapReader em(ctx, *e, {"status", "services", "p99", "dropped"});
    if (auto v = em.get("status")) t.expect_status = read_shares(ctx, *v);
    if (auto v = em.get("services")) t.expect_services = read_shares(ctx, *v);
    if (auto v = em.get("p99"); v && v->node.IsMap()) {
      // `p99: {min: 50ms, max: 2s}`: a range, for scenarios that show latency growing.
      MapReader pm(ctx, *v, {"min", "max"});
      if (auto lo = pm.get("min")) {
        if (auto s = read_seconds(ctx, *lo)) t.expect_p99_min_ms = *s * 1000;
      }
      if (auto hi = pm.get("max")) {
        if (auto s = read_seconds(ctx, *hi)) t.expect_p99_ms = *s * 1000;
      }
    } else if (v) {
      if (auto s = read_seconds(ctx, *v)) t.expect_p99_ms = *s * 1000;
    }
    if (auto v = em.get("dropped")) {
      // A share range, like one entry of `status:`: [min, max] of requests that met a tail drop.
      t.expect_dropped = read_share_range(ctx, *v);
    }
  }
  return t;
}

}  // namespace

HttpProbeSpec read_http_probe(ParseContext& ctx, const Field& f) {
  HttpProbeSpec h;
  h.present = true;
  h.pos = f.pos;
  MapReader m(ctx, f, {"method", "host", "path", "headers"});
  if (auto v = m.get("method"))
    h.method = read_enum(ctx, *v, {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}).value_or("");
  h.host = m.string("host").value_or("");
  h.path = m.string("path").value_or("");
  if (!h.path.empty() && h.path[0] != '/') ctx.error(f.pos, child_path(f.path, "path"), "must start with '/'");
  if (auto v = m.get("headers")) {
    for (const auto& [k, val] : read_string_map(ctx, *v)) h.headers.emplace_back(k, val);
  }
  return h;
}

int read_http_status(ParseContext& ctx, const Field& f) {
  auto v = read_int(ctx, f);
  if (!v) return 0;
  if (*v < 100 || *v > 599) {
    ctx.error(f.pos, f.path, "an HTTP status is between 100 and 599, got " + std::to_string(*v));
    return 0;
  }
  return *v;
}

void read_http_fields(ParseContext& ctx, const MapReader& m, Scenario& s) {
  if (auto hosts = m.get("hosts")) {
    for (const auto& [name, ip] : read_string_map(ctx, *hosts)) {
      if (!net::Ipv4Address::parse(ip)) {
        ctx.error(hosts->pos, child_path(hosts->path, name), "\"" + ip + "\" is not an IPv4 address");
        continue;
      }
      std::string lower;
      for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      s.hosts[lower] = ip;
    }
  }
  if (auto links = m.get("links")) s.links = read_links(ctx, *links);
  if (auto traffic = m.get("traffic")) {
    std::set<std::string> names;
    read_list(ctx, *traffic, [&](const Field& item) {
      auto t = read_traffic(ctx, item, s.traffic.size());
      if (!names.insert(t.name).second) ctx.error(item.pos, item.path + ".name", "duplicate traffic name \"" + t.name + "\"");
      s.traffic.push_back(std::move(t));
    });
  }
}

}  // namespace packetwalk::model::load::detail
