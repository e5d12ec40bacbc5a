#include "packetwalk/model/ingress/match.h"
#include "packetwalk/model/text/regex.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace packetwalk::model::ingress {

namespace {

std::vector<std::string_view> elements(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at <= path.size()) {
    auto slash = path.find('/', at);
    auto e = path.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at);
    if (!e.empty()) out.push_back(e);
    if (slash == std::string_view::npos) break;
    at = slash + 1;
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A regular expression that must match the whole value, in RE2 syntax as Envoy-based gateways
// (Istio, Envoy Gateway) run it; an invalid expression matches nothing.
bool regex_full_match(const std::string& pattern, const std::string& value) {
  return text::Regex::compiled(pattern).full_match(value);
}

bool value_matches(const HttpValueMatch& m, const std::optional<std::string>& value) {
  if (!value) return false;
  if (m.type == ValueMatchType::Exact) return *value == m.value;
  return regex_full_match(m.value, *value);
}

}  // namespace

bool prefix_path_matches(std::string_view rule_path, std::string_view request_path) {
  auto rule = elements(rule_path);
  auto req = elements(request_path);
  if (rule.size() > req.size()) return false;
  return std::equal(rule.begin(), rule.end(), req.begin());
}

bool ingress_path_matches(PathType type, std::string_view rule_path, std::string_view request_path) {
  switch (type) {
    case PathType::Exact: return rule_path == request_path;
    case PathType::Prefix: return prefix_path_matches(rule_path, request_path);
    case PathType::ImplementationSpecific:
      if (rule_path.empty()) rule_path = "/";
      return request_path.substr(0, rule_path.size()) == rule_path;
  }
  return false;
}

bool ingress_host_matches(std::string_view rule_host, std::string_view host) {
  if (rule_host.empty()) return true;
  if (rule_host.substr(0, 2) != "*.") return rule_host == host;
  auto suffix = rule_host.substr(1);  // ".foo.com"
  if (host.size() <= suffix.size() || host.substr(host.size() - suffix.size()) != suffix) return false;
  auto label = host.substr(0, host.size() - suffix.size());
  return label.find('.') == std::string_view::npos;
}

bool gateway_host_matches(std::string_view pattern, std::string_view host) {
  if (pattern.empty()) return true;
  if (pattern.substr(0, 2) != "*.") return pattern == host;
  auto suffix = pattern.substr(1);
  return host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix;
}

std::optional<std::string> hostname_intersection(std::string_view listener, std::string_view route) {
  if (listener.empty()) return std::string(route);
  if (route.empty()) return std::string(listener);
  if (listener == route) return std::string(listener);
  const bool lw = listener.substr(0, 2) == "*.";
  const bool rw = route.substr(0, 2) == "*.";
  if (lw && gateway_host_matches(listener, route)) return std::string(route);
  if (rw && gateway_host_matches(route, listener)) return std::string(listener);
  return std::nullopt;
}

bool route_match_matches(const HttpRouteMatch& m, const HttpRequest& request) {
  switch (m.path.type) {
    case PathMatchType::Exact:
      if (request.path != m.path.value) return false;
      break;
    case PathMatchType::PathPrefix:
      if (!prefix_path_matches(m.path.value, request.path)) return false;
      break;
    case PathMatchType::RegularExpression:
      if (!regex_full_match(m.path.value, request.path)) return false;
      break;
  }
  for (const auto& h : m.headers) {
    if (!value_matches(h, request.header(h.name))) return false;
  }
  for (const auto& q : m.query_params) {
    if (!value_matches(q, request.query_param(q.name))) return false;
  }
  if (!m.method.empty() && !iequals(m.method, request.method)) return false;
  return true;
}

HostSpecificity host_specificity(std::string_view hostname) {
  HostSpecificity s;
  s.chars = hostname.size();
  s.exact_chars = hostname.substr(0, 2) == "*." ? 0 : hostname.size();
  return s;
}

}  // namespace packetwalk::model::ingress
