// ingress-nginx routing: class selection, servers and locations, annotations, canary, rate limits.
#include <gtest/gtest.h>

#include "test_cluster.h"

namespace packetwalk::model::ingress {
namespace {

using test::build_cluster;
using test::get;

const std::string kBackends = R"(
apiVersion: v1
kind: Service
metadata: {name: api-server}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: api-1, labels: {app: api}}
spec:
  containers: [{name: api, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: other}
spec:
  selector: {app: other}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: other-1, labels: {app: other}}
spec:
  containers: [{name: o, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec:
  selector: {app: nothing}
  ports: [{port: 80, targetPort: 8080}]
)";

const std::string kSeed = R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api-ingress
  annotations:
    nginx.ingress.kubernetes.io/rate-limit: "100"
spec:
  ingressClassName: nginx
  rules:
  - host: api.example.com
    http:
      paths:
      - path: /v1
        pathType: Prefix
        backend:
          service:
            name: api-server
            port:
              number: 80
---
)";

net::Ipv4Address client() { return *net::Ipv4Address::parse(test::kClientIp); }

TEST(Nginx, SeedIngressInstallsTheControllerAndRoutesV1) {
  load::Diagnostics diags;
  auto c = build_cluster(kSeed + kBackends, diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto& rt = c->ingress();
  EXPECT_TRUE(rt.has_nginx_controller());
  ASSERT_TRUE(rt.nginx_address());
  EXPECT_EQ(rt.nginx_address()->to_string(), "198.51.100.1");
  const auto* svc = c->services().find("ingress-nginx", "ingress-nginx-controller");
  ASSERT_TRUE(svc);
  EXPECT_TRUE(svc->external_traffic_policy_local);
  // The alias warning names the file, line and object: line 7 is the annotation (the raw string
  // starts with a newline, so line 1 is empty), column 45 its value.
  EXPECT_NE(test::messages(diags).find("test.yaml:7:45:"), std::string::npos) << test::messages(diags);
  EXPECT_NE(test::messages(diags).find("Ingress default/api-ingress: metadata.annotations.nginx.ingress.kubernetes.io/rate-limit: not an ingress-nginx annotation"),
            std::string::npos);

  auto d = route_nginx(rt.nginx(), get("api.example.com", "/v1/users"), client());
  EXPECT_TRUE(d.matched);
  EXPECT_EQ(d.status, 0);
  EXPECT_EQ(d.route, "Ingress default/api-ingress");
  EXPECT_EQ(d.rule, 0);
  ASSERT_TRUE(d.upstream);
  EXPECT_EQ(d.upstream->label(), "default/api-server:80");
  EXPECT_EQ(d.upstream->endpoints.size(), 1u);
  EXPECT_EQ(d.upstream->endpoints[0].port, 8080);

  d = route_nginx(rt.nginx(), get("api.example.com", "/v1beta"), client());
  EXPECT_FALSE(d.matched);
  EXPECT_EQ(d.status, 404);
  ASSERT_FALSE(d.lost.empty());
  EXPECT_NE(d.lost[0].find("element-wise"), std::string::npos);

  d = route_nginx(rt.nginx(), get("www.example.com", "/v1"), client());
  EXPECT_EQ(d.status, 404);
  EXPECT_EQ(d.server, "_");
}

TEST(Nginx, RateLimitIsALeakyBucketPerClient) {
  load::Diagnostics diags;
  auto c = build_cluster(kSeed + kBackends, diags);
  ASSERT_TRUE(c);
  NginxState state(1);
  const auto& table = c->ingress().nginx();
  EXPECT_EQ(table.limit_req_status, 503);  // ingress-nginx's default limit-req-status-code
  // burst = 100 x 5: 501 requests at one instant pass (the first, then 500 of excess), then none.
  int ok = 0;
  for (int i = 0; i < 600; ++i) ok += state.route(table, get("api.example.com", "/v1"), client(), sim::Time::zero()).status == 0;
  EXPECT_EQ(ok, 501);
  // 100 ms later 10 more fit; another client has its own bucket.
  ok = 0;
  for (int i = 0; i < 20; ++i) ok += state.route(table, get("api.example.com", "/v1"), client(), sim::Time::ms(100)).status == 0;
  EXPECT_EQ(ok, 10);
  auto other = state.route(table, get("api.example.com", "/v1"), *net::Ipv4Address::parse("203.0.113.11"), sim::Time::ms(100));
  EXPECT_EQ(other.status, 0);
  // Steady 300 rps for 10 s: 100/s plus the burst pass.
  NginxState fresh(1);
  ok = 0;
  for (int i = 0; i < 3000; ++i) ok += fresh.route(table, get("api.example.com", "/v1"), client(), sim::Time::us(i * 3333)).status == 0;
  EXPECT_NEAR(ok, 1000 + 500, 5);
}

TEST(Nginx, ExactBeatsPrefixLongestWinsAndOlderIngressKeepsDuplicates) {
  load::Diagnostics diags;
  auto c = build_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: a, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /foo, pathType: Prefix, backend: {service: {name: api-server, port: {name: http}}}}
      - {path: /foo, pathType: Exact, backend: {service: {name: other, port: {number: 80}}}}
      - {path: /foo/bar, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: b, creationTimestamp: "2023-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /foo, pathType: Prefix, backend: {service: {name: empty, port: {number: 80}}}}
---
)" + kBackends, diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto& t = c->ingress().nginx();
  auto d = route_nginx(t, get("shop.example.com", "/foo"), client());
  EXPECT_EQ(d.match, "Exact /foo");
  EXPECT_EQ(d.upstream->service, "other");
  d = route_nginx(t, get("shop.example.com", "/foo/bar/baz"), client());
  EXPECT_EQ(d.match, "Prefix /foo/bar");
  // Ingress b is older: its Prefix /foo wins the duplicate; a's is ignored, with the reason.
  d = route_nginx(t, get("shop.example.com", "/foo/x"), client());
  EXPECT_EQ(d.route, "Ingress default/b");
  EXPECT_EQ(d.status, 503);  // Service empty has no endpoints
  bool noted = false;
  for (const auto& i : t.ignored) noted |= i.reason.find("already defined by Ingress default/b") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(Nginx, IngressClassSelection) {
  load::Diagnostics diags;
  auto c = build_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: t}
spec:
  ingressClassName: traefik
  defaultBackend: {service: {name: other, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: classless}
spec:
  defaultBackend: {service: {name: other, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: missing}
spec:
  ingressClassName: gone
  defaultBackend: {service: {name: other, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: legacy, annotations: {kubernetes.io/ingress.class: nginx}}
spec:
  rules:
  - host: legacy.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}]
---
)" + kBackends, diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto& t = c->ingress().nginx();
  std::map<std::string, std::string> ignored;
  for (const auto& i : t.ignored) ignored[i.ref] = i.reason;
  EXPECT_NE(ignored["Ingress default/t"].find("belongs to controller traefik.io/ingress-controller"), std::string::npos);
  EXPECT_NE(ignored["Ingress default/classless"].find("no default IngressClass"), std::string::npos);
  EXPECT_NE(ignored["Ingress default/missing"].find("\"gone\" does not exist"), std::string::npos);
  EXPECT_FALSE(ignored.count("Ingress default/legacy"));
  EXPECT_NE(test::messages(diags).find("deprecated since Kubernetes 1.18"), std::string::npos);
  EXPECT_EQ(route_nginx(t, get("legacy.example.com", "/"), client()).status, 0);
  // The traefik Ingress's defaultBackend is not the catch-all: the controller's 404 is.
  EXPECT_EQ(route_nginx(t, get("x.example.com", "/"), client()).status, 404);
}

TEST(Nginx, DefaultClassAnnotationAndDefaultBackends) {
  load::Diagnostics diags;
  auto c = build_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: catchall}
spec:
  defaultBackend: {service: {name: other, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api}
spec:
  defaultBackend: {service: {name: empty, port: {number: 80}}}
  rules:
  - host: api.example.com
    http:
      paths: [{path: /v1, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]
---
)" + kBackends, diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto& t = c->ingress().nginx();
  EXPECT_TRUE(c->ingress().has_nginx_controller());
  auto d = route_nginx(t, get("nowhere.example.com", "/x"), client());
  EXPECT_EQ(d.upstream->service, "other");  // the rule-less Ingress serves the catch-all
  d = route_nginx(t, get("api.example.com", "/v2"), client());
  EXPECT_EQ(d.route, "Ingress default/api");  // its own defaultBackend for its host
  EXPECT_EQ(d.upstream->service, "empty");
  EXPECT_EQ(d.status, 503);
}

TEST(Nginx, SslRedirectWhitelistAndRewrite) {
  load::Diagnostics diags;
  auto c = build_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: secure
  annotations:
    nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8, 203.0.113.10"
spec:
  ingressClassName: nginx
  tls:
  - hosts: [secure.example.com]
    secretName: secure-tls
  rules:
  - host: secure.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: rewrite
  annotations:
    nginx.ingress.kubernetes.io/use-regex: "true"
    nginx.ingress.kubernetes.io/rewrite-target: /$2
spec:
  ingressClassName: nginx
  rules:
  - host: rw.example.com
    http:
      paths: [{path: /something(/|$)(.*), pathType: ImplementationSpecific, backend: {service: {name: api-server, port: {number: 80}}}}]
---
)" + kBackends, diags);
  ASSERT_TRUE(c) << test::messages(diags);
  EXPECT_NE(test::messages(diags).find("Secret default/secure-tls not found"), std::string::npos);
  const auto& t = c->ingress().nginx();
  auto d = route_nginx(t, get("secure.example.com", "/a?b=1"), client());
  EXPECT_EQ(d.status, 308);
  ASSERT_EQ(d.response_headers.size(), 1u);
  EXPECT_EQ(d.response_headers[0].second, "https://secure.example.com/a?b=1");
  auto https = get("secure.example.com", "/a");
  https.tls = true;
  d = route_nginx(t, https, client());
  EXPECT_EQ(d.status, 0);
  d = route_nginx(t, https, *net::Ipv4Address::parse("198.18.0.1"));
  EXPECT_EQ(d.status, 403);
  d = route_nginx(t, get("rw.example.com", "/something/new/x?q=1"), client());
  EXPECT_EQ(d.status, 0);
  EXPECT_EQ(d.upstream_request.target(), "/new/x?q=1");
  d = route_nginx(t, get("rw.example.com", "/SOMETHING"), client());  // ~* is case-insensitive
  EXPECT_EQ(d.upstream_request.path, "/");
}

