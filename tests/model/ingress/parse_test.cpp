// Reading Ingress and Gateway API objects: defaults, and errors that name file:line, object and field.
#include <gtest/gtest.h>

#include "packetwalk/model/ingress/objects.h"
#include "test_cluster.h"

namespace packetwalk::model::ingress {
namespace {

RoutingObjects parse(const std::string& yaml, load::Diagnostics& diags) {
  auto set = load::load_manifest_text(yaml, "in.yaml", 0, diags);
  return parse_routing_objects(set, diags);
}

TEST(ParseIngress, FieldsAndDefaults) {
  load::Diagnostics diags;
  auto o = parse(R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  creationTimestamp: "2024-05-01T10:00:00Z"
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: fallback, port: {name: http}}
  tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
  rules:
  - host: "*.shop.example.com"
    http:
      paths:
      - path: /api
        pathType: Exact
        backend: {service: {name: api, port: {number: 8080}}}
  - http:
      paths:
      - pathType: ImplementationSpecific
        backend: {service: {name: web, port: {number: 80}}}
)",
                 diags);
  EXPECT_TRUE(diags.empty()) << test::messages(diags);
  ASSERT_EQ(o.ingresses.size(), 1u);
  const auto& ing = o.ingresses[0];
  EXPECT_EQ(ing.ref(), "Ingress shop/web");
  EXPECT_EQ(ing.class_name, "nginx");
  EXPECT_EQ(ing.creation_timestamp, "2024-05-01T10:00:00Z");
  ASSERT_TRUE(ing.default_backend);
  EXPECT_EQ(ing.default_backend->port.name, "http");
  ASSERT_EQ(ing.rules.size(), 2u);
  EXPECT_EQ(ing.rules[0].host, "*.shop.example.com");
  EXPECT_EQ(ing.rules[0].paths[0].type, PathType::Exact);
  EXPECT_EQ(ing.rules[0].paths[0].backend.port.number, 8080);
  EXPECT_EQ(ing.rules[1].host, "");
  EXPECT_EQ(ing.rules[1].paths[0].path, "");
  EXPECT_EQ(ing.tls[0].secret_name, "shop-tls");
}

TEST(ParseIngress, ErrorsNameFileLineObjectAndField) {
  load::Diagnostics diags;
  parse(R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad}
spec:
  rules:
  - host: 10.0.0.1
    http:
      paths:
      - path: v1
        backend: {service: {name: api, port: {number: 70000}}}
      - path: /x
        pathType: Sometimes
        colour: blue
        backend: {service: {name: api, port: {number: 80, name: http}}}
)",
        diags);
  const auto text = test::messages(diags);
  EXPECT_NE(text.find("in.yaml:6:11: error: Ingress default/bad: spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"),
            std::string::npos) << text;
  EXPECT_NE(text.find("in.yaml:9:9: error: Ingress default/bad: spec.rules[0].http.paths[0].pathType: Required value"), std::string::npos) << text;
  EXPECT_NE(text.find("in.yaml:9:15: error: Ingress default/bad: spec.rules[0].http.paths[0].path: Invalid value: \"v1\": must be an absolute path"),
            std::string::npos) << text;
  EXPECT_NE(text.find("in.yaml:10:55: error: Ingress default/bad: spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000"),
            std::string::npos) << text;
  EXPECT_NE(text.find("in.yaml:12:19: error: Ingress default/bad: spec.rules[0].http.paths[1].pathType: Unsupported value: \"Sometimes\""),
            std::string::npos) << text;
  EXPECT_NE(text.find("in.yaml:13:17: warning: Ingress default/bad: spec.rules[0].http.paths[1].colour: unknown field"), std::string::npos) << text;
  EXPECT_NE(text.find("cannot set both port name & port number"), std::string::npos) << text;
}

TEST(ParseIngress, NeedsRulesOrDefaultBackendAndV1) {
  load::Diagnostics diags;
  parse("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: empty}\nspec: {}\n---\n"
        "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: old}\nspec: {}\n",
        diags);
  const auto text = test::messages(diags);
  EXPECT_NE(text.find("Ingress default/empty: spec: Invalid value: either `defaultBackend` or `rules` must be specified"), std::string::npos) << text;
  EXPECT_NE(text.find("in.yaml:6:1: error: Ingress default/old: no matches for kind \"Ingress\" in version \"networking.k8s.io/v1beta1\""),
            std::string::npos) << text;
}

TEST(ParseGateway, DefaultsAndValidation) {
  load::Diagnostics diags;
  auto o = parse(R"(apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: svc, port: 80}]
  - matches: [{headers: [{name: X, value: "1"}]}]
    filters:
    - {type: RequestRedirect, requestRedirect: {statusCode: 307}}
    - {type: URLRewrite, urlRewrite: {hostname: a}}
    backendRefs: [{name: svc}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: c
  listeners:
  - {name: https, protocol: HTTPS, port: 443}
  - {name: https, protocol: TCP, port: 9000, hostname: a.example.com}
)",
                 diags);
  ASSERT_EQ(o.http_routes.size(), 1u);
  const auto& r = o.http_routes[0];
  EXPECT_EQ(r.parent_refs[0].kind, "Gateway");
  EXPECT_EQ(r.parent_refs[0].namespace_, "default");
  ASSERT_EQ(r.rules[0].matches.size(), 1u);  // no matches: PathPrefix /
  EXPECT_EQ(r.rules[0].matches[0].path.type, PathMatchType::PathPrefix);
  EXPECT_EQ(r.rules[0].matches[0].path.value, "/");
  EXPECT_EQ(r.rules[0].backend_refs[0].weight, 1);
  EXPECT_EQ(r.rules[0].backend_refs[0].namespace_, "default");
  const auto text = test::messages(diags);
  EXPECT_NE(text.find("statusCode: Unsupported value: 307"), std::string::npos) << text;
  EXPECT_NE(text.find("spec.rules[1].filters: Invalid value: May specify either"), std::string::npos) << text;
  EXPECT_NE(text.find("spec.rules[1].backendRefs[0]: Invalid value: must specify port for Service reference"), std::string::npos) << text;
  EXPECT_NE(text.find("Gateway default/gw: spec.listeners[0].tls: Invalid value: certificateRefs"), std::string::npos) << text;
  EXPECT_NE(text.find("spec.listeners[1].name: Invalid value: \"https\": Listener name must be unique"), std::string::npos) << text;
  EXPECT_NE(text.find("spec.listeners[1].hostname: Forbidden"), std::string::npos) << text;
}

TEST(ParseGateway, OtherGroupsKindsAreLeftAlone) {
  load::Diagnostics diags;
  auto o = parse("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: istio}\nspec: {selector: {istio: ingressgateway}}\n",
                 diags);
  EXPECT_TRUE(o.gateways.empty());
  EXPECT_FALSE(diags.has_errors()) << test::messages(diags);
}

}  // namespace
}  // namespace packetwalk::model::ingress
