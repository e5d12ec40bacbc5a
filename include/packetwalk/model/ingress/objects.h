#pragma once
// Ingress (networking.k8s.io/v1), IngressClass, and the Gateway API kinds GatewayClass, Gateway,
// HTTPRoute (gateway.networking.k8s.io/v1) and ReferenceGrant (v1beta1 or v1) as typed structs.
//
// The manifest loader keeps these kinds as kube::GenericObject (their YAML text plus the position
// of every field); parse_routing_objects() reads them here, so diagnostics name file:line, the
// object and the field path like the loader's own ("spec.rules[0].http.paths[1].pathType: ...").
// API defaults are applied while parsing (documented per field). Values the API would reject are
// errors and the object is kept with best-effort values; fields packetwalk does not read are
// accepted silently only where the API has them (unknown fields are warnings, as in the loader).
//
// Typing is lenient about quoted scalars: the loader's re-emitted YAML no longer says whether
// `number: "80"` was quoted, so a numeric-looking string is read as a number.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::ingress {

inline constexpr std::string_view kGatewayGroup = "gateway.networking.k8s.io";
inline constexpr std::string_view kNginxController = "k8s.io/ingress-nginx";

// ---- Ingress ----------------------------------------------------------------------------------

enum class PathType { Exact, Prefix, ImplementationSpecific };
std::string_view to_string(PathType t);

// A Service port by number or by name (exactly one is set when valid).
struct ServicePortRef {
  int number = 0;
  std::string name;
  std::string to_string() const { return name.empty() ? std::to_string(number) : name; }
};

struct IngressBackend {
  std::string service;  // service.name; empty when the backend is a `resource`
  ServicePortRef port;
  std::string resource;  // "Kind/name" of a resource backend (not routable by ingress-nginx)
  std::string field;     // field path, for diagnostics ("spec.rules[0].http.paths[0].backend")
};

struct IngressPath {
  std::string path;  // "" when omitted (only valid for ImplementationSpecific: means "/")
  PathType type = PathType::Prefix;
  IngressBackend backend;
  std::string field;
};

struct IngressRule {
  std::string host;  // "" = every host
  std::vector<IngressPath> paths;
  std::string field;
};

struct IngressTls {
  std::vector<std::string> hosts;
  std::string secret_name;
  std::string field;
};

struct Ingress {
  kube::ObjectMeta meta;
  std::optional<std::string> class_name;  // spec.ingressClassName
  std::optional<IngressBackend> default_backend;
  std::vector<IngressRule> rules;
  std::vector<IngressTls> tls;
  std::string creation_timestamp;  // metadata.creationTimestamp as written ("" when absent)
  std::string ref() const { return meta.ref(); }
  std::string annotation(std::string_view key) const;  // "" when absent
  bool has_annotation(std::string_view key) const;
};

struct IngressClass {
  kube::ObjectMeta meta;
  std::string controller;   // spec.controller ("k8s.io/ingress-nginx")
  bool is_default = false;  // annotation ingressclass.kubernetes.io/is-default-class: "true"
  std::string ref() const { return meta.ref(); }
};

// ---- Gateway API ------------------------------------------------------------------------------

struct GatewayClass {
  kube::ObjectMeta meta;
  std::string controller_name;  // spec.controllerName
  std::string ref() const { return meta.ref(); }
};

enum class RoutesFrom { Same, All, Selector };

struct RouteGroupKind {
  std::string group;  // default gateway.networking.k8s.io
  std::string kind;
};

struct SecretRef {
  std::string group;  // "" = core
  std::string kind = "Secret";
  std::string name;
  std::string namespace_;  // "" = the Gateway's
};

struct GatewayListener {
  std::string name;
  std::string hostname;  // "" = any
  int port = 0;
  std::string protocol;  // HTTP, HTTPS, TLS, TCP, UDP (as written)
  std::vector<SecretRef> certificate_refs;
  RoutesFrom from = RoutesFrom::Same;  // allowedRoutes.namespaces.from (default Same)
  kube::LabelSelector namespace_selector;
  std::vector<RouteGroupKind> kinds;  // allowedRoutes.kinds; empty: what the protocol allows
  std::string field;
};

struct Gateway {
  kube::ObjectMeta meta;
  std::string class_name;  // spec.gatewayClassName
  std::vector<GatewayListener> listeners;
  std::vector<std::string> addresses;  // spec.addresses[].value (IPAddress type)
  std::string ref() const { return meta.ref(); }
};

