// Target "ingress": the pure matching rules of Ingress and Gateway API (model/ingress/match.h),
// URLs as typed after --to, and HTTP/1.1 requests as bytes on a simulated connection.
// Input lines: rule path, request path, rule host, request host, listener hostname, route hostname,
// a header value or regular expression; the rest is a raw HTTP request.
#include <initializer_list>

#include "fuzz_bodies.h"
#include "packetwalk/model/ingress/http.h"
#include "packetwalk/model/ingress/match.h"

namespace packetwalk::fuzz {

namespace {

using namespace model::ingress;

void check_same_request(const HttpRequest& a, const HttpRequest& b, const std::string& what) {
  check(a.method == b.method && a.path == b.path && a.query == b.query && a.host == b.host &&
            a.host_port == b.host_port && a.headers == b.headers,
        what + ": " + a.summary() + " vs " + b.summary());
}

}  // namespace

void fuzz_ingress(Bytes data) {
  const auto f = split_lines(as_text(data), 8);
  auto field = [&](std::size_t i) -> const std::string& {
    static const std::string empty;
    return i < f.size() ? f[i] : empty;
  };
  const std::string& rule_path = field(0);
  const std::string& request_path = field(1);

  // Ingress paths.
  check(ingress_path_matches(PathType::Exact, rule_path, request_path) == (rule_path == request_path),
        "Exact path match is not string equality");
  check(prefix_path_matches(rule_path, rule_path), "a Prefix path does not match itself: " + rule_path);
  check(prefix_path_matches("/", request_path), "Prefix / does not match every path: " + request_path);
  const bool prefix = ingress_path_matches(PathType::Prefix, rule_path, request_path);
  check(prefix == prefix_path_matches(rule_path, request_path), "Ingress Prefix differs from prefix_path_matches");
  (void)ingress_path_matches(PathType::ImplementationSpecific, rule_path, request_path);

  // Hosts. normalize_host is what both controllers apply to the Host header first.
  const std::string host = normalize_host(field(3));
  check(normalize_host(host) == host, "normalize_host is not idempotent: " + host);
  const bool ingress_host = ingress_host_matches(field(2), host);
  if (field(2).substr(0, 2) != "*.") check(ingress_host == (field(2).empty() || field(2) == host), "Ingress exact host is not equality");
  const bool gateway_host = gateway_host_matches(field(4), host);
  if (ingress_host && field(2) == field(4)) check(gateway_host, "a Gateway wildcard covers less than the Ingress one");
  const auto both = hostname_intersection(field(4), field(5));
  check(both == hostname_intersection(field(5), field(4)), "hostname_intersection is not symmetric");
  if (both && !field(4).empty() && !field(5).empty() && both->substr(0, 2) != "*.")
    check(gateway_host_matches(field(4), *both) && gateway_host_matches(field(5), *both),
          "the intersection " + *both + " is not matched by both hostnames");
  (void)host_specificity(field(4));

  // URLs as typed after --to.
  std::string error;
  for (const std::string& text : {field(3), field(1)}) {
    if (auto url = parse_url(text, error)) {
      auto again = parse_url(url->to_string(), error);
      check(again && again->host == url->host && again->port == url->port && again->path == url->path &&
                again->query == url->query && again->scheme == url->scheme,
            "a URL does not parse back from its own text: " + url->to_string());
    } else {
      check(!error.empty(), "parse_url failed without an error message");
    }
  }

  // An HTTP request on the wire, matched by Gateway API HTTPRouteMatches built from the fields.
  const std::string& raw = field(7);
  std::vector<std::uint8_t> bytes(raw.begin(), raw.end());
  (void)looks_like_http_request(bytes);
  auto request = parse_request(bytes);
  if (!request) return;
  auto again = parse_request(to_bytes(*request));
  check(again.has_value(), "a parsed request does not parse back from its own bytes: " + request->summary());
  check_same_request(*request, *again, "a request changes when written and read again");
  for (auto type : {PathMatchType::Exact, PathMatchType::PathPrefix, PathMatchType::RegularExpression}) {
    HttpRouteMatch m;
    m.path = {type, rule_path};
    m.headers.push_back({type == PathMatchType::Exact ? ValueMatchType::Exact : ValueMatchType::RegularExpression,
                         "x-fuzz", field(6)});
    m.query_params.push_back({ValueMatchType::Exact, "q", field(6)});
    m.method = field(5);
    (void)route_match_matches(m, *request);
    (void)m.to_string();
  }
  (void)to_bytes(plain_server_response(*request, "default/web"));
}

}  // namespace packetwalk::fuzz
