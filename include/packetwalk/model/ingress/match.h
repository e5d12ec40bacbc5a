#pragma once
// Pure matching rules of Ingress and Gateway API (k8s-semantics.md §6), shared by the routing
// tables, the `routes` command and the tests.

#include <optional>
#include <string>
#include <string_view>

#include "packetwalk/model/ingress/http.h"
#include "packetwalk/model/ingress/objects.h"

namespace packetwalk::model::ingress {

// networking.k8s.io/v1 `Prefix`: the rule's path elements (split on '/', empty elements from a
// leading or trailing '/' ignored) are an element-wise prefix of the request's; "/" matches all.
// Also Gateway API `PathPrefix`.
bool prefix_path_matches(std::string_view rule_path, std::string_view request_path);

// One Ingress path against a request path:
//   Exact                  case-sensitive equality
//   Prefix                 prefix_path_matches
//   ImplementationSpecific ingress-nginx's plain nginx `location /path` prefix: a string prefix,
//                          so `/aaa/bb` also matches `/aaa/bbb` (an empty path means "/")
bool ingress_path_matches(PathType type, std::string_view rule_path, std::string_view request_path);

// Ingress host: exact equality, or `*.foo.com` covering exactly one more label; "" matches every
// host. `host` must already be normalised (normalize_host).
bool ingress_host_matches(std::string_view rule_host, std::string_view host);

// Gateway API hostname: exact, or `*.example.com` matching any number of leading labels (not
// `example.com` itself); "" matches every host.
bool gateway_host_matches(std::string_view pattern, std::string_view host);

// The intersection of a listener's and a route's hostnames, as the Gateway API defines it for
// attachment: the more specific of the two when one covers the other; nullopt when disjoint.
// "" is "any". ("*.example.com", "foo.example.com") -> "foo.example.com".
std::optional<std::string> hostname_intersection(std::string_view listener, std::string_view route);

// Gateway API HTTPRouteMatch against a request: path, every header (names case-insensitive),
// every query parameter and the method must match (AND).
bool route_match_matches(const HttpRouteMatch& m, const HttpRequest& request);

// How specific a hostname is, for precedence: characters outside a wildcard, then all characters.
struct HostSpecificity {
  std::size_t exact_chars = 0;
  std::size_t chars = 0;
  auto operator<=>(const HostSpecificity&) const = default;
};
HostSpecificity host_specificity(std::string_view hostname);

}  // namespace packetwalk::model::ingress
