#include "packetwalk/model/ingress/objects.h"

#include <algorithm>

#include "parsers.h"

namespace packetwalk::model::ingress {

std::string_view to_string(PathType t) {
  switch (t) {
    case PathType::Exact: return "Exact";
    case PathType::Prefix: return "Prefix";
    case PathType::ImplementationSpecific: return "ImplementationSpecific";
  }
  return "?";
}

std::string_view to_string(PathMatchType t) {
  switch (t) {
    case PathMatchType::Exact: return "Exact";
    case PathMatchType::PathPrefix: return "PathPrefix";
    case PathMatchType::RegularExpression: return "RegularExpression";
  }
  return "?";
}

std::string Ingress::annotation(std::string_view key) const {
  auto it = meta.annotations.find(std::string(key));
  return it == meta.annotations.end() ? std::string() : it->second;
}

bool Ingress::has_annotation(std::string_view key) const { return meta.annotations.count(std::string(key)) > 0; }

std::string HttpRouteMatch::to_string() const {
  std::string out = std::string(ingress::to_string(path.type)) + " " + path.value;
  for (const auto& h : headers)
    out += ", header " + h.name + (h.type == ValueMatchType::Exact ? "=" : "~") + h.value;
  for (const auto& q : query_params)
    out += ", query " + q.name + (q.type == ValueMatchType::Exact ? "=" : "~") + q.value;
  if (!method.empty()) out += ", method " + method;
  return out;
}

std::string BackendRef::to_string() const {
  std::string out = namespace_ + "/" + name + ":" + std::to_string(port);
  if (!(group.empty() && kind == "Service")) out = kind + " " + out;
  return out;
}

bool ReferenceGrant::permits(std::string_view from_group, std::string_view from_kind, std::string_view from_ns,
                             std::string_view to_group, std::string_view to_kind, std::string_view to_name) const {
  bool from_ok = std::any_of(from.begin(), from.end(), [&](const GrantFrom& f) {
    return f.group == from_group && f.kind == from_kind && f.namespace_ == from_ns;
  });
  bool to_ok = std::any_of(to.begin(), to.end(), [&](const GrantTo& t) {
    return t.group == to_group && t.kind == to_kind && (t.name.empty() || t.name == to_name);
  });
  return from_ok && to_ok;
}

const IngressClass* RoutingObjects::find_ingress_class(std::string_view name) const {
  for (const auto& c : ingress_classes)
    if (c.meta.name == name) return &c;
  return nullptr;
}

const GatewayClass* RoutingObjects::find_gateway_class(std::string_view name) const {
  for (const auto& c : gateway_classes)
    if (c.meta.name == name) return &c;
  return nullptr;
}

const Gateway* RoutingObjects::find_gateway(std::string_view ns, std::string_view name) const {
  for (const auto& g : gateways)
    if (g.meta.namespace_ == ns && g.meta.name == name) return &g;
  return nullptr;
}

bool RoutingObjects::has_secret(std::string_view ns, std::string_view name) const {
  return std::find(secrets.begin(), secrets.end(), std::string(ns) + "/" + std::string(name)) != secrets.end();
}

namespace {

std::string_view group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

std::string_view version_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);
}

}  // namespace

RoutingObjects parse_routing_objects(const load::ManifestSet& manifests, load::Diagnostics& diags) {
  RoutingObjects out;
  for (const auto& obj : manifests.others) {
    const auto& kind = obj.meta.kind;
    const auto group = group_of(obj.meta.api_version);
    const auto version = version_of(obj.meta.api_version);
    if (kind == "Secret") {
      out.secrets.push_back(obj.meta.namespace_ + "/" + obj.meta.name);
      continue;
    }
    using Fn = void (*)(detail::ObjectReader&, RoutingObjects&);
    Fn fn = nullptr;
    std::string_view wanted;
    if (group == "networking.k8s.io" && (kind == "Ingress" || kind == "IngressClass")) {
      fn = kind == "Ingress" ? detail::parse_ingress : detail::parse_ingress_class;
      wanted = "v1";
    } else if (group == kGatewayGroup) {
      if (kind == "GatewayClass") fn = detail::parse_gateway_class;
      else if (kind == "Gateway") fn = detail::parse_gateway;
      else if (kind == "HTTPRoute") fn = detail::parse_http_route;
      else if (kind == "ReferenceGrant") fn = detail::parse_reference_grant;
      wanted = kind == "ReferenceGrant" ? "v1beta1" : "v1";
    }
    if (!fn) continue;
    if (version != wanted && !(group == kGatewayGroup && (version == "v1" || version == "v1beta1"))) {
      diags.error(obj.meta.pos, obj.meta.ref(),
                  "no matches for kind \"" + kind + "\" in version \"" + obj.meta.api_version + "\" (packetwalk reads " +
                      std::string(group) + "/" + std::string(wanted) + ")");
      continue;
    }
    detail::ObjectReader reader(obj, diags);
    if (reader.ok()) fn(reader, out);
  }
  return out;
}

}  // namespace packetwalk::model::ingress
