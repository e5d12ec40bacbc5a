// Pure matching rules: k8s-semantics.md §6.1 item 6 (every row of the Ingress docs table), §6.1
// item 7 (Ingress hosts), §6.2 items 1-2 (Gateway API hostnames).
#include <gtest/gtest.h>

#include "packetwalk/model/ingress/match.h"

namespace packetwalk::model::ingress {
namespace {

struct Row {
  PathType type;
  std::vector<std::string> paths;  // several: the longest matching wins
  std::string request;
  std::optional<std::string> via;  // the path that matches; nullopt = no match (default backend)
};

// The longest matching path, Exact before Prefix on equal length (§6.1 item 5).
std::optional<std::string> best(const std::vector<std::pair<PathType, std::string>>& rules, const std::string& request) {
  std::optional<std::pair<PathType, std::string>> winner;
  for (const auto& r : rules) {
    if (!ingress_path_matches(r.first, r.second, request)) continue;
    if (!winner || r.second.size() > winner->second.size() ||
        (r.second.size() == winner->second.size() && r.first == PathType::Exact))
      winner = r;
  }
  if (!winner) return std::nullopt;
  return std::string(to_string(winner->first)) + " " + winner->second;
}

TEST(IngressPathTable, EveryRowOfTheDocsExample) {
  const std::vector<Row> rows = {
      {PathType::Prefix, {"/"}, "/anything/at/all", "/"},
      {PathType::Exact, {"/foo"}, "/foo", "/foo"},
      {PathType::Exact, {"/foo"}, "/bar", std::nullopt},
      {PathType::Exact, {"/foo"}, "/foo/", std::nullopt},
      {PathType::Exact, {"/foo/"}, "/foo", std::nullopt},
      {PathType::Prefix, {"/foo"}, "/foo", "/foo"},
      {PathType::Prefix, {"/foo"}, "/foo/", "/foo"},
      {PathType::Prefix, {"/foo/"}, "/foo", "/foo/"},
      {PathType::Prefix, {"/foo/"}, "/foo/", "/foo/"},
      {PathType::Prefix, {"/aaa/bb"}, "/aaa/bbb", std::nullopt},
      {PathType::Prefix, {"/aaa/bbb"}, "/aaa/bbb", "/aaa/bbb"},
      {PathType::Prefix, {"/aaa/bbb/"}, "/aaa/bbb", "/aaa/bbb/"},
      {PathType::Prefix, {"/aaa/bbb"}, "/aaa/bbb/", "/aaa/bbb"},
      {PathType::Prefix, {"/aaa/bbb"}, "/aaa/bbb/ccc", "/aaa/bbb"},
      {PathType::Prefix, {"/aaa/bbb"}, "/aaa/bbbxyz", std::nullopt},
      {PathType::Prefix, {"/", "/aaa"}, "/aaa/ccc", "/aaa"},
      {PathType::Prefix, {"/", "/aaa", "/aaa/bbb"}, "/aaa/bbb", "/aaa/bbb"},
      {PathType::Prefix, {"/", "/aaa", "/aaa/bbb"}, "/ccc", "/"},
      {PathType::Prefix, {"/aaa"}, "/ccc", std::nullopt},
  };
  for (const auto& row : rows) {
    std::vector<std::pair<PathType, std::string>> rules;
    for (const auto& p : row.paths) rules.emplace_back(row.type, p);
    auto got = best(rules, row.request);
    auto want = row.via ? std::optional<std::string>(std::string(to_string(row.type)) + " " + *row.via) : std::nullopt;
    EXPECT_EQ(got, want) << to_string(row.type) << " " << row.paths.back() << " vs " << row.request;
  }
  // mixed: /foo Prefix + /foo Exact, request /foo -> Exact.
  EXPECT_EQ(best({{PathType::Prefix, "/foo"}, {PathType::Exact, "/foo"}}, "/foo"), "Exact /foo");
  EXPECT_EQ(best({{PathType::Prefix, "/foo"}, {PathType::Exact, "/foo"}}, "/foo/bar"), "Prefix /foo");
}

TEST(IngressPathTable, MatchingIsCaseSensitive) {
  EXPECT_FALSE(ingress_path_matches(PathType::Exact, "/foo", "/FOO"));
  EXPECT_FALSE(ingress_path_matches(PathType::Prefix, "/foo", "/Foo/bar"));
}

TEST(IngressPathTable, ImplementationSpecificIsNginxStringPrefix) {
  // ingress-nginx writes `location /aaa/bb`: a plain string prefix, unlike Prefix.
  EXPECT_TRUE(ingress_path_matches(PathType::ImplementationSpecific, "/aaa/bb", "/aaa/bbb"));
  EXPECT_TRUE(ingress_path_matches(PathType::ImplementationSpecific, "", "/x"));
  EXPECT_FALSE(ingress_path_matches(PathType::ImplementationSpecific, "/aaa", "/aa"));
}

TEST(IngressHost, WildcardCoversExactlyOneLabel) {
  EXPECT_TRUE(ingress_host_matches("*.foo.com", "bar.foo.com"));
  EXPECT_FALSE(ingress_host_matches("*.foo.com", "baz.bar.foo.com"));
  EXPECT_FALSE(ingress_host_matches("*.foo.com", "foo.com"));
  EXPECT_FALSE(ingress_host_matches("*.foo.com", "xfoo.com"));
  EXPECT_TRUE(ingress_host_matches("foo.bar.com", "foo.bar.com"));
  EXPECT_FALSE(ingress_host_matches("foo.bar.com", "bar.com"));
  EXPECT_TRUE(ingress_host_matches("", "anything.example"));
}

TEST(IngressHost, HostHeaderIsNormalised) {
  EXPECT_EQ(normalize_host("API.Example.com:8080"), "api.example.com");
  EXPECT_EQ(normalize_host("api.example.com."), "api.example.com");
  // One trailing dot goes, as nginx drops it; a name ending in two (invalid to nginx) is kept, so it
  // matches no server and normalising is idempotent.
  EXPECT_EQ(normalize_host("*.."), "*..");
  EXPECT_EQ(normalize_host(normalize_host("api.example.com..")), normalize_host("api.example.com.."));
}

TEST(GatewayHost, WildcardMatchesAnyDepth) {
  EXPECT_TRUE(gateway_host_matches("*.example.com", "test.example.com"));
  EXPECT_TRUE(gateway_host_matches("*.example.com", "foo.test.example.com"));
  EXPECT_FALSE(gateway_host_matches("*.example.com", "example.com"));
  EXPECT_TRUE(gateway_host_matches("", "example.com"));
}

TEST(GatewayHost, ListenerAndRouteHostnamesIntersect) {
  EXPECT_EQ(hostname_intersection("*.example.com", "foo.example.com"), "foo.example.com");
  EXPECT_EQ(hostname_intersection("foo.example.com", "*.example.com"), "foo.example.com");
  EXPECT_EQ(hostname_intersection("*.example.com", "*.example.com"), "*.example.com");
  EXPECT_EQ(hostname_intersection("*.example.com", "*.foo.example.com"), "*.foo.example.com");
  EXPECT_EQ(hostname_intersection("", "a.b"), "a.b");
  EXPECT_EQ(hostname_intersection("foo.example.com", "bar.example.com"), std::nullopt);
  EXPECT_EQ(hostname_intersection("*.example.com", "example.org"), std::nullopt);
}

TEST(GatewayMatch, HeadersCaseInsensitiveQueryAndMethodAnded) {
  HttpRequest r;
  r.path = "/v1/users";
  r.query = "debug=1&x=2";
  r.method = "POST";
  r.headers = {{"X-Env", "canary"}};
  HttpRouteMatch m;
  m.path = {PathMatchType::PathPrefix, "/v1"};
  m.headers = {{ValueMatchType::Exact, "x-env", "canary"}};
  m.query_params = {{ValueMatchType::Exact, "debug", "1"}};
  m.method = "POST";
  EXPECT_TRUE(route_match_matches(m, r));
  m.method = "GET";
  EXPECT_FALSE(route_match_matches(m, r));
  m.method.clear();
  m.headers[0].value = "Canary";  // values are case-sensitive
  EXPECT_FALSE(route_match_matches(m, r));
  m.headers[0] = {ValueMatchType::RegularExpression, "X-ENV", "can.*"};
  EXPECT_TRUE(route_match_matches(m, r));
  m.path = {PathMatchType::PathPrefix, "/v"};
  EXPECT_FALSE(route_match_matches(m, r));  // element-wise, as Ingress Prefix
}

TEST(HttpText, RequestsRoundTripAsHttp11) {
  HttpRequest r;
  r.method = "GET";
  r.host = "api.example.com";
  r.path = "/v1/users";
  r.query = "page=2";
  r.headers = {{"X-Env", "canary"}};
  auto bytes = to_bytes(r);
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "GET /v1/users?page=2 HTTP/1.1\r\nHost: api.example.com\r\nX-Env: canary\r\n\r\n");
  auto back = parse_request(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->host, "api.example.com");
  EXPECT_EQ(back->path, "/v1/users");
  EXPECT_EQ(back->query_param("page"), "2");
  EXPECT_EQ(back->header("x-env"), "canary");
  HttpResponse resp{404, {}, "nope"};
  auto parsed = parse_response(to_bytes(resp));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->status, 404);
  EXPECT_EQ(parsed->body, "nope");
}