TEST(Nginx, CanaryWeightShareAndHeader) {
  load::Diagnostics diags;
  auto c = build_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web-canary
  annotations:
    nginx.ingress.kubernetes.io/canary: "true"
    nginx.ingress.kubernetes.io/canary-weight: "10"
    nginx.ingress.kubernetes.io/canary-by-header: X-Canary
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: orphan-canary
  annotations: {nginx.ingress.kubernetes.io/canary: "true", nginx.ingress.kubernetes.io/canary-weight: "50"}
spec:
  ingressClassName: nginx
  rules:
  - host: nobody.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}]
---
)" + kBackends, diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto& t = c->ingress().nginx();
  NginxState state(7);
  int canary = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) canary += state.route(t, get("web.example.com", "/"), client(), sim::Time::zero()).canary;
  // Binomial(10000, 0.1): sd 30 requests; the tolerance of one percentage point is 3.3 sd.
  EXPECT_NEAR(canary / static_cast<double>(n), 0.10, 0.01);
  auto always = get("web.example.com", "/");
  always.headers = {{"X-Canary", "always"}};
  auto never = get("web.example.com", "/");
  never.headers = {{"x-canary", "never"}};
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(state.route(t, always, client(), sim::Time::zero()).canary);
    EXPECT_FALSE(state.route(t, never, client(), sim::Time::zero()).canary);
  }
  // The pure decision names the weights instead of drawing.
  auto d = route_nginx(t, get("web.example.com", "/"), client());
  ASSERT_EQ(d.weights.size(), 2u);
  EXPECT_EQ(d.weights[0].second, 90);
  EXPECT_EQ(d.weights[1].second, 10);
  bool orphan = false;
  for (const auto& i : t.ignored) orphan |= i.reason.find("canary: no main") != std::string::npos;
  EXPECT_TRUE(orphan);
}

}  // namespace
}  // namespace packetwalk::model::ingress

