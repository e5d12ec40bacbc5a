#pragma once
// ingress-nginx's routing: which Ingresses a controller serves (IngressClass selection), the
// server blocks (hosts) and locations (paths) it builds from them with their annotations, and how
// one request is routed through them. Semantics: k8s-semantics.md §6.1; docs/ingress.md.
//
// Servers: exact hosts, then one-label wildcards (`*.foo.com`), then the catch-all `_` (rules
// without host). A request's Host selects one server; inside it the first location in precedence
// order that matches wins: Exact before the rest, then the longest path; on equal length Prefix
// before ImplementationSpecific; then the older Ingress (creationTimestamp, else namespace/name).
// No location: the server's default backend — an Ingress's spec.defaultBackend for its hosts (an
// Ingress without rules: for the catch-all), else the controller's own default backend (404).
// A host with `use-regex` or `rewrite-target` on any of its Ingresses turns its non-Exact paths
// into case-insensitive regular expressions anchored at the start, tried longest first (nginx
// `location ~*`), as ingress-nginx does.
//
// Annotations (prefix nginx.ingress.kubernetes.io/): rewrite-target, use-regex, ssl-redirect,
// force-ssl-redirect, whitelist-source-range / allowlist-source-range (403), limit-rps, limit-rpm,
// limit-burst-multiplier, limit-whitelist, service-upstream, canary, canary-weight,
// canary-weight-total, canary-by-header, canary-by-header-value. `rate-limit` is not an
// ingress-nginx annotation: packetwalk reads it as an alias of limit-rps and warns.
// The controller ConfigMap (ingress-nginx/ingress-nginx-controller) may set ssl-redirect and
// limit-req-status-code (default 503).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/ingress/objects.h"
#include "packetwalk/model/ingress/routing.h"
#include "packetwalk/model/net/ip.h"
#include "packetwalk/sim/random.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::ingress {

// The settings one Ingress's annotations give its locations.
struct LocationPolicy {
  std::string rewrite_target;
  bool use_regex = false;
  std::optional<bool> ssl_redirect;  // nullopt: the ConfigMap's (default true)
  bool force_ssl_redirect = false;
  std::vector<net::Cidr> allow_source;  // empty: everyone
  double limit_rps = 0;                 // requests per second per client address (0 = none)
  double limit_rpm = 0;
  int burst_multiplier = 5;
  std::vector<net::Cidr> limit_whitelist;
  bool service_upstream = false;
};

struct CanaryBackend {
  std::string ingress;  // "Ingress default/api-canary"
  Upstream upstream;
  int weight = 0;
  int weight_total = 100;
  std::string by_header;
  std::string by_header_value;
};

struct NginxLocation {
  std::string path;  // as written ("/" for an empty ImplementationSpecific path)
  PathType type = PathType::Prefix;
  bool regex = false;  // a `location ~*` (the host has use-regex/rewrite-target)
  std::string ingress;  // "Ingress default/api-ingress"
  std::string ingress_key;  // "default/api-ingress" (rate-limit zones are per Ingress)
  int rule = -1;
  int path_index = -1;
  Upstream upstream;
  LocationPolicy policy;
  std::vector<CanaryBackend> canaries;
  std::string match_text() const;  // "Exact /v1", "Prefix /v1", "regex ^/v1"
};

struct NginxServer {
  std::string host;  // "_" for the catch-all
  std::vector<NginxLocation> locations;  // in precedence order
  std::optional<NginxLocation> default_location;  // spec.defaultBackend of an Ingress
  bool tls = false;                // it has a certificate (its Ingress has a tls section): ssl-redirect applies
  std::string tls_secret;          // "ns/name"; "" = the default self-signed certificate
  bool tls_secret_missing = false; // tls_secret names a Secret that does not exist
  std::string tls_default_reason;  // why no Secret was chosen, when tls_secret is ""
  bool wildcard() const { return host.size() > 2 && host.substr(0, 2) == "*."; }
};

// The certificate ingress-nginx serves when no Secret applies: the self-signed one it generates at
// start (its subject CN), unless --default-ssl-certificate names another (not modelled).
inline constexpr const char* kNginxFakeCertificate = "Kubernetes Ingress Controller Fake Certificate";

// What the controller serves for HTTPS to this server, for people: "Secret ns/name", "Secret
// ns/name NOT FOUND: default (fake) certificate served instead", "default (fake) certificate
// (why)". Servers without a tls section answer HTTPS too, with the default certificate.
std::string certificate_text(const NginxServer& s);

struct IgnoredObject {
  std::string ref;
  load::SourcePos pos;
  std::string reason;
};

struct NginxTable {
  std::vector<std::string> classes;  // IngressClass names this controller serves
  std::vector<NginxServer> servers;  // exact hosts (sorted), wildcard hosts (sorted), then "_"
  std::vector<IgnoredObject> ignored;
  std::vector<std::string> notes;    // warnings worth showing with the table
  bool ssl_redirect = true;          // ConfigMap ssl-redirect
  int limit_req_status = 503;        // ConfigMap limit-req-status-code
  int ingress_count = 0;             // Ingresses served

  const NginxServer* find_server(std::string_view host) const;  // exact, wildcard, then "_"
};

// Builds the table of the ingress-nginx controller (controller k8s.io/ingress-nginx) from every
// Ingress. `config` is the controller ConfigMap's data (may be empty). Warnings (deprecated or
// alias annotations, missing TLS secrets) go to `diags` once, with the Ingress's position.
NginxTable build_nginx_table(const RoutingObjects& objects, const kube::ServiceState& services,
                             const std::map<std::string, std::string>& config, load::Diagnostics& diags);

// The pure part of routing: server, location, redirects and access rules, without rate limits or
// the random canary draw (reported in `weights`). `client` is the address nginx sees.
RouteDecision route_nginx(const NginxTable& table, const HttpRequest& request, net::Ipv4Address client);

// The stateful part of a controller pod: limit_req zones (leaky bucket per Ingress and client,
// burst = rate x multiplier, nodelay, as ngx_http_limit_req_module) and the canary draw
// (`math.random(total) <= weight`). One per controller pod.
class NginxState {
public:
  explicit NginxState(std::uint64_t seed) : random_(seed) {}
  // Routes `request` arriving at simulated time `now`: route_nginx(), then the rate limit
  // (status limit_req_status when rejected) and the canary choice.
  RouteDecision route(const NginxTable& table, const HttpRequest& request, net::Ipv4Address client, sim::Time now);
  void reset() { buckets_.clear(); }

private:
  struct Bucket {
    std::int64_t excess = 0;  // milli-requests, as nginx keeps it
    std::int64_t last_ms = 0;
  };
  bool admit(const std::string& key, double rate_per_s, double burst, std::int64_t now_ms);
  sim::RandomStreams random_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace packetwalk::model::ingress
