#include "packetwalk/model/ingress/http_target.h"

#include "packetwalk/model/dns/message.h"
#include "packetwalk/model/ingress/match.h"

namespace packetwalk::model::ingress {

namespace {

void apply_overrides(HttpRequest& r, const load::HttpProbeSpec& http) {
  if (!http.method.empty()) r.method = http.method;
  if (!http.host.empty()) r.set_header("Host", http.host);
  if (!http.path.empty()) {
    auto q = http.path.find('?');
    r.path = http.path.substr(0, q);
    r.query = q == std::string::npos ? "" : http.path.substr(q + 1);
  }
  for (const auto& [k, v] : http.headers) r.set_header(k, v);
}

// Step 4: the router meant for `host`.
std::optional<std::pair<net::Ipv4Address, std::string>> router_address(const cluster::Cluster& c, const std::string& host) {
  const auto& rt = c.ingress();
  for (const auto& g : rt.gateways().gateways) {
    if (g.addresses.empty()) continue;
    for (const auto& l : g.listeners) {
      if (!l.usable || !gateway_host_matches(l.hostname, host)) continue;
      if (auto ip = net::Ipv4Address::parse(g.addresses.front()))
        return std::make_pair(*ip, "the LoadBalancer address of " + g.ref + " (listener " + l.name + " hostname " +
                                       (l.hostname.empty() ? "*" : l.hostname) + ")");
    }
  }
  if (auto ip = rt.nginx_address()) return std::make_pair(*ip, std::string("the ingress-nginx controller's LoadBalancer address"));
  return std::nullopt;
}

}  // namespace

std::optional<ResolvedHttp> resolve_http(cluster::Cluster& c, query::ProbeRunner& runner, const std::string& from,
                                         const std::string& to, const load::HttpProbeSpec& http,
                                         const std::string& default_ns, std::string& error) {
  auto src = query::resolve_source(c, from, default_ns, error);
  if (!src) return std::nullopt;
  ResolvedHttp out;
  out.from_label = src->label;
  out.target.from = src->netns;
  HttpRequest& req = out.target.request;
  if (looks_like_url(to)) {
    auto url = parse_url(to, error);
    if (!url) return std::nullopt;
    req.host = url->host;
    if (url->explicit_port) req.host_port = url->port;
    req.path = url->path;
    req.query = url->query;
    req.tls = url->scheme == "https";
    out.target.port = static_cast<net::Port>(url->port);
    if (auto ip = net::Ipv4Address::parse(url->host)) {
      out.target.dst = *ip;
      out.resolution = "an address";
    } else if (auto it = c.scenario().hosts.find(url->host); it != c.scenario().hosts.end()) {
      out.target.dst = *net::Ipv4Address::parse(it->second);
      out.resolution = "the scenario's hosts: entry";
    } else {
      auto lookup = dns::lookup_name(c, runner, *src, url->host, {dns::rr::A});
      if (!lookup.result.addresses.empty()) {
        out.target.dst = lookup.result.addresses.front();
        out.resolution = "DNS (A record via " + out.from_label + "'s resolver)";
      } else if (auto r = router_address(c, url->host)) {
        out.target.dst = r->first;
        out.resolution = r->second + " (" + url->host + " has no DNS record: " +
                         std::string(dns::lookup_status_name(lookup.result.status)) + ")";
      } else {
        error = "cannot resolve " + url->host + ": no hosts: entry, no DNS record (" +
                std::string(dns::lookup_status_name(lookup.result.status)) +
                ") and no ingress controller or Gateway with a LoadBalancer address";
        return std::nullopt;
      }
      out.dns = std::move(lookup);
    }
  } else {
    auto dst = query::resolve_destination(c, to, *src, default_ns, error);
    if (!dst) return std::nullopt;
    out.target.dst = dst->address;
    out.target.port = dst->port;
    out.resolution = "the destination as given";
    auto colon = to.rfind(':');
    req.host = normalize_host(to.substr(0, colon));
    if (req.host.find('/') != std::string::npos) req.host = dst->address.to_string();
  }
  apply_overrides(req, http);
  out.to_label = out.target.dst.to_string() + ":" + std::to_string(out.target.port);
  out.url = std::string(req.tls ? "https://" : "http://") + req.host + (req.host_port ? ":" + std::to_string(req.host_port) : "") +
            req.target();
  return out;
}

}  // namespace packetwalk::model::ingress
