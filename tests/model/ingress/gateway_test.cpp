// Gateway API: attachment and status conditions, match precedence (§6.2 item 4), hostnames,
// filters, weights and ReferenceGrant.
#include <gtest/gtest.h>

#include <map>

#include "test_cluster.h"

namespace packetwalk::model::ingress {
namespace {

using test::build_cluster;
using test::get;

const std::string kGateway = R"(
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: example}
spec: {controllerName: example.net/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, protocol: HTTP, port: 80, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
  - {name: same-ns, protocol: HTTP, port: 8080}
  - {name: tcp, protocol: TCP, port: 9000}
---
)";

std::string services() {
  std::string out;
  for (const char* name : {"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"}) {
    out += std::string("apiVersion: v1\nkind: Service\nmetadata: {name: ") + name + "}\nspec:\n  selector: {app: " + name +
           "}\n  ports: [{port: 80, targetPort: 8080}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name +
           "-pod, labels: {app: " + name + "}}\nspec:\n  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]\n---\n";
  }
  return out;
}

std::string route(const std::string& name, const std::string& rules, const std::string& extra_meta = "",
                  const std::string& hostnames = "[a.example.com]") {
  return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: " + name + extra_meta +
         "}\nspec:\n  parentRefs: [{name: gw, sectionName: http}]\n  hostnames: " + hostnames + "\n  rules:\n" + rules + "---\n";
}

std::string backend(const char* svc) { return std::string("    backendRefs: [{name: ") + svc + ", port: 80}]\n"; }

const GatewayState& gw(const cluster::Cluster& c) { return *c.ingress().gateways().find("default", "gw"); }

std::string winner(const cluster::Cluster& c, const HttpRequest& r) {
  auto d = route_gateway(gw(c), 80, r, nullptr);
  return d.upstream ? d.upstream->service : "status " + std::to_string(d.status);
}

TEST(Gateway, MatchPrecedenceAcrossRoutes) {
  load::Diagnostics diags;
  auto c = build_cluster(
      kGateway + services() +
          route("r1", "  - matches: [{path: {type: PathPrefix, value: /api}}]\n" + backend("s1") +
                          "  - matches: [{path: {type: Exact, value: /api/v1}}]\n" + backend("s2") +
                          "  - matches: [{path: {type: PathPrefix, value: /api/v1}}]\n" + backend("s3") +
                          "  - matches: [{path: {type: PathPrefix, value: /x}, headers: [{name: h1, value: a}]}]\n" + backend("s4") +
                          "  - matches: [{path: {type: PathPrefix, value: /x}, method: GET}]\n" + backend("s5") +
                          "  - matches: [{path: {type: PathPrefix, value: /y}, headers: [{name: h1, value: a}, {name: h2, value: b}]}]\n" + backend("s6") +
                          "  - matches: [{path: {type: PathPrefix, value: /y}, headers: [{name: h1, value: a}], queryParams: [{name: q, value: '1'}]}]\n" +
                          backend("s7")),
      diags);
  ASSERT_TRUE(c) << test::messages(diags);
  EXPECT_EQ(winner(*c, get("a.example.com", "/api/v1")), "s2");    // 1) Exact
  EXPECT_EQ(winner(*c, get("a.example.com", "/api/v1/x")), "s3");  // 2) longest PathPrefix
  EXPECT_EQ(winner(*c, get("a.example.com", "/api/v2")), "s1");
  auto r = get("a.example.com", "/x");
  r.headers = {{"h1", "a"}};
  EXPECT_EQ(winner(*c, r), "s5");  // 3) a method match beats a header match
  r.method = "POST";
  EXPECT_EQ(winner(*c, r), "s4");
  r = get("a.example.com", "/y?q=1");
  r.headers = {{"h1", "a"}, {"h2", "b"}};
  EXPECT_EQ(winner(*c, r), "s6");  // 4) most header matches, before query params
  r.headers = {{"h1", "a"}};
  EXPECT_EQ(winner(*c, r), "s7");  // 5) query params
  EXPECT_EQ(winner(*c, get("a.example.com", "/nothing")), "status 404");
}

TEST(Gateway, TiesGoToTheOldestRouteThenNamespaceNameThenRuleOrder) {
  load::Diagnostics diags;
  auto c = build_cluster(kGateway + services() +
                             route("zz-old", "  - matches: [{path: {type: PathPrefix, value: /t}}]\n" + backend("s1"),
                                   ", creationTimestamp: '2020-01-01T00:00:00Z'") +
                             route("aa-new", "  - matches: [{path: {type: PathPrefix, value: /t}}]\n" + backend("s2"),
                                   ", creationTimestamp: '2024-01-01T00:00:00Z'") +
                             route("bb", "  - matches: [{path: {type: PathPrefix, value: /u}}]\n" + backend("s3")) +
                             route("ab", "  - matches: [{path: {type: PathPrefix, value: /u}}]\n" + backend("s4") +
                                             "  - matches: [{path: {type: PathPrefix, value: /u}}]\n" + backend("s5")),
                         diags);
  ASSERT_TRUE(c) << test::messages(diags);
  EXPECT_EQ(winner(*c, get("a.example.com", "/t")), "s1");
  EXPECT_EQ(winner(*c, get("a.example.com", "/u")), "s4");
}

TEST(Gateway, TheMostSpecificRouteHostnameComesFirst) {
  load::Diagnostics diags;
  auto c = build_cluster(kGateway + services() +
                             route("wild", "  - matches: [{path: {type: Exact, value: /p}}]\n" + backend("s1"), "", "['*.example.com']") +
                             route("exact", "  - matches: [{path: {type: PathPrefix, value: /}}]\n" + backend("s2"), "", "[foo.example.com]"),
                         diags);
  ASSERT_TRUE(c) << test::messages(diags);
  EXPECT_EQ(winner(*c, get("foo.example.com", "/p")), "s2");  // hostname before the path's precedence
  EXPECT_EQ(winner(*c, get("bar.example.com", "/p")), "s1");
  EXPECT_EQ(winner(*c, get("deep.bar.example.com", "/p")), "s1");  // any depth
  EXPECT_EQ(winner(*c, get("example.com", "/p")), "status 404");
}

TEST(Gateway, WeightsSplitTrafficAndZeroGetsNone) {
  load::Diagnostics diags;
  auto c = build_cluster(kGateway + services() +
                             route("w", "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
                                        "    backendRefs: [{name: s1, port: 80, weight: 90}, {name: s2, port: 80, weight: 10}, {name: s3, port: 80, weight: 0}]\n"
                                        "  - matches: [{path: {type: PathPrefix, value: /zero}}]\n"
                                        "    backendRefs: [{name: s1, port: 80, weight: 0}]\n"),
                         diags);
  ASSERT_TRUE(c) << test::messages(diags);
  sim::RandomStreams streams(3);
  std::map<std::string, int> counts;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    auto d = route_gateway(gw(*c), 80, get("a.example.com", "/"), &streams.stream("w"));
    ++counts[d.upstream->service];
  }
  EXPECT_NEAR(counts["s1"] / double(n), 0.9, 0.01);
  EXPECT_NEAR(counts["s2"] / double(n), 0.1, 0.01);
  EXPECT_EQ(counts["s3"], 0);
  auto d = route_gateway(gw(*c), 80, get("a.example.com", "/zero"), nullptr);
  EXPECT_EQ(d.status, 500);
}

