// Gateway API: routing one request through a Gateway's listener and its attached routes.
#include <algorithm>

#include "packetwalk/model/ingress/gateway.h"
#include "packetwalk/model/ingress/match.h"

namespace packetwalk::model::ingress {

namespace {

// The most specific of `hostnames` matching `host` ("" = any host matches with no specificity).
std::optional<std::string> matching_hostname(const std::vector<std::string>& hostnames, const std::string& host) {
  if (hostnames.empty()) return std::string();
  std::optional<std::string> best;
  for (const auto& h : hostnames) {
    if (!gateway_host_matches(h, host)) continue;
    if (!best || host_specificity(h) > host_specificity(*best)) best = h;
  }
  return best;
}

std::string entry_name(const RouteEntry& e) {
  return e.route + " rule " + std::to_string(e.rule) + " match " + std::to_string(e.match_index) + " (" +
         e.match.to_string() + ")";
}

std::string why_not(const HttpRouteMatch& m, const HttpRequest& r) {
  HttpRouteMatch path_only;
  path_only.path = m.path;
  if (!route_match_matches(path_only, r)) return "path " + r.path + " does not match " + std::string(to_string(m.path.type)) + " " + m.path.value;
  for (const auto& h : m.headers) {
    HttpRouteMatch one;
    one.headers.push_back(h);
    if (!route_match_matches(one, r)) return "header " + h.name + (r.header(h.name) ? " is \"" + *r.header(h.name) + "\"" : " is absent");
  }
  for (const auto& q : m.query_params) {
    HttpRouteMatch one;
    one.query_params.push_back(q);
    if (!route_match_matches(one, r)) return "query parameter " + q.name + (r.query_param(q.name) ? " is \"" + *r.query_param(q.name) + "\"" : " is absent");
  }
  if (!m.method.empty()) return "method is " + r.method + ", not " + m.method;
  return "no match";
}

void modify_headers(HttpRequest& r, const HeaderModifier& m) {
  for (const auto& h : m.set) r.set_header(h.name, h.value);
  for (const auto& h : m.add) r.add_header(h.name, h.value);
  for (const auto& name : m.remove) r.remove_header(name);
}

std::string replaced_path(const PathModifier& p, const HttpRouteMatch& m, const std::string& path) {
  if (p.type == "ReplaceFullPath") return p.value;
  if (p.type == "ReplacePrefixMatch" && m.path.type == PathMatchType::PathPrefix) {
    // Replace the matched elements; what follows keeps its leading '/'.
    std::string prefix = m.path.value;
    while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
    std::string rest = prefix == "/" ? path : path.substr(std::min(path.size(), prefix.size()));
    std::string repl = p.value;
    if (!rest.empty() && rest[0] == '/' && !repl.empty() && repl.back() == '/') repl.pop_back();
    if (!rest.empty() && rest[0] != '/' && (repl.empty() || repl.back() != '/')) repl += '/';
    std::string out = repl + rest;
    return out.empty() ? "/" : out;
  }
  return path;
}

}  // namespace

const GatewayState* gateway_for_request(const GatewayTables& tables, int port, const std::string& host) {
  for (const auto& gs : tables.gateways)
    for (const auto& l : gs.listeners)
      if (l.usable && l.port == port && gateway_host_matches(l.hostname, host)) return &gs;
  return nullptr;
}

RouteDecision route_gateway(const GatewayState& gateway, int port, const HttpRequest& request, sim::RandomStream* draw) {
  RouteDecision d;
  d.router = gateway.ref;
  d.upstream_request = request;
  const std::string& host = request.host;

  // The listener: on this port, speaking the request's protocol, most specific hostname first.
  const ListenerState* listener = nullptr;
  std::size_t index = 0;
  for (std::size_t i = 0; i < gateway.listeners.size(); ++i) {
    const auto& l = gateway.listeners[i];
    if (l.port != port || !l.usable) continue;
    if ((l.protocol == "HTTPS") != request.tls) continue;
    if (!gateway_host_matches(l.hostname, host)) {
      d.lost.push_back("listener " + l.name + " (hostname " + l.hostname + "): does not match host " + host);
      continue;
    }
    if (!listener || host_specificity(l.hostname) > host_specificity(listener->hostname)) {
      if (listener) d.lost.push_back("listener " + listener->name + ": listener " + l.name + " has a more specific hostname");
      listener = &l;
      index = i;
    } else {
      d.lost.push_back("listener " + l.name + ": listener " + listener->name + " has a more specific hostname");
    }
  }
  if (!listener) {
    d.status = 404;
    d.reason = "no programmed " + std::string(request.tls ? "HTTPS" : "HTTP") + " listener on port " + std::to_string(port) +
               " accepts host " + host;
    return d;
  }
  d.router += " listener " + listener->name;
  d.server = listener->hostname.empty() ? "*" : listener->hostname;

  struct Candidate {
    const RouteEntry* entry;
    HostSpecificity spec;
    std::string hostname;
  };
  std::vector<Candidate> candidates;
  for (const auto& e : gateway.entries[index]) {
    auto h = matching_hostname(e.hostnames, host);
    if (!h) {
      d.lost.push_back(entry_name(e) + ": route hostnames do not match " + host);
      continue;
    }
    candidates.push_back({&e, host_specificity(*h), *h});
  }
  // Entries are in match precedence order; the route hostname's specificity comes first.
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.spec > b.spec; });
  const Candidate* chosen = nullptr;
  for (const auto& c : candidates) {
    const bool hit = route_match_matches(c.entry->match, request);
    if (chosen) {
      d.lost.push_back(entry_name(*c.entry) + (hit ? ": also matches, lower precedence" : ": " + why_not(c.entry->match, request)));
      continue;
    }
    if (hit) chosen = &c;
    else d.lost.push_back(entry_name(*c.entry) + ": " + why_not(c.entry->match, request));
  }
  if (!chosen) {
    d.status = 404;
    d.reason = "no rule of the routes attached to listener " + listener->name + " matches";
    return d;
  }
  const RouteEntry& e = *chosen->entry;
  d.matched = true;
  d.route = e.route;
  d.rule = e.rule;
  d.path = e.match_index;
  d.match = e.match.to_string();
  d.reason = "listener " + listener->name + ", " + entry_name(e) + (chosen->hostname.empty() ? "" : " via hostname " + chosen->hostname);

  HttpRequest& up = d.upstream_request;
  for (const auto& f : e.filters) {
    if (f.type == "RequestHeaderModifier") {
      modify_headers(up, f.headers);
    } else if (f.type == "ResponseHeaderModifier") {
      for (const auto& h : f.headers.set) d.response_headers.emplace_back(h.name, h.value);
      for (const auto& h : f.headers.add) d.response_headers.emplace_back(h.name, h.value);
    } else if (f.type == "RequestRedirect") {
      const std::string scheme = f.scheme.empty() ? (request.tls ? "https" : "http") : f.scheme;
      int redirect_port = f.port ? f.port : (!f.scheme.empty() ? (scheme == "https" ? 443 : 80) : listener->port);
      const bool well_known = (scheme == "http" && redirect_port == 80) || (scheme == "https" && redirect_port == 443);
      std::string location = scheme + "://" + (f.hostname.empty() ? host : f.hostname) +
                             (well_known ? "" : ":" + std::to_string(redirect_port)) +
                             replaced_path(f.path, e.match, request.path) + (request.query.empty() ? "" : "?" + request.query);
      d.status = f.status_code;
      d.response_headers.emplace_back("Location", location);
      d.reason += "; RequestRedirect " + std::to_string(f.status_code) + " to " + location;
      return d;
    } else if (f.type == "URLRewrite") {
      if (!f.hostname.empty()) up.set_header("Host", f.hostname);
      std::string before = up.path;
      up.path = replaced_path(f.path, e.match, up.path);
      if (up.path != before) d.notes.push_back("URLRewrite: " + before + " -> " + up.path);
      if (!f.hostname.empty()) d.notes.push_back("URLRewrite: Host -> " + f.hostname);
    }
  }

  long total = 0;
  for (const auto& b : e.backends) total += b.ref.weight;
  if (e.backends.empty() || total == 0) {
    d.status = 500;
    d.reason += e.backends.empty() ? "; the rule has no backendRefs: 500" : "; every backendRef has weight 0: 500";
    return d;
  }
  const WeightedBackend* pick = nullptr;
  if (draw) {
    auto x = static_cast<long>(draw->below(static_cast<std::uint64_t>(total)));
    for (const auto& b : e.backends) {
      if (x < b.ref.weight) {
        pick = &b;
        break;
      }
      x -= b.ref.weight;
    }
  } else {
    for (const auto& b : e.backends) {
      if (!pick || b.ref.weight > pick->ref.weight) pick = &b;
    }
    if (e.backends.size() > 1)
      for (const auto& b : e.backends) d.weights.emplace_back(b.ref.to_string(), b.ref.weight);
  }
  if (!pick) pick = &e.backends.back();
  for (const auto& f : pick->ref.filters) {
    if (f.type == "RequestHeaderModifier") modify_headers(up, f.headers);
  }
  d.upstream = pick->upstream;
  if (!pick->upstream.usable()) {
    d.status = pick->upstream.failure_status;
    d.reason += "; " + pick->upstream.problem;
  }
  return d;
}

}  // namespace packetwalk::model::ingress