struct ParentRef {
  std::string group = std::string(kGatewayGroup);
  std::string kind = "Gateway";
  std::string namespace_;  // defaulted to the route's namespace
  std::string name;
  std::string section_name;  // "" = every listener
  int port = 0;              // 0 = any
  std::string field;
};

enum class PathMatchType { Exact, PathPrefix, RegularExpression };
enum class ValueMatchType { Exact, RegularExpression };
std::string_view to_string(PathMatchType t);

struct HttpPathMatch {
  PathMatchType type = PathMatchType::PathPrefix;
  std::string value = "/";
};

struct HttpValueMatch {  // a header or query parameter match
  ValueMatchType type = ValueMatchType::Exact;
  std::string name;
  std::string value;
};

struct HttpRouteMatch {
  HttpPathMatch path;  // default PathPrefix "/"
  std::vector<HttpValueMatch> headers;
  std::vector<HttpValueMatch> query_params;
  std::string method;  // "" = any
  std::string to_string() const;  // "PathPrefix /v1, header x-env=canary, GET"
};

struct HeaderValue {
  std::string name;
  std::string value;
};

struct HeaderModifier {
  std::vector<HeaderValue> set;
  std::vector<HeaderValue> add;
  std::vector<std::string> remove;
};

// Path modification of RequestRedirect and URLRewrite.
struct PathModifier {
  std::string type;  // "ReplaceFullPath" | "ReplacePrefixMatch" | "" (none)
  std::string value;
};

struct HttpRouteFilter {
  std::string type;  // RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite, ...
  HeaderModifier headers;
  // RequestRedirect
  std::string scheme;
  std::string hostname;
  PathModifier path;
  int port = 0;
  int status_code = 302;
  std::string field;
};

struct BackendRef {
  std::string group;          // "" = core
  std::string kind = "Service";
  std::string name;
  std::string namespace_;     // defaulted to the route's namespace
  int port = 0;               // required for Services
  int weight = 1;
  std::vector<HttpRouteFilter> filters;
  std::string field;
  std::string to_string() const;  // "ns/name:port"
};

struct HttpRouteRule {
  std::string name;                    // optional rule name
  std::vector<HttpRouteMatch> matches;  // never empty after defaulting (PathPrefix /)
  std::vector<HttpRouteFilter> filters;
  std::vector<BackendRef> backend_refs;
  std::string field;
};

struct HttpRoute {
  kube::ObjectMeta meta;
  std::vector<ParentRef> parent_refs;
  std::vector<std::string> hostnames;
  std::vector<HttpRouteRule> rules;
  std::string creation_timestamp;
  std::string ref() const { return meta.ref(); }
};

struct GrantFrom {
  std::string group;
  std::string kind;
  std::string namespace_;
};
struct GrantTo {
  std::string group;  // "" = core
  std::string kind;
  std::string name;  // "" = every object of the kind
};

struct ReferenceGrant {
  kube::ObjectMeta meta;
  std::vector<GrantFrom> from;
  std::vector<GrantTo> to;
  std::string ref() const { return meta.ref(); }
  // Whether an object of group/kind in `from_ns` may refer to to_group/to_kind `to_name` here.
  bool permits(std::string_view from_group, std::string_view from_kind, std::string_view from_ns,
               std::string_view to_group, std::string_view to_kind, std::string_view to_name) const;
};

// ---- everything, read from a ManifestSet ------------------------------------------------------

struct RoutingObjects {
  std::vector<Ingress> ingresses;  // sorted by (namespace, name), as the ManifestSet is
  std::vector<IngressClass> ingress_classes;
  std::vector<GatewayClass> gateway_classes;
  std::vector<Gateway> gateways;
  std::vector<HttpRoute> http_routes;
  std::vector<ReferenceGrant> reference_grants;
  std::vector<std::string> secrets;  // "ns/name" of every Secret in the manifests (TLS lookups)

  bool empty() const { return ingresses.empty() && gateways.empty() && http_routes.empty(); }
  const IngressClass* find_ingress_class(std::string_view name) const;
  const GatewayClass* find_gateway_class(std::string_view name) const;
  const Gateway* find_gateway(std::string_view ns, std::string_view name) const;
  bool has_secret(std::string_view ns, std::string_view name) const;
};

// Reads every Ingress, IngressClass, GatewayClass, Gateway, HTTPRoute, ReferenceGrant and Secret of
// `manifests.others`. Objects of the same kind names in other API groups (Istio's Gateway) are left
// alone. Problems are reported into `diags` (errors: values the API server rejects).
RoutingObjects parse_routing_objects(const load::ManifestSet& manifests, load::Diagnostics& diags);

}  // namespace packetwalk::model::ingress
