// The upstream NetworkPolicy e2e tests (kubernetes test/e2e/network/netpol/network_policy.go)
// translated: the same topology (namespaces x, y, z; pods a, b, c; ports 80 and 81 on TCP, UDP and
// SCTP), the same policies, and the truth tables their expectations describe — written out here.
// Each table is checked twice: from reach (the evaluator) and by tracing every cell through the
// Calico datapath. Difference from upstream: a pod reaching itself is shown allowed ('.'); the
// e2e suite ignores those cells. Upstream's SetSpecEgressRules also writes policyTypes: [Egress],
// so the egress-only policies here say so too (without it, defaulting adds Ingress and isolates
// the pods' ingress as well).
//
// Tables: one line per source; columns x/a x/b x/c | y/a y/b y/c | z/a z/b z/c.
#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace packetwalk::model::policy_test {
namespace {

void expect_table(cluster::Cluster& c, const query::ReachMatrix& m, const query::ReachPort& port, const std::string& want) {
  EXPECT_EQ(truth_table(m, port), want) << "reach " << port.to_string();
  EXPECT_EQ(traced_table(c, m, port), want) << "traced " << port.to_string();
}

const std::string kAllAllowed =
    "x/a ... ... ...\nx/b ... ... ...\nx/c ... ... ...\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
    "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n";
const std::string kIngressToXDenied =
    "x/a .XX ... ...\nx/b X.X ... ...\nx/c XX. ... ...\ny/a XXX ... ...\ny/b XXX ... ...\ny/c XXX ... ...\n"
    "z/a XXX ... ...\nz/b XXX ... ...\nz/c XXX ... ...\n";
const std::string kIngressToXaDenied =
    "x/a ... ... ...\nx/b X.. ... ...\nx/c X.. ... ...\ny/a X.. ... ...\ny/b X.. ... ...\ny/c X.. ... ...\n"
    "z/a X.. ... ...\nz/b X.. ... ...\nz/c X.. ... ...\n";
const std::string kEgressFromXDenied =
    "x/a .XX XXX XXX\nx/b X.X XXX XXX\nx/c XX. XXX XXX\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
    "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n";

constexpr const char* kDenyIngressX = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress], ingress: []}
)";

TEST(NetpolE2E, DefaultDenyIngressTcpUdpSctp) {
  auto c = xyz_cluster(kDenyIngressX);
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), udp(80), sctp(80)});
  for (auto p : {tcp(80), udp(80), sctp(80)}) expect_table(*c, m, p, kIngressToXDenied);
}

TEST(NetpolE2E, DefaultDenyAll) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a .XX XXX XXX\nx/b X.X XXX XXX\nx/c XX. XXX XXX\ny/a XXX ... ...\ny/b XXX ... ...\ny/c XXX ... ...\n"
               "z/a XXX ... ...\nz/b XXX ... ...\nz/c XXX ... ...\n");
}

TEST(NetpolE2E, AllowFromPodOfSameNamespaceByPodSelector) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: x-a-allows-x-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a ... ... ...\nx/b ... ... ...\nx/c X.. ... ...\ny/a X.. ... ...\ny/b X.. ... ...\ny/c X.. ... ...\n"
               "z/a X.. ... ...\nz/b X.. ... ...\nz/c X.. ... ...\n");
}

constexpr const char* kFromNamespaceY = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-client-a-via-ns-selector, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {SELECTOR}}}]}]
)";

std::string with_selector(std::string yaml, const std::string& sel) { return yaml.replace(yaml.find("SELECTOR"), 8, sel); }

const std::string kOnlyYToXa =
    "x/a ... ... ...\nx/b X.. ... ...\nx/c X.. ... ...\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
    "z/a X.. ... ...\nz/b X.. ... ...\nz/c X.. ... ...\n";

TEST(NetpolE2E, AllowFromNamespaceByDefaultNameLabel) {
  auto c = xyz_cluster(with_selector(kFromNamespaceY, "kubernetes.io/metadata.name: \"y\""));
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80), kOnlyYToXa);
}

TEST(NetpolE2E, AllowFromLabelledNamespace) {
  auto c = xyz_cluster(with_selector(kFromNamespaceY, "team: web"));
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80), kOnlyYToXa);
}

TEST(NetpolE2E, PodSelectorAndNamespaceSelectorInOneEntryAreAnded) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-ns-not-x-and-pod-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}
      podSelector: {matchLabels: {pod: b}}
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a ... ... ...\nx/b X.. ... ...\nx/c X.. ... ...\ny/a X.. ... ...\ny/b ... ... ...\ny/c X.. ... ...\n"
               "z/a X.. ... ...\nz/b ... ... ...\nz/c X.. ... ...\n");
}

TEST(NetpolE2E, PodSelectorOrNamespaceSelectorAsTwoEntries) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-ns-not-x-or-pod-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}
    - podSelector: {matchLabels: {pod: b}}
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a ... ... ...\nx/b ... ... ...\nx/c X.. ... ...\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
               "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n");
}

TEST(NetpolE2E, Ports) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-81-from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}}]
    ports: [{port: 81, protocol: TCP}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), tcp(81)});
  expect_table(*c, m, tcp(81), kOnlyYToXa);
  expect_table(*c, m, tcp(80), kIngressToXaDenied);
}

TEST(NetpolE2E, IngressOnOneNamedPort) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: x}
spec:
  podSelector: {}
  ingress: [{ports: [{port: serve-81-tcp}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), tcp(81)});
  expect_table(*c, m, tcp(81), kAllAllowed);
  expect_table(*c, m, tcp(80), kIngressToXDenied);
}

