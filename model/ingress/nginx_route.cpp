// Routing one request through ingress-nginx's table, and the per-pod state (rate limits, canary).
#include <algorithm>

#include "packetwalk/model/ingress/match.h"
#include "packetwalk/model/ingress/nginx.h"
#include "packetwalk/model/text/regex.h"

namespace packetwalk::model::ingress {

namespace {

bool location_matches(const NginxLocation& l, const std::string& path) {
  if (!l.regex) return ingress_path_matches(l.type, l.path, path);
  return text::Regex::compiled(l.path, {.case_insensitive = true}).search(path, /*anchored_at_start=*/true).has_value();
}

// nginx `rewrite "(?i)<path>" <target> break;`: when the location's path (as a regular expression)
// is found in the URI, the whole URI becomes the target with $1..$9 replaced; the query stays.
std::string rewrite(const NginxLocation& l, const std::string& path) {
  const auto m = text::Regex::compiled(l.path, {.case_insensitive = true}).search(path);
  if (!m) return path;
  std::string out;
  const auto& t = l.policy.rewrite_target;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '$' && i + 1 < t.size() && t[i + 1] >= '1' && t[i + 1] <= '9') {
      auto group = static_cast<std::size_t>(t[i + 1] - '0');
      if (group < m->size()) out += (*m)[group];
      ++i;
    } else {
      out += t[i];
    }
  }
  return out.empty() ? "/" : out;
}

std::string why_not(const NginxLocation& l, const std::string& path) {
  if (l.regex) return "regex ^" + l.path + " (case-insensitive) does not match " + path;
  switch (l.type) {
    case PathType::Exact: return path + " is not exactly " + l.path;
    case PathType::Prefix: return path + " is not " + l.path + " or below it (element-wise prefix)";
    case PathType::ImplementationSpecific: return path + " does not start with " + l.path;
  }
  return "";
}

bool in_ranges(const std::vector<net::Cidr>& ranges, net::Ipv4Address a) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const net::Cidr& c) { return c.contains(a); });
}

std::string source_of(const NginxLocation& l) {
  if (l.rule < 0) return l.ingress + " spec.defaultBackend";
  return l.ingress + " rule " + std::to_string(l.rule) + " path " + std::to_string(l.path_index);
}