TEST(Gateway, StatusConditionsSayWhyRoutesDoNotAttach) {
  load::Diagnostics diags;
  auto c = build_cluster(kGateway + services() + R"(
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: other-ns, namespace: team-b}
spec:
  parentRefs: [{name: gw, namespace: default, sectionName: same-ns}]
  rules: [{backendRefs: [{name: s1, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: wrong-host}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [a.example.org]
  rules: [{backendRefs: [{name: s1, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: no-section}
spec:
  parentRefs: [{name: gw, sectionName: nope}, {name: missing-gw}]
  rules: [{backendRefs: [{name: s1, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cross, namespace: team-b}
spec:
  parentRefs: [{name: gw, namespace: default, sectionName: http}]
  hostnames: [cross.example.com]
  rules: [{backendRefs: [{name: s1, namespace: default, port: 80}, {name: nothere, namespace: team-b, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: granted, namespace: team-c}
spec:
  parentRefs: [{name: gw, namespace: default, sectionName: http}]
  hostnames: [granted.example.com]
  rules: [{backendRefs: [{name: s2, namespace: default, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-team-c}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: team-c}]
  to: [{group: "", kind: Service}]
---
)",
                         diags);
  ASSERT_TRUE(c) << test::messages(diags);
  std::map<std::string, std::string> status;
  for (const auto& r : c->ingress().gateways().routes)
    for (const auto& p : r.parents)
      for (const auto& cond : p.conditions) status[r.route + "|" + p.parent + "|" + cond.type] = cond.status + " " + cond.reason;
  EXPECT_EQ(status["HTTPRoute team-b/other-ns|Gateway default/gw section same-ns|Accepted"], "False NotAllowedByListeners");
  EXPECT_EQ(status["HTTPRoute default/wrong-host|Gateway default/gw section http|Accepted"], "False NoMatchingListenerHostname");
  EXPECT_EQ(status["HTTPRoute default/no-section|Gateway default/gw section nope|Accepted"], "False NoMatchingParent");
  EXPECT_EQ(status["HTTPRoute default/no-section|Gateway default/missing-gw|Accepted"], "False NoMatchingParent");
  EXPECT_EQ(status["HTTPRoute team-b/cross|Gateway default/gw section http|Accepted"], "True Accepted");
  EXPECT_EQ(status["HTTPRoute team-b/cross|Gateway default/gw section http|ResolvedRefs"], "False RefNotPermitted");
  EXPECT_EQ(status["HTTPRoute team-c/granted|Gateway default/gw section http|ResolvedRefs"], "True ResolvedRefs");
  // The listeners: TCP is not simulated.
  const auto& g = gw(*c);
  ASSERT_EQ(g.listeners.size(), 3u);
  EXPECT_TRUE(g.listeners[0].usable);
  EXPECT_FALSE(g.listeners[2].usable);
  EXPECT_EQ(g.listeners[2].conditions[0].reason, "UnsupportedProtocol");
  // Traffic: the invalid reference answers 500, the granted one proxies.
  sim::RandomStreams streams(1);
  bool saw500 = false;
  for (int i = 0; i < 40; ++i) saw500 |= route_gateway(g, 80, get("cross.example.com", "/"), &streams.stream("x")).status == 500;
  EXPECT_TRUE(saw500);
  EXPECT_EQ(route_gateway(g, 80, get("granted.example.com", "/"), nullptr).status, 0);
}

// allowedRoutes.namespaces.from: Selector picks route namespaces by their labels, including the
// kubernetes.io/metadata.name label the API server sets on every namespace.
TEST(Gateway, AllowedRoutesSelectorPicksNamespacesByLabel) {
  load::Diagnostics diags;
  std::string routes;
  for (const char* ns : {"team-a", "team-b", "team-c"})
    routes += std::string("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: ") + ns +
              "}\nspec:\n  parentRefs: [{name: sel, namespace: default}]\n  rules: [{backendRefs: [{name: s1, namespace: default, port: 80}]}]\n---\n";
  auto c = build_cluster(kGateway + services() + R"(
apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b, labels: {env: dev}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: sel}
spec:
  gatewayClassName: example
  listeners:
  - name: prod
    protocol: HTTP
    port: 80
    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {env: prod}}}}
  - name: by-name
    protocol: HTTP
    port: 81
    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {kubernetes.io/metadata.name: team-c}}}}
---
)" + routes,
                         diags);
  ASSERT_TRUE(c) << test::messages(diags);
  std::map<std::string, std::string> accepted;
  for (const auto& r : c->ingress().gateways().routes)
    for (const auto& p : r.parents)
      for (const auto& cond : p.conditions)
        if (cond.type == "Accepted") accepted[r.route] = cond.status + " " + cond.reason;
  EXPECT_EQ(accepted["HTTPRoute team-a/r"], "True Accepted");
  EXPECT_EQ(accepted["HTTPRoute team-b/r"], "False NotAllowedByListeners");
  EXPECT_EQ(accepted["HTTPRoute team-c/r"], "True Accepted");
  const auto* g = c->ingress().gateways().find("default", "sel");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->listeners.size(), 2u);
  EXPECT_EQ(g->listeners[0].attached_routes, 1);  // team-a on prod
  EXPECT_EQ(g->listeners[1].attached_routes, 1);  // team-c on by-name
}

TEST(Gateway, FiltersRedirectRewriteAndHeaders) {
  load::Diagnostics diags;
  auto c = build_cluster(kGateway + services() +
                             route("f",
                                   "  - matches: [{path: {type: PathPrefix, value: /old}}]\n"
                                   "    filters: [{type: RequestRedirect, requestRedirect: {scheme: https, path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]\n"
                                   "  - matches: [{path: {type: PathPrefix, value: /api}}]\n"
                                   "    filters:\n"
                                   "    - {type: URLRewrite, urlRewrite: {hostname: internal.local, path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}\n"
                                   "    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: '1'}], add: [{name: X-B, value: '2'}], remove: [X-Drop]}}\n" +
                                       backend("s1")),
                         diags);
  ASSERT_TRUE(c) << test::messages(diags);
  auto d = route_gateway(gw(*c), 80, get("a.example.com", "/old/page?x=1"), nullptr);
  EXPECT_EQ(d.status, 302);
  ASSERT_FALSE(d.response_headers.empty());
  EXPECT_EQ(d.response_headers[0].second, "https://a.example.com/new/page?x=1");
  auto r = get("a.example.com", "/api/users");
  r.headers = {{"X-Drop", "y"}, {"X-B", "0"}};
  d = route_gateway(gw(*c), 80, r, nullptr);
  EXPECT_EQ(d.status, 0);
  EXPECT_EQ(d.upstream_request.path, "/users");
  EXPECT_EQ(d.upstream_request.host, "internal.local");
  EXPECT_EQ(d.upstream_request.header("X-A"), "1");
  EXPECT_EQ(d.upstream_request.header("X-B"), "0,2");
  EXPECT_FALSE(d.upstream_request.header("X-Drop"));
}

TEST(Gateway, DataPlaneIsInstalledWithALoadBalancerAddress) {
  load::Diagnostics diags;
  auto c = build_cluster(kGateway + services() + route("r", "  - matches: [{path: {type: PathPrefix, value: /}}]\n" + backend("s1")),
                         diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto* svc = c->services().find("default", "gw-example");
  ASSERT_TRUE(svc);
  EXPECT_EQ(svc->type, kube::ServiceType::LoadBalancer);
  ASSERT_FALSE(gw(*c).addresses.empty());
  bool pod = false;
  for (const auto& p : c->ingress().pods()) pod |= p.gateway == "default/gw";
  EXPECT_TRUE(pod);
}

}  // namespace
}  // namespace packetwalk::model::ingress

namespace packetwalk::model::ingress {
namespace {

// HTTPS listeners: a certificateRef to a missing Secret leaves the listener ResolvedRefs=False
// (InvalidCertificateRef) and not Programmed, so it routes nothing; the one whose Secret exists
// terminates TLS and routes; plain HTTP does not reach an HTTPS listener.
TEST(GatewayTls, MissingCertificateSecretUnprogramsTheListener) {
  load::Diagnostics diags;
  auto c = build_cluster(R"(
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: example}
spec: {controllerName: example.net/gateway-controller}
---
apiVersion: v1
kind: Secret
metadata: {name: good-cert}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: example
  listeners:
  - name: good
    protocol: HTTPS
    port: 443
    hostname: good.example.com
    tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: good-cert}]}
  - name: bad
    protocol: HTTPS
    port: 443
    hostname: bad.example.com
    tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: no-such-cert}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: s1, port: 80}]}]