TEST(NetpolE2E, EgressOnOneNamedPort) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-egress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ports: [{port: serve-80-tcp}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), tcp(81)});
  expect_table(*c, m, tcp(80), kAllAllowed);
  expect_table(*c, m, tcp(81), kEgressFromXDenied);
}

TEST(NetpolE2E, EndPortRange) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-81-to-90, namespace: x}
spec:
  podSelector: {}
  ingress: [{ports: [{port: 81, endPort: 90, protocol: TCP}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), tcp(81), tcp(90), tcp(91)});
  expect_table(*c, m, tcp(80), kIngressToXDenied);
  expect_table(*c, m, tcp(81), kAllAllowed);
  expect_table(*c, m, tcp(90), kAllAllowed);
  expect_table(*c, m, tcp(91), kIngressToXDenied);
}

std::string pod_cidr(const cluster::Cluster& c, const char* ns, const char* name) {
  return c.inventory().find_pod(ns, name)->ip.to_string() + "/32";
}

TEST(NetpolE2E, EgressToCidrExceptOnePod) {
  auto plain = xyz_cluster("");
  ASSERT_TRUE(plain);
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-client-a-via-cidr-egress-rule, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.244.0.0/16, except: [)" + pod_cidr(*plain, "x", "b") + R"(]}}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a .X. ... ...\nx/b ... ... ...\nx/c ... ... ...\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
               "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n");
}

TEST(NetpolE2E, EgressToOnePodCidrAndOverlapWithExceptOfAnotherPolicy) {
  auto plain = xyz_cluster("");
  ASSERT_TRUE(plain);
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-y-b-only, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: )" + pod_cidr(*plain, "y", "b") + R"(}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-x-b-only, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: )" + pod_cidr(*plain, "x", "b") + R"(}}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a ..X X.X XXX\nx/b ... ... ...\nx/c ... ... ...\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
               "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n");
}

TEST(NetpolE2E, DenyEgressExceptDns) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress-except-dns, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80), kEgressFromXDenied);
  query::ReachOptions all;
  all.ports = {udp(53), tcp(53), udp(80)};
  all.all_namespaces = true;
  auto dns = query::compute_reach(*c, all);
  query::ProbeRunner runner(c->topology(), 1);
  std::size_t coredns = 0;
  for (const auto& to : dns.pods) {
    if (to.rfind("kube-system/coredns", 0) != 0) continue;
    ++coredns;
    for (auto p : {udp(53), tcp(53)}) {
      EXPECT_TRUE(dns.find("x/a", to, p)->allowed) << to << " " << p.to_string();
      EXPECT_TRUE(delivered(*c, runner, "x/a", to, p)) << to << " " << p.to_string();
    }
    EXPECT_FALSE(dns.find("x/a", to, udp(80))->allowed);
  }
  EXPECT_EQ(coredns, 2u);
  EXPECT_FALSE(dns.find("x/a", "y/a", udp(53))->allowed);
  EXPECT_TRUE(dns.find("y/a", "x/a", udp(53))->allowed);
}

TEST(NetpolE2E, PolicyTypesDefaultToIngressPlusEgressWhenEgressRulesExist) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-rules-only, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  egress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a ..X XXX XXX\nx/b X.. ... ...\nx/c X.. ... ...\ny/a X.. ... ...\ny/b X.. ... ...\ny/c X.. ... ...\n"
               "z/a X.. ... ...\nz/b X.. ... ...\nz/c X.. ... ...\n");
}

TEST(NetpolE2E, EmptyEgressListWithoutPolicyTypesIsolatesIngressOnly) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: empty-egress, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  egress: []
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80), kIngressToXaDenied);
}

TEST(NetpolE2E, SctpIsNotTcp) {
  auto c = xyz_cluster(std::string(kDenyIngressX) + R"(
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-only-sctp-ingress-on-port-81, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress: [{ports: [{port: 81, protocol: SCTP}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(81), sctp(81)});
  expect_table(*c, m, tcp(81), kIngressToXDenied);
  expect_table(*c, m, sctp(81),
               "x/a .XX ... ...\nx/b ..X ... ...\nx/c .X. ... ...\ny/a .XX ... ...\ny/b .XX ... ...\ny/c .XX ... ...\n"
               "z/a .XX ... ...\nz/b .XX ... ...\nz/c .XX ... ...\n");
}

TEST(NetpolE2E, UdpOnlyPolicyDoesNotAllowTcp) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-only-udp-ingress-on-port-81, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress: [{ports: [{port: 81, protocol: UDP}]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(81), udp(81)});
  expect_table(*c, m, tcp(81), kIngressToXaDenied);
  expect_table(*c, m, udp(81), kAllAllowed);
}

TEST(NetpolE2E, AllowAllPolicyTakesPrecedenceOverRestrictiveOne) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-ingress-port-80, namespace: x}
spec:
  podSelector: {}
  ingress: [{ports: [{port: 80}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-ingress, namespace: x}
spec:
  podSelector: {}
  ingress: [{}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(81)});
  expect_table(*c, m, tcp(81), kAllAllowed);
}

TEST(NetpolE2E, EgressDenyOnClientWinsOverServerAllow) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-to-ns-y-pod-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}, podSelector: {matchLabels: {pod: a}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-from-xa-on-ya, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-from-xa-on-yb, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: b}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a .XX .XX XXX\nx/b ... XX. ...\nx/c ... XX. ...\ny/a ... .X. ...\ny/b ... X.. ...\ny/c ... XX. ...\n"
               "z/a ... XX. ...\nz/b ... XX. ...\nz/c ... XX. ...\n");
}

TEST(NetpolE2E, FlannelEnforcesNothing) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
)",
                       "flannel");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  EXPECT_FALSE(m.enforced);
  expect_table(*c, m, tcp(80), kAllAllowed);
}

}  // namespace
}  // namespace packetwalk::model::policy_test
