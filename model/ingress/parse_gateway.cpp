// Gateway API kinds (gateway.networking.k8s.io): GatewayClass, Gateway, HTTPRoute, ReferenceGrant,
// with the defaults and CEL/OpenAPI validations of the v1 CRDs that routing depends on.
#include <set>

#include "parsers.h"

namespace packetwalk::model::ingress::detail {

namespace {

constexpr int kMaxWeight = 1000000;

void check_hostname(ObjectReader& r, const std::string& path, const std::string& host) {
  if (net::Ipv4Address::parse(host)) {
    r.error(path, "Invalid value: \"" + host + "\": must be a hostname, not an IP address");
  } else if (!is_dns_subdomain(host, true) || host.find('*', 1) != std::string::npos) {
    r.error(path, "Invalid value: \"" + host + "\": must be a (wildcard) DNS-1123 subdomain such as \"*.example.com\"");
  }
}

std::vector<HeaderValue> read_header_values(ObjectReader& r, const Node& n) {
  std::vector<HeaderValue> out;
  for (const auto& item : r.items(n)) {
    if (!r.map(item, {"name", "value"})) continue;
    out.push_back({r.string_at(item, "name", true).value_or(""), r.string_at(item, "value", true).value_or("")});
  }
  return out;
}

HeaderModifier read_header_modifier(ObjectReader& r, const Node& n) {
  HeaderModifier m;
  if (!r.map(n, {"set", "add", "remove"})) return m;
  if (auto v = r.get(n, "set")) m.set = read_header_values(r, *v);
  if (auto v = r.get(n, "add")) m.add = read_header_values(r, *v);
  if (auto v = r.get(n, "remove")) m.remove = r.strings(*v);
  return m;
}

PathModifier read_path_modifier(ObjectReader& r, const Node& n) {
  PathModifier p;
  if (!r.map(n, {"type", "replaceFullPath", "replacePrefixMatch"})) return p;
  p.type = r.string_at(n, "type", true).value_or("");
  if (p.type == "ReplaceFullPath") {
    p.value = r.string_at(n, "replaceFullPath", true).value_or("/");
  } else if (p.type == "ReplacePrefixMatch") {
    p.value = r.string_at(n, "replacePrefixMatch", true).value_or("/");
  } else if (!p.type.empty()) {
    r.error(n.path + ".type", "Unsupported value: \"" + p.type + "\": supported values: \"ReplaceFullPath\", \"ReplacePrefixMatch\"");
  }
  return p;
}

HttpRouteFilter read_filter(ObjectReader& r, const Node& n) {
  HttpRouteFilter f;
  f.field = n.path;
  if (!r.map(n, {"type", "requestHeaderModifier", "responseHeaderModifier", "requestMirror", "requestRedirect",
                 "urlRewrite", "extensionRef", "cors", "externalAuth"}))
    return f;
  f.type = r.string_at(n, "type", true).value_or("");
  auto need = [&](std::string_view key) -> std::optional<Node> {
    auto v = r.get(n, key);
    if (!v) r.error(n.path + "." + std::string(key), "Required value: filter." + std::string(key) + " must be specified for type " + f.type);
    return v;
  };
  if (f.type == "RequestHeaderModifier" || f.type == "ResponseHeaderModifier") {
    auto key = f.type == "RequestHeaderModifier" ? "requestHeaderModifier" : "responseHeaderModifier";
    if (auto v = need(key)) f.headers = read_header_modifier(r, *v);
  } else if (f.type == "RequestRedirect") {
    if (auto v = need("requestRedirect"); v && r.map(*v, {"scheme", "hostname", "path", "port", "statusCode"})) {
      f.scheme = r.string_at(*v, "scheme").value_or("");
      if (!f.scheme.empty() && f.scheme != "http" && f.scheme != "https")
        r.error(v->path + ".scheme", "Unsupported value: \"" + f.scheme + "\": supported values: \"http\", \"https\"");
      f.hostname = r.string_at(*v, "hostname").value_or("");
      if (auto p = r.get(*v, "path")) f.path = read_path_modifier(r, *p);
      f.port = r.integer_at(*v, "port").value_or(0);
      f.status_code = r.integer_at(*v, "statusCode").value_or(302);
      if (f.status_code != 301 && f.status_code != 302)
        r.error(v->path + ".statusCode", "Unsupported value: " + std::to_string(f.status_code) + ": supported values: \"301\", \"302\"");
    }
  } else if (f.type == "URLRewrite") {
    if (auto v = need("urlRewrite"); v && r.map(*v, {"hostname", "path"})) {
      f.hostname = r.string_at(*v, "hostname").value_or("");
      if (auto p = r.get(*v, "path")) f.path = read_path_modifier(r, *p);
    }
  } else if (f.type == "RequestMirror" || f.type == "ExtensionRef" || f.type == "CORS" || f.type == "ExternalAuth") {
    r.warning(n.path + ".type", "filter type " + f.type + " is accepted but not simulated");
  } else if (!f.type.empty()) {
    r.error(n.path + ".type", "Unsupported value: \"" + f.type +
                                  "\": supported values: \"RequestHeaderModifier\", \"ResponseHeaderModifier\", "
                                  "\"RequestMirror\", \"RequestRedirect\", \"URLRewrite\", \"ExtensionRef\"");
  }
  return f;
}

HttpValueMatch read_value_match(ObjectReader& r, const Node& n) {
  HttpValueMatch m;
  if (!r.map(n, {"type", "name", "value"})) return m;
  auto type = r.string_at(n, "type").value_or("Exact");
  if (type == "RegularExpression") m.type = ValueMatchType::RegularExpression;
  else if (type != "Exact")
    r.error(n.path + ".type", "Unsupported value: \"" + type + "\": supported values: \"Exact\", \"RegularExpression\"");
  m.name = r.string_at(n, "name", true).value_or("");
  m.value = r.string_at(n, "value", true).value_or("");
  return m;
}

HttpRouteMatch read_match(ObjectReader& r, const Node& n) {
  HttpRouteMatch m;
  if (!r.map(n, {"path", "headers", "queryParams", "method"})) return m;
  if (auto p = r.get(n, "path"); p && r.map(*p, {"type", "value"})) {
    auto type = r.string_at(*p, "type").value_or("PathPrefix");
    if (type == "Exact") m.path.type = PathMatchType::Exact;
    else if (type == "RegularExpression") m.path.type = PathMatchType::RegularExpression;
    else if (type != "PathPrefix")
      r.error(p->path + ".type", "Unsupported value: \"" + type + "\": supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\"");
    m.path.value = r.string_at(*p, "value").value_or("/");
    if (m.path.type != PathMatchType::RegularExpression && (m.path.value.empty() || m.path.value[0] != '/'))
      r.error(p->path + ".value", "Invalid value: \"" + m.path.value + "\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']");
    if (m.path.type != PathMatchType::RegularExpression && m.path.value.find("//") != std::string::npos)
      r.error(p->path + ".value", "Invalid value: \"" + m.path.value + "\": must not contain '//'");
  }
  if (auto h = r.get(n, "headers")) {
    std::set<std::string> seen;
    for (const auto& item : r.items(*h)) {
      m.headers.push_back(read_value_match(r, item));
      std::string lower;
      for (char c : m.headers.back().name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!seen.insert(lower).second) r.error(item.path + ".name", "Invalid value: header name must be unique within a match");
    }
  }
  if (auto q = r.get(n, "queryParams")) {
    for (const auto& item : r.items(*q)) m.query_params.push_back(read_value_match(r, item));
  }
  if (auto method = r.get(n, "method")) {
    m.method = r.string(*method).value_or("");
    static const std::set<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    if (!kMethods.count(m.method))
      r.error(method->path, "Unsupported value: \"" + m.method + "\": supported values: \"GET\", \"HEAD\", \"POST\", \"PUT\", \"DELETE\", \"CONNECT\", \"OPTIONS\", \"TRACE\", \"PATCH\"");
  }
  return m;
}

BackendRef read_backend_ref(ObjectReader& r, const Node& n, const std::string& route_ns) {
  BackendRef b;
  b.field = n.path;
  if (!r.map(n, {"group", "kind", "name", "namespace", "port", "weight", "filters"})) return b;
  b.group = r.string_at(n, "group").value_or("");
  b.kind = r.string_at(n, "kind").value_or("Service");
  b.name = r.string_at(n, "name", true).value_or("");
  b.namespace_ = r.string_at(n, "namespace").value_or(route_ns);
  if (auto port = r.get(n, "port")) {
    b.port = r.integer(*port).value_or(0);
    if (b.port < 1 || b.port > 65535) r.error(port->path, "Invalid value: " + std::to_string(b.port) + ": must be between 1 and 65535");
  } else if (b.group.empty() && b.kind == "Service") {
    r.error(n.path, "Invalid value: must specify port for Service reference");
  }
  if (auto w = r.get(n, "weight")) {
    b.weight = r.integer(*w).value_or(1);
    if (b.weight < 0 || b.weight > kMaxWeight)
      r.error(w->path, "Invalid value: " + std::to_string(b.weight) + ": must be between 0 and 1000000");
  }
  if (auto f = r.get(n, "filters")) {
    for (const auto& item : r.items(*f)) b.filters.push_back(read_filter(r, item));
  }
  return b;
}

}  // namespace

void parse_gateway_class(ObjectReader& r, RoutingObjects& out) {
  GatewayClass c;
  c.meta = r.meta();
  if (auto spec = r.get(r.root(), "spec"); spec && r.map(*spec, {"controllerName", "parametersRef", "description"})) {
    c.controller_name = r.string_at(*spec, "controllerName", true).value_or("");
  } else if (!spec) {
    r.missing("spec");
  }
  out.gateway_classes.push_back(std::move(c));
}

void parse_gateway(ObjectReader& r, RoutingObjects& out) {
  Gateway g;
  g.meta = r.meta();
  auto spec = r.get(r.root(), "spec");
  if (!spec) r.missing("spec");
  if (spec && r.map(*spec, {"gatewayClassName", "listeners", "addresses", "infrastructure", "backendTLS", "allowedListeners"})) {
    g.class_name = r.string_at(*spec, "gatewayClassName", true).value_or("");
    if (auto addresses = r.get(*spec, "addresses")) {
      for (const auto& a : r.items(*addresses)) {
        if (!r.map(a, {"type", "value"})) continue;
        auto type = r.string_at(a, "type").value_or("IPAddress");
        auto value = r.string_at(a, "value", true).value_or("");
        if (type == "IPAddress" && !net::Ipv4Address::parse(value))
          r.error(a.path + ".value", "Invalid value: \"" + value + "\": must be an IPv4 address (packetwalk models IPv4)");
        if (type == "IPAddress") g.addresses.push_back(value);
      }
    }
    auto listeners = r.get(*spec, "listeners");
    if (!listeners) r.missing(spec->path + ".listeners");
    std::set<std::string> names;
    if (listeners) {
      for (const auto& item : r.items(*listeners)) {
        GatewayListener l;
        l.field = item.path;
        if (!r.map(item, {"name", "hostname", "port", "protocol", "tls", "allowedRoutes"})) continue;
        l.name = r.string_at(item, "name", true).value_or("");
        if (!l.name.empty() && !names.insert(l.name).second)
          r.error(item.path + ".name", "Invalid value: \"" + l.name + "\": Listener name must be unique within the Gateway");
        if (auto h = r.get(item, "hostname")) {
          l.hostname = r.string(*h).value_or("");
          check_hostname(r, h->path, l.hostname);
        }
        l.port = r.integer_at(item, "port", true).value_or(0);
        if (l.port < 1 || l.port > 65535)
          r.error(item.path + ".port", "Invalid value: " + std::to_string(l.port) + ": must be between 1 and 65535");
        l.protocol = r.string_at(item, "protocol", true).value_or("");
        if ((l.protocol == "TCP" || l.protocol == "UDP") && !l.hostname.empty())
          r.error(item.path + ".hostname", "Forbidden: hostname must not be specified for protocols ['TCP', 'UDP']");
        if (auto tls = r.get(item, "tls"); tls && r.map(*tls, {"mode", "certificateRefs", "options", "frontendValidation"})) {
          if (auto refs = r.get(*tls, "certificateRefs")) {
            for (const auto& ref : r.items(*refs)) {
              if (!r.map(ref, {"group", "kind", "name", "namespace"})) continue;
              SecretRef s;
              s.group = r.string_at(ref, "group").value_or("");
              s.kind = r.string_at(ref, "kind").value_or("Secret");
              s.name = r.string_at(ref, "name", true).value_or("");
              s.namespace_ = r.string_at(ref, "namespace").value_or("");
              l.certificate_refs.push_back(s);
            }
          }
        }
        if (l.protocol == "HTTPS" && l.certificate_refs.empty())
          r.error(item.path + ".tls", "Invalid value: certificateRefs or options must be specified when mode is Terminate");
        if (auto ar = r.get(item, "allowedRoutes"); ar && r.map(*ar, {"namespaces", "kinds"})) {
          if (auto ns = r.get(*ar, "namespaces"); ns && r.map(*ns, {"from", "selector"})) {
            auto from = r.string_at(*ns, "from").value_or("Same");
            if (from == "All") l.from = RoutesFrom::All;
            else if (from == "Selector") l.from = RoutesFrom::Selector;
            else if (from != "Same")
              r.error(ns->path + ".from", "Unsupported value: \"" + from + "\": supported values: \"All\", \"Selector\", \"Same\"");
            if (auto sel = r.get(*ns, "selector"); sel && r.map(*sel, {"matchLabels", "matchExpressions"})) {
              if (auto ml = r.get(*sel, "matchLabels"); ml && ml->node.IsMap()) {
                for (auto it = ml->node.begin(); it != ml->node.end(); ++it)
                  l.namespace_selector.match_labels[it->first.Scalar()] = it->second.IsScalar() ? it->second.Scalar() : "";
              }
              if (auto me = r.get(*sel, "matchExpressions")) {
                for (const auto& e : r.items(*me)) {
                  if (!r.map(e, {"key", "operator", "values"})) continue;
                  kube::LabelSelectorRequirement req;
                  req.key = r.string_at(e, "key", true).value_or("");
                  req.op = r.string_at(e, "operator", true).value_or("");
                  if (auto vals = r.get(e, "values")) req.values = r.strings(*vals);
                  l.namespace_selector.match_expressions.push_back(req);
                }
              }
            }
            if (l.from == RoutesFrom::Selector && l.namespace_selector.empty())
              r.error(ns->path + ".selector", "Invalid value: selector must be specified when From is set to 'Selector'");
          }
          if (auto kinds = r.get(*ar, "kinds")) {
            for (const auto& k : r.items(*kinds)) {
              if (!r.map(k, {"group", "kind"})) continue;
              l.kinds.push_back({r.string_at(k, "group").value_or(std::string(kGatewayGroup)), r.string_at(k, "kind", true).value_or("")});
            }
          }
        }
        g.listeners.push_back(std::move(l));
      }
      if (g.listeners.empty()) r.error(listeners->path, "Invalid value: must have at least 1 item");
    }
  }
  out.gateways.push_back(std::move(g));
}

void parse_http_route(ObjectReader& r, RoutingObjects& out) {
  HttpRoute route;
  route.meta = r.meta();
  const auto& ns = route.meta.namespace_;
  if (auto meta = r.get(r.root(), "metadata")) route.creation_timestamp = r.string_at(*meta, "creationTimestamp").value_or("");
  auto spec = r.get(r.root(), "spec");
  if (spec && r.map(*spec, {"parentRefs", "hostnames", "rules", "useDefaultGateways"})) {
    if (auto parents = r.get(*spec, "parentRefs")) {
      for (const auto& item : r.items(*parents)) {
        ParentRef p;
        p.field = item.path;
        if (!r.map(item, {"group", "kind", "namespace", "name", "sectionName", "port"})) continue;
        p.group = r.string_at(item, "group").value_or(p.group);
        p.kind = r.string_at(item, "kind").value_or(p.kind);
        p.namespace_ = r.string_at(item, "namespace").value_or(ns);
        p.name = r.string_at(item, "name", true).value_or("");
        p.section_name = r.string_at(item, "sectionName").value_or("");
        p.port = r.integer_at(item, "port").value_or(0);
        route.parent_refs.push_back(std::move(p));
      }
    }
    if (auto hostnames = r.get(*spec, "hostnames")) {
      for (const auto& h : r.items(*hostnames)) {
        auto host = r.string(h).value_or("");
        check_hostname(r, h.path, host);
        route.hostnames.push_back(host);
      }
    }
    if (auto rules = r.get(*spec, "rules")) {
      auto items = r.items(*rules);
      if (items.size() > 16) r.error(rules->path, "Too many: " + std::to_string(items.size()) + ": must have at most 16 items");
      for (const auto& item : items) {
        HttpRouteRule rule;
        rule.field = item.path;
        if (!r.map(item, {"name", "matches", "filters", "backendRefs", "timeouts", "retry", "sessionPersistence"})) continue;
        rule.name = r.string_at(item, "name").value_or("");
        if (auto matches = r.get(item, "matches")) {
          for (const auto& m : r.items(*matches)) rule.matches.push_back(read_match(r, m));
        }
        if (rule.matches.empty()) rule.matches.push_back(HttpRouteMatch{});  // the API default: PathPrefix /
        if (auto filters = r.get(item, "filters")) {
          bool redirect = false, rewrite = false;
          for (const auto& f : r.items(*filters)) {
            rule.filters.push_back(read_filter(r, f));
            redirect |= rule.filters.back().type == "RequestRedirect";
            rewrite |= rule.filters.back().type == "URLRewrite";
          }
          if (redirect && rewrite)
            r.error(filters->path, "Invalid value: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both");
        }
        if (auto backends = r.get(item, "backendRefs")) {
          for (const auto& b : r.items(*backends)) rule.backend_refs.push_back(read_backend_ref(r, b, ns));
        }
        route.rules.push_back(std::move(rule));
      }
    }
  } else if (!spec) {
    r.missing("spec");
  }
  if (route.rules.empty()) {
    // The API default: one rule matching PathPrefix / with no backends (every request gets 404/500).
    HttpRouteRule rule;
    rule.matches.push_back(HttpRouteMatch{});
    rule.field = "spec.rules";
    route.rules.push_back(rule);
  }
  out.http_routes.push_back(std::move(route));
}

void parse_reference_grant(ObjectReader& r, RoutingObjects& out) {
  ReferenceGrant g;
  g.meta = r.meta();
  auto spec = r.get(r.root(), "spec");
  if (spec && r.map(*spec, {"from", "to"})) {
    if (auto from = r.get(*spec, "from")) {
      for (const auto& item : r.items(*from)) {
        if (!r.map(item, {"group", "kind", "namespace"})) continue;
        g.from.push_back({r.string_at(item, "group", true).value_or(""), r.string_at(item, "kind", true).value_or(""),
                          r.string_at(item, "namespace", true).value_or("")});
      }
    } else {
      r.missing(spec->path + ".from");
    }
    if (auto to = r.get(*spec, "to")) {
      for (const auto& item : r.items(*to)) {
        if (!r.map(item, {"group", "kind", "name"})) continue;
        g.to.push_back({r.string_at(item, "group", true).value_or(""), r.string_at(item, "kind", true).value_or(""),
                        r.string_at(item, "name").value_or("")});
      }
    } else {
      r.missing(spec->path + ".to");
    }
  } else if (!spec) {
    r.missing("spec");
  }
  out.reference_grants.push_back(std::move(g));
}

}  // namespace packetwalk::model::ingress::detail
