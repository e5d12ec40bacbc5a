#pragma once
// Gateway API routing: which HTTPRoutes attach to which Gateway listeners (with the status
// conditions a controller would write, and the reasons when a route does not attach), and how a
// request is routed. Semantics: k8s-semantics.md §6.2 and gateway-api apis/v1/httproute_types.go.
//
// Per request, on the port it arrived at: the listener whose hostname matches the Host most
// specifically (exact, then the longest wildcard, then none); then, across every rule of every
// route attached to it: the route whose matching hostname has the most non-wildcard characters,
// then the most characters; then Exact path, longest PathPrefix (RegularExpression paths after
// both: implementation-specific), a method match, most header matches, most query matches; then
// the oldest route, then "{namespace}/{name}", then rule and match order. First match wins.
// No match: 404. Filters: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect,
// URLRewrite (the others are accepted, not simulated). Backends by weight; an invalid backendRef
// answers 500 for its share, a Service without ready endpoints 503.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/ingress/objects.h"
#include "packetwalk/model/ingress/routing.h"
#include "packetwalk/sim/random.h"

namespace packetwalk::model::ingress {

struct Condition {
  std::string type;    // Accepted, ResolvedRefs, Programmed, Conflicted
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
};

struct ListenerState {
  std::string name;
  int port = 0;
  std::string protocol;
  std::string hostname;
  std::vector<Condition> conditions;
  int attached_routes = 0;
  bool usable = false;  // Accepted, refs resolved, not conflicted, and HTTP or HTTPS
  std::string field;
};

struct WeightedBackend {
  BackendRef ref;
  Upstream upstream;
  std::string invalid;  // why the reference itself is invalid (500 for its share); "" when valid
};

// One match of one rule of an attached route, as a routing table entry.
struct RouteEntry {
  std::string route;      // "HTTPRoute default/api"
  std::string route_key;  // "default/api"
  std::string creation_timestamp;
  int rule = 0;
  int match_index = 0;
  HttpRouteMatch match;
  std::vector<std::string> hostnames;  // effective (route ∩ listener); empty = any host
  std::vector<HttpRouteFilter> filters;
  std::vector<WeightedBackend> backends;
};

struct ParentStatus {
  std::string parent;  // "Gateway default/gw" (+ " section http")
  std::vector<Condition> conditions;
};

struct RouteStatus {
  std::string route;  // "HTTPRoute default/api"
  load::SourcePos pos;
  std::vector<ParentStatus> parents;
  bool attached = false;  // Accepted by at least one parent
};

struct GatewayState {
  std::string ref;  // "Gateway default/gw"
  std::string namespace_;
  std::string name;
  std::string class_name;
  std::string controller;  // the GatewayClass's controllerName ("" when the class is missing)
  std::vector<Condition> conditions;
  std::vector<ListenerState> listeners;
  std::vector<std::vector<RouteEntry>> entries;  // per listener, in match precedence order
  std::vector<std::string> addresses;            // spec.addresses, then the data plane's LoadBalancer IP
};

struct GatewayTables {
  std::vector<GatewayState> gateways;  // sorted by namespace/name
  std::vector<RouteStatus> routes;     // every HTTPRoute, sorted by namespace/name
  const GatewayState* find(std::string_view ns, std::string_view name) const;
};

// Attaches routes and computes statuses. `namespaces` carry the labels allowedRoutes selectors read.
GatewayTables build_gateway_tables(const RoutingObjects& objects, const kube::ServiceState& services,
                                   const std::vector<kube::Namespace>& namespaces);

// The Gateway a request for `host` on `port` is meant for: the first (by namespace/name) with a
// programmed listener on that port whose hostname takes the host; nullptr when none does. What
// `packetwalk routes --request` and `diagnose` ask before route_gateway.
const GatewayState* gateway_for_request(const GatewayTables& tables, int port, const std::string& host);

// Routes `request` that reached `gateway` on `port`. `draw` picks among weighted backends; null:
// the pure decision (the heaviest backend is named, and every weight is listed in `weights`).
RouteDecision route_gateway(const GatewayState& gateway, int port, const HttpRequest& request, sim::RandomStream* draw);

}  // namespace packetwalk::model::ingress
