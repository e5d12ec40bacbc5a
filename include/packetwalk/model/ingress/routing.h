#pragma once
// What an HTTP router (ingress-nginx or a Gateway) decided for one request, and the Service
// backends it proxies to. Shared by the Ingress and Gateway API tables, the datapath application
// and the `routes` command.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/ingress/http.h"
#include "packetwalk/model/ingress/objects.h"
#include "packetwalk/model/kube/services.h"

namespace packetwalk::model::ingress {

// A Service port a route sends traffic to, resolved against the built ServiceState.
struct Upstream {
  std::string namespace_;
  std::string service;
  std::string port_text;  // as the route wrote it: "80" or "http"
  int service_port = 0;   // the Service port number; 0 when unresolved
  std::optional<net::Ipv4Address> cluster_ip;
  std::vector<kube::EndpointInfo> endpoints;  // ready endpoints, kube-proxy's order
  std::string problem;                        // why requests to it fail; "" when it has endpoints
  int failure_status = 0;                     // what the proxy answers then (503, 500)

  std::string label() const { return namespace_ + "/" + service + ":" + port_text; }
  bool usable() const { return problem.empty(); }
};

// Looks the Service port up by number or name. Problems: no such Service (503, as ingress-nginx:
// an upstream without servers), no such port (503), ExternalName (502: not simulated), no ready
// endpoints (503).
Upstream resolve_upstream(const kube::ServiceState& services, const std::string& ns, const std::string& name,
                          const ServicePortRef& port);

struct RouteDecision {
  bool matched = false;     // a rule matched (false: a default backend or 404)
  std::string router;       // "ingress-nginx" or "Gateway default/gw listener http"
  std::string route;        // "Ingress default/api-ingress", "HTTPRoute default/r"; "" for none
  int rule = -1;            // index in spec.rules
  int path = -1;            // index in http.paths (Ingress) or matches (HTTPRoute)
  std::string match;        // "Prefix /v1", "PathPrefix /api, header x-env=canary"
  std::string server;       // the server name / listener hostname that took the request
  int status = 0;           // the router answered itself (404, 308, 403, 503...); 0 = proxied
  std::string reason;       // one line: why this outcome
  std::vector<std::string> lost;  // one line per candidate that did not win, and why
  std::vector<std::string> notes; // TLS, deprecated annotations, ...
  std::optional<Upstream> upstream;  // where the request is proxied
  bool canary = false;
  std::vector<std::pair<std::string, int>> weights;  // weighted choice: label -> weight (display)
  HttpRequest upstream_request;      // what the backend receives (rewrites, header filters)
  HeaderList response_headers;       // e.g. Location of a redirect
  bool proxy_to_cluster_ip = false;  // ingress-nginx service-upstream: connect to the ClusterIP

  std::string backend_label() const;  // upstream label, "default backend" or ""
};

}  // namespace packetwalk::model::ingress
