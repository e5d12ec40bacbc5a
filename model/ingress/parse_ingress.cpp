// Ingress and IngressClass (networking.k8s.io/v1), with the API server's validation of the fields
// routing depends on (apis/networking/validation: hosts, paths, backends).
#include "object_reader.h"
#include "parsers.h"

namespace packetwalk::model::ingress::detail {

namespace {

constexpr std::string_view kDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

void check_host(ObjectReader& r, const std::string& path, const std::string& host) {
  if (net::Ipv4Address::parse(host)) {
    r.error(path, "Invalid value: \"" + host + "\": must be a DNS name, not an IP address");
  } else if (host.find(':') != std::string::npos) {
    r.error(path, "Invalid value: \"" + host + "\": must be a DNS name without a port");
  } else if (!is_dns_subdomain(host, true)) {
    r.error(path, "Invalid value: \"" + host +
                      "\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
                      "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
                      "alphanumeric character (e.g. '*.example.com')");
  } else if (host.find('*', 1) != std::string::npos) {
    r.error(path, "Invalid value: \"" + host + "\": a wildcard may only be the first label (\"*.example.com\")");
  }
}

IngressBackend read_backend(ObjectReader& r, const Node& n) {
  IngressBackend b;
  b.field = n.path;
  if (!r.map(n, {"service", "resource"})) return b;
  auto service = r.get(n, "service");
  auto resource = r.get(n, "resource");
  if (service && resource) r.error(n.path, "cannot set both service and resource backends");
  if (!service && !resource) r.error(n.path, "one of service or resource must be specified");
  if (service && r.map(*service, {"name", "port"})) {
    b.service = r.string_at(*service, "name", true).value_or("");
    if (auto port = r.get(*service, "port"); port && r.map(*port, {"number", "name"})) {
      auto number = r.get(*port, "number");
      auto name = r.get(*port, "name");
      if (number && name) r.error(port->path, "cannot set both port name & port number");
      if (number) {
        b.port.number = r.integer(*number).value_or(0);
        if (b.port.number < 1 || b.port.number > 65535)
          r.error(number->path, "Invalid value: " + std::to_string(b.port.number) + ": must be between 1 and 65535, inclusive");
      } else if (name) {
        b.port.name = r.string(*name).value_or("");
      } else {
        r.error(port->path, "port name or number is required");
      }
    } else if (!port) {
      r.missing(service->path + ".port");
    }
  }
  if (resource && r.map(*resource, {"apiGroup", "kind", "name"})) {
    b.resource = r.string_at(*resource, "kind", true).value_or("") + "/" + r.string_at(*resource, "name", true).value_or("");
  }
  return b;
}

PathType read_path_type(ObjectReader& r, const Node& path_node) {
  auto t = r.string_at(path_node, "pathType");
  if (!t) {
    r.error(path_node.path + ".pathType", "Required value: pathType must be specified");
    return PathType::ImplementationSpecific;
  }
  if (*t == "Exact") return PathType::Exact;
  if (*t == "Prefix") return PathType::Prefix;
  if (*t == "ImplementationSpecific") return PathType::ImplementationSpecific;
  r.error(path_node.path + ".pathType",
          "Unsupported value: \"" + *t + "\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"");
  return PathType::ImplementationSpecific;
}

IngressRule read_rule(ObjectReader& r, const Node& n) {
  IngressRule rule;
  rule.field = n.path;
  if (!r.map(n, {"host", "http"})) return rule;
  if (auto host = r.get(n, "host")) {
    rule.host = r.string(*host).value_or("");
    check_host(r, host->path, rule.host);
  }
  auto http = r.get(n, "http");
  if (!http) return rule;  // a host-only rule: the API accepts it; it routes nothing
  if (!r.map(*http, {"paths"})) return rule;
  auto paths = r.get(*http, "paths");
  if (!paths) {
    r.missing(http->path + ".paths");
    return rule;
  }
  for (const auto& p : r.items(*paths)) {
    IngressPath path;
    path.field = p.path;
    if (!r.map(p, {"path", "pathType", "backend"})) continue;
    path.type = read_path_type(r, p);
    if (auto v = r.get(p, "path")) {
      path.path = r.string(*v).value_or("");
      if (!path.path.empty() && path.path[0] != '/')
        r.error(v->path, "Invalid value: \"" + path.path + "\": must be an absolute path");
    } else if (path.type != PathType::ImplementationSpecific) {
      r.error(p.path + ".path", "Required value: must be specified when pathType is " + std::string(to_string(path.type)));
    }
    if (path.type == PathType::Exact || path.type == PathType::Prefix) {
      for (auto bad : {"//", "/./", "/../", "%2f", "%2F"}) {
        if (path.path.find(bad) != std::string::npos)
          r.error(p.path + ".path", "Invalid value: \"" + path.path + "\": must not contain '" + bad + "'");
      }
    }
    if (auto backend = r.get(p, "backend")) path.backend = read_backend(r, *backend);
    else r.missing(p.path + ".backend");
    rule.paths.push_back(std::move(path));
  }
  return rule;
}

}  // namespace

void parse_ingress(ObjectReader& r, RoutingObjects& out) {
  Ingress ing;
  ing.meta = r.meta();
  auto root = r.root();
  if (auto meta = r.get(root, "metadata")) ing.creation_timestamp = r.string_at(*meta, "creationTimestamp").value_or("");
  auto spec = r.get(root, "spec");
  if (!spec) {
    r.error("spec", "Invalid value: either `defaultBackend` or `rules` must be specified");
    out.ingresses.push_back(std::move(ing));
    return;
  }
  if (r.map(*spec, {"ingressClassName", "defaultBackend", "backend", "rules", "tls"})) {
    if (auto c = r.get(*spec, "ingressClassName")) {
      ing.class_name = r.string(*c).value_or("");
      if (!is_dns_subdomain(*ing.class_name, false))
        r.error(c->path, "Invalid value: \"" + *ing.class_name + "\": must be a DNS-1123 subdomain");
    }
    if (r.get(*spec, "backend"))
      r.error("spec.backend", "spec.backend was removed in networking.k8s.io/v1: use spec.defaultBackend");
    if (auto b = r.get(*spec, "defaultBackend")) ing.default_backend = read_backend(r, *b);
    if (auto rules = r.get(*spec, "rules")) {
      for (const auto& item : r.items(*rules)) ing.rules.push_back(read_rule(r, item));
    }
    if (auto tls = r.get(*spec, "tls")) {
      for (const auto& item : r.items(*tls)) {
        IngressTls t;
        t.field = item.path;
        if (!r.map(item, {"hosts", "secretName"})) continue;
        if (auto hosts = r.get(item, "hosts")) {
          auto list = r.items(*hosts);
          for (const auto& h : list) {
            auto host = r.string(h).value_or("");
            check_host(r, h.path, host);
            t.hosts.push_back(host);
          }
        }
        t.secret_name = r.string_at(item, "secretName").value_or("");
        ing.tls.push_back(std::move(t));
      }
    }
    if (!ing.default_backend && ing.rules.empty())
      r.error("spec", "Invalid value: either `defaultBackend` or `rules` must be specified");
  }
  out.ingresses.push_back(std::move(ing));
}

void parse_ingress_class(ObjectReader& r, RoutingObjects& out) {
  IngressClass c;
  c.meta = r.meta();
  auto it = c.meta.annotations.find(std::string(kDefaultClassAnnotation));
  c.is_default = it != c.meta.annotations.end() && it->second == "true";
  auto root = r.root();
  if (auto spec = r.get(root, "spec"); spec && r.map(*spec, {"controller", "parameters"})) {
    c.controller = r.string_at(*spec, "controller").value_or("");
  }
  if (c.controller.empty()) {
    r.error("spec.controller", "Required value: the controller that implements this class (e.g. k8s.io/ingress-nginx)");
  } else if (c.controller.find('/') == std::string::npos) {
    r.error("spec.controller", "Invalid value: \"" + c.controller + "\": must be a domain-prefixed path (such as \"acme.io/foo\")");
  }
  out.ingress_classes.push_back(std::move(c));
}

}  // namespace packetwalk::model::ingress::detail