namespace packetwalk::model::ingress {
namespace {

const NginxServer* server_named(const NginxTable& t, const std::string& host) {
  for (const auto& s : t.servers)
    if (s.host == host) return &s;
  return nullptr;
}

std::string notes(const RouteDecision& d) {
  std::string out;
  for (const auto& n : d.notes) out += n + "\n";
  return out;
}

// ingress-nginx's createServers: every rule host of an Ingress with a tls section gets a
// certificate — the listed Secret, a Secret whose (wildcard) host covers it, or the default one —
// so ssl-redirect applies to all of them; tls hosts without a rule make no server.
TEST(NginxTls, CertificatesFollowCreateServers) {
  load::Diagnostics diags;
  auto c = build_cluster(R"(
apiVersion: v1
kind: Secret
metadata: {name: wild-tls}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  tls:
  - hosts: [a.example.com]
    secretName: missing-tls
  - hosts: ["*.shop.example.com"]
    secretName: wild-tls
  - hosts: [only-tls.example.com]
    secretName: wild-tls
  - hosts: [empty.example.com]
  rules:
  - host: a.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
  - host: b.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
  - host: eu.shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
  - host: empty.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: newer, creationTimestamp: "2024-06-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  tls:
  - hosts: [b.example.com]
    secretName: wild-tls
  rules:
  - host: b.example.com
    http: {paths: [{path: /x, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
  - host: plain.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: no-tls}
spec:
  ingressClassName: nginx
  rules:
  - host: open.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api-server, port: {number: 80}}}}]}
---
)" + kBackends, diags);
  ASSERT_TRUE(c) << test::messages(diags);
  const auto& t = c->ingress().nginx();
  const std::string msgs = test::messages(diags);
  // The missing Secret is reported once, at its line; the empty secretName is not an error.
  EXPECT_NE(msgs.find("spec.tls[0].secretName: Secret default/missing-tls not found: ingress-nginx serves a.example.com"),
            std::string::npos) << msgs;
  EXPECT_EQ(msgs.find("empty.example.com"), std::string::npos) << msgs;

  const auto* a = server_named(t, "a.example.com");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->tls && a->tls_secret_missing);
  const auto* b = server_named(t, "b.example.com");
  ASSERT_TRUE(b);  // the older Ingress's tls section decides: default certificate, not newer's Secret
  EXPECT_TRUE(b->tls);
  EXPECT_EQ(b->tls_secret, "");
  const auto* eu = server_named(t, "eu.shop.example.com");
  ASSERT_TRUE(eu);
  EXPECT_EQ(eu->tls_secret, "default/wild-tls");  // covered by *.shop.example.com
  EXPECT_FALSE(server_named(t, "only-tls.example.com"));
  EXPECT_TRUE(server_named(t, "plain.example.com")->tls);   // newer has a tls section
  EXPECT_FALSE(server_named(t, "open.example.com")->tls);

  // ssl-redirect (default true) follows the certificate, even the default one.
  for (const char* host : {"a.example.com", "b.example.com", "eu.shop.example.com", "empty.example.com"})
    EXPECT_EQ(route_nginx(t, get(host, "/"), client()).status, 308) << host;
  EXPECT_EQ(route_nginx(t, get("open.example.com", "/"), client()).status, 0);
  // A tls-only host is served by the catch-all: the controller's 404.
  EXPECT_EQ(route_nginx(t, get("only-tls.example.com", "/"), client()).status, 404);

  auto https = get("b.example.com", "/");
  https.tls = true;
  auto d = route_nginx(t, https, client());
  EXPECT_EQ(d.status, 0);
  EXPECT_NE(notes(d).find("default (fake) certificate \"Kubernetes Ingress Controller Fake Certificate\" (the tls section of Ingress default/shop does not name it)"),
            std::string::npos) << notes(d);
  https.host = "empty.example.com";
  EXPECT_NE(notes(route_nginx(t, https, client())).find("has no secretName"), std::string::npos);
  https.host = "eu.shop.example.com";
  EXPECT_NE(notes(route_nginx(t, https, client())).find("TLS terminated with Secret default/wild-tls"), std::string::npos);
}

}  // namespace
}  // namespace packetwalk::model::ingress