// nginx answers 400 to a header holding a bare CR or LF or a NUL; so does the model's parser
// (the controller then answers 400 Bad Request). Tabs are allowed.
TEST(HttpText, HeadersWithControlCharactersAreNotHttp) {
  auto bytes = [](std::string s) { return std::vector<std::uint8_t>(s.begin(), s.end()); };
  EXPECT_FALSE(parse_request(bytes("GET / HTTP/1.1\r\nHost: foo.\rh\r\n\r\n")));
  EXPECT_FALSE(parse_request(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n")));
  EXPECT_FALSE(parse_request(bytes(std::string("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35))));
  EXPECT_FALSE(parse_request(bytes("GET / HTTP/1.1\r\nHost: foo.\t: v2\r\n\r\n")));  // fuzz-ingress
  EXPECT_FALSE(parse_request(bytes("GET / HTTP/1.1\r\nHost: bapost :x\r\n\r\n")));  // fuzz-ingress
  auto tab = parse_request(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\r\n\r\n"));
  ASSERT_TRUE(tab);
  EXPECT_EQ(tab->header("x"), "a\tb");
}

TEST(HttpText, Urls) {
  std::string error;
  auto u = parse_url("https://API.example.com:8443/v1?x=1", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/v1");
  EXPECT_EQ(u->query, "x=1");
  u = parse_url("http://a.b", error);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->path, "/");
  EXPECT_FALSE(parse_url("ftp://a.b", error));
  EXPECT_FALSE(parse_url("http://a.b:0/", error));
}

}  // namespace
}  // namespace packetwalk::model::ingress