std::string rate_text(double v) {
  auto s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

namespace detail {

// The whole routing; `state` null = the pure decision (no rate limit, canary by weight reported).
RouteDecision route_nginx_impl(const NginxTable& table, const HttpRequest& request, net::Ipv4Address client,
                               NginxState* state, sim::Time now,
                               const std::function<bool(const std::string&, double, double, std::int64_t)>& admit,
                               sim::RandomStream* canary_draw) {
  RouteDecision d;
  d.router = "ingress-nginx";
  d.upstream_request = request;
  const NginxServer* server = table.find_server(request.host);
  if (!server) {
    d.status = 404;
    d.reason = "no server block and no catch-all: the controller's default backend answers 404";
    return d;
  }
  d.server = server->host;
  if (server->host == "_" && !request.host.empty()) {
    std::vector<std::string> hosts;
    for (const auto& s : table.servers)
      if (s.host != "_") hosts.push_back(s.host);
    std::string list;
    for (const auto& h : hosts) list += (list.empty() ? "" : ", ") + h;
    d.lost.push_back("host " + request.host + " matches no server (" + (list.empty() ? "none" : list) +
                     "): the catch-all server _ takes it");
  }
  if (request.tls) {
    if (server->tls_secret.empty())
      d.notes.push_back("TLS for " + request.host + " uses the controller's " + certificate_text(*server));
    else if (server->tls_secret_missing) d.notes.push_back("TLS " + certificate_text(*server));
    else d.notes.push_back("TLS terminated with Secret " + server->tls_secret + " (SNI " + request.host + ")");
  }

  const NginxLocation* chosen = nullptr;
  for (const auto& l : server->locations) {
    const bool hit = location_matches(l, request.path);
    if (chosen) {
      if (hit) d.lost.push_back(l.match_text() + " (" + source_of(l) + ") also matches but " + chosen->match_text() +
                                (chosen->type == PathType::Exact && l.type != PathType::Exact ? " is Exact (Exact wins)"
                                 : chosen->path.size() > l.path.size() ? " is longer"
                                                                       : " comes first (older Ingress or Prefix before ImplementationSpecific)"));
      else d.lost.push_back(l.match_text() + " (" + source_of(l) + "): " + why_not(l, request.path));
      continue;
    }
    if (hit) chosen = &l;
    else d.lost.push_back(l.match_text() + " (" + source_of(l) + "): " + why_not(l, request.path));
  }

  if (!chosen && server->default_location) {
    chosen = &*server->default_location;
    d.reason = "no path matched on server " + server->host + ": " + source_of(*chosen);
  }
  if (!chosen) {
    d.status = 404;
    d.reason = "no path matched on server " + server->host + ": the controller's default backend answers 404";
    return d;
  }
  d.matched = chosen->rule >= 0;
  d.route = chosen->ingress;
  d.rule = chosen->rule;
  d.path = chosen->path_index;
  d.match = chosen->rule >= 0 ? chosen->match_text() : "spec.defaultBackend";
  if (d.reason.empty()) d.reason = "host " + server->host + ", " + chosen->match_text() + " (" + source_of(*chosen) + ")";
  const auto& policy = chosen->policy;

  // rewrite phase: rewrite-target, then the HTTPS redirect (ingress-nginx's Lua runs after it).
  if (!policy.rewrite_target.empty()) {
    d.upstream_request.path = rewrite(*chosen, request.path);
    if (d.upstream_request.path != request.path)
      d.notes.push_back("rewrite-target: " + request.path + " -> " + d.upstream_request.path);
  }
  const bool redirect = !request.tls && (policy.force_ssl_redirect || (server->tls && policy.ssl_redirect.value_or(table.ssl_redirect)));
  if (redirect) {
    d.status = 308;
    d.response_headers.emplace_back("Location", "https://" + request.host + request.target());
    d.reason += "; " + std::string(policy.force_ssl_redirect ? "force-ssl-redirect" : "TLS host with ssl-redirect") +
                ": 308 to https://" + request.host + request.target();
    return d;
  }
  // preaccess phase: limit_req.
  if (state && (policy.limit_rps > 0 || policy.limit_rpm > 0) && !in_ranges(policy.limit_whitelist, client)) {
    const std::int64_t now_ms = now.count_ns() / 1'000'000;
    const std::string zone = chosen->ingress_key + "|" + client.to_string();
    bool ok = true;
    if (policy.limit_rps > 0) ok = admit(zone + "|rps", policy.limit_rps, policy.limit_rps * policy.burst_multiplier, now_ms);
    if (ok && policy.limit_rpm > 0)
      ok = admit(zone + "|rpm", policy.limit_rpm / 60.0, policy.limit_rpm * policy.burst_multiplier, now_ms);
    if (!ok) {
      d.status = table.limit_req_status;
      d.reason += "; rate limit exceeded for " + client.to_string() + " (limit-rps " + rate_text(policy.limit_rps) +
                  ", burst " + rate_text(policy.limit_rps * policy.burst_multiplier) + "): limit-req-status-code " +
                  std::to_string(table.limit_req_status);
      return d;
    }
  } else if (!state && policy.limit_rps > 0) {
    d.notes.push_back("limit-rps " + rate_text(policy.limit_rps) + " per client address (burst " +
                      rate_text(policy.limit_rps * policy.burst_multiplier) + "); over it: " +
                      std::to_string(table.limit_req_status));
  }
  // access phase: allow/deny.
  if (!policy.allow_source.empty() && !in_ranges(policy.allow_source, client)) {
    d.status = 403;
    d.reason += "; whitelist-source-range does not contain the client address " + client.to_string();
    return d;
  }

  // content: the upstream, or a canary.
  d.upstream = chosen->upstream;
  for (const auto& c : chosen->canaries) {
    bool use = false;
    bool decided = false;
    if (!c.by_header.empty()) {
      if (auto v = request.header(c.by_header)) {
        if (!c.by_header_value.empty()) {
          if (*v == c.by_header_value) use = decided = true;
        } else if (*v == "always") {
          use = decided = true;
        } else if (*v == "never") {
          decided = true;
        }
      }
      if (decided) d.notes.push_back("canary-by-header " + c.by_header + ": " + (use ? "canary" : "main") + " backend");
    }
    if (!decided && c.weight > 0) {
      if (canary_draw) {
        use = static_cast<int>(canary_draw->below(static_cast<std::uint64_t>(c.weight_total))) + 1 <= c.weight;
      } else {
        d.weights.emplace_back(chosen->upstream.label(), c.weight_total - c.weight);
        d.weights.emplace_back(c.upstream.label() + " (canary " + c.ingress + ")", c.weight);
        d.notes.push_back("canary-weight " + std::to_string(c.weight) + "/" + std::to_string(c.weight_total) + ": " +
                          c.upstream.label() + " gets that share, drawn per request");
      }
    }
    if (use) {
      d.upstream = c.upstream;
      d.canary = true;
      d.reason += "; canary " + c.ingress;
      break;
    }
  }
  if (policy.service_upstream) {
    d.proxy_to_cluster_ip = true;
    d.notes.push_back("service-upstream: proxied to the Service's ClusterIP (kube-proxy picks the endpoint)");
  }
  if (!d.upstream->usable()) {
    d.status = d.upstream->failure_status;
    d.reason += "; " + d.upstream->problem;
  }
  (void)state;
  return d;
}

}  // namespace detail

RouteDecision route_nginx(const NginxTable& table, const HttpRequest& request, net::Ipv4Address client) {
  return detail::route_nginx_impl(table, request, client, nullptr, sim::Time::zero(), {}, nullptr);
}

bool NginxState::admit(const std::string& zone, double rate_per_s, double burst, std::int64_t now_ms) {
  // ngx_http_limit_req_module: excess in 1/1000 requests drains at `rate`; a request adds 1000;
  // over the burst it is rejected and the state is left as it was (nodelay: no queueing).
  const auto rate = static_cast<std::int64_t>(rate_per_s * 1000);
  const auto limit = static_cast<std::int64_t>(burst * 1000);
  auto it = buckets_.find(zone);
  if (it == buckets_.end()) {
    buckets_[zone] = Bucket{0, now_ms};
    return true;
  }
  std::int64_t ms = now_ms - it->second.last_ms;
  if (ms < 0) ms = -ms;
  std::int64_t excess = it->second.excess - rate * ms / 1000 + 1000;
  if (excess < 0) excess = 0;
  if (excess > limit) return false;
  it->second.excess = excess;
  it->second.last_ms = now_ms;
  return true;
}

RouteDecision NginxState::route(const NginxTable& table, const HttpRequest& request, net::Ipv4Address client,
                                sim::Time now) {
  auto admit_fn = [this](const std::string& zone, double rate, double burst, std::int64_t now_ms) {
    return admit(zone, rate, burst, now_ms);
  };
  return detail::route_nginx_impl(table, request, client, this, now, admit_fn, &random_.stream("ingress-nginx-canary"));
}

}  // namespace packetwalk::model::ingress