---
)" + services(), diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto& g = gw(*c);
  ASSERT_EQ(g.listeners.size(), 2u);
  std::map<std::string, std::string> cond;
  for (const auto& l : g.listeners)
    for (const auto& x : l.conditions) cond[l.name + "|" + x.type] = x.status + " " + x.reason;
  EXPECT_EQ(cond["good|ResolvedRefs"], "True ResolvedRefs");
  EXPECT_EQ(cond["good|Programmed"], "True Programmed");
  EXPECT_EQ(cond["bad|ResolvedRefs"], "False InvalidCertificateRef");
  EXPECT_EQ(cond["bad|Programmed"], "False Invalid");
  auto good = get("good.example.com", "/");
  good.tls = true;
  auto d = route_gateway(g, 443, good, nullptr);
  EXPECT_EQ(d.status, 0);
  ASSERT_TRUE(d.upstream);
  EXPECT_EQ(d.upstream->service, "s1");
  auto bad = get("bad.example.com", "/");
  bad.tls = true;
  d = route_gateway(g, 443, bad, nullptr);
  EXPECT_FALSE(d.upstream) << "an unprogrammed listener must not route";
  EXPECT_FALSE(d.matched);
  d = route_gateway(g, 443, get("good.example.com", "/"), nullptr);  // plain HTTP on 443
  EXPECT_FALSE(d.upstream);
}

}  // namespace
}  // namespace packetwalk::model::ingress
