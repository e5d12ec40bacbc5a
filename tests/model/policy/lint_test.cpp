// packetwalk lint on the e2e topology (namespaces x, y {team: web}, z; pods a, b, c labelled
// pod=<name>, each declaring serve-80-tcp, serve-80-udp, ... on 80 and 81) plus YAML per test:
// every kind of finding once, where it points, and manifests that are clean.
#include "packetwalk/model/policy/lint.h"

#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace packetwalk::model::policy {
namespace {

using policy_test::xyz_cluster;

std::vector<LintFinding> lint_yaml(const std::string& yaml) {
  auto c = xyz_cluster(yaml);
  if (!c) return {};
  return lint(c->scenario().manifests.network_policies, c->scenario().manifests.services, c->inventory());
}

// 1-based line of the first line of `yaml` containing `needle` (the extra YAML is "policy.yaml").
int line_of(const std::string& yaml, const std::string& needle) {
  auto at = yaml.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n'));
}

std::string all_text(const std::vector<LintFinding>& fs) {
  std::string out;
  for (const auto& f : fs) out += format_finding(f) + "\n";
  return out;
}

TEST(Lint, CleanManifestsHaveNoFindings) {
  EXPECT_TRUE(lint_yaml("").empty());
  const std::string yaml = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: web}}
      podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}
    ports: [{port: serve-80-tcp}]
  - from: [{podSelector: {matchLabels: {pod: b}}}]
    ports: [{port: 81}]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
  - to: [{podSelector: {matchLabels: {pod: b}}}]
    ports: [{port: serve-81-udp, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  selector: {pod: a}
  ports:
  - {name: http, port: 8080, targetPort: serve-80-tcp}
  - {name: alt, port: 81}
)";
  auto fs = lint_yaml(yaml);
  EXPECT_TRUE(fs.empty()) << all_text(fs);
}

TEST(Lint, PolicyThatSelectsNoPod) {
  const std::string yaml = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: aa}}
  ingress: [{}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: wrong-namespace, namespace: z}
spec:
  podSelector: {matchLabels: {team: none}}
)";
  auto fs = lint_yaml(yaml);
  ASSERT_EQ(fs.size(), 2u) << all_text(fs);
  EXPECT_EQ(fs[0].kind, LintKind::PolicySelectsNothing);
  EXPECT_EQ(fs[0].object, "NetworkPolicy y/typo");
  EXPECT_EQ(fs[0].field, "spec.podSelector");
  EXPECT_EQ(fs[0].pos.file, "policy.yaml");
  EXPECT_EQ(fs[0].pos.line, line_of(yaml, "  podSelector: {matchLabels: {pod: aa}}"));
  EXPECT_NE(fs[0].message.find("none of the 3 pods of namespace y"), std::string::npos) << fs[0].message;
  EXPECT_EQ(fs[1].object, "NetworkPolicy z/wrong-namespace");
  // The text form is a compiler warning with the kind in brackets.
  EXPECT_EQ(format_finding(fs[0]).rfind("policy.yaml:5:16: warning: NetworkPolicy y/typo: spec.podSelector: ", 0), 0u)
      << format_finding(fs[0]);
  EXPECT_NE(format_finding(fs[0]).find("[policy-selects-nothing]"), std::string::npos);
}

TEST(Lint, PeersThatNeverMatch) {
  const std::string yaml = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: peers, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: db}}
    - namespaceSelector: {matchLabels: {team: web}}
      podSelector: {matchLabels: {pod: d}}
  - from:
    - podSelector: {matchLabels: {pod: a}}
    - podSelector: {matchLabels: {app: a}}
)";
  auto fs = lint_yaml(yaml);
  ASSERT_EQ(fs.size(), 3u) << all_text(fs);
  EXPECT_EQ(fs[0].kind, LintKind::NamespaceUnmatched);
  EXPECT_EQ(fs[0].field, "spec.ingress[0].from[0].namespaceSelector");
  EXPECT_EQ(fs[0].pos.line, line_of(yaml, "team: db"));
  EXPECT_NE(fs[0].message.find("team=db matches no namespace"), std::string::npos) << fs[0].message;
  EXPECT_EQ(fs[1].kind, LintKind::PodUnmatched);
  EXPECT_EQ(fs[1].field, "spec.ingress[0].from[1].podSelector");
  EXPECT_NE(fs[1].message.find("(y)"), std::string::npos) << fs[1].message;
  // Both entries of rule 0 are dead, so the rule is; rule 1 still has a live entry.
  EXPECT_NE(fs[1].message.find("rule 0 has no other peer and never matches"), std::string::npos) << fs[1].message;
  EXPECT_EQ(fs[2].kind, LintKind::PodUnmatched);
  EXPECT_EQ(fs[2].field, "spec.ingress[1].from[1].podSelector");
  EXPECT_EQ(fs[2].message.find("never matches;"), std::string::npos) << fs[2].message;
}

TEST(Lint, RulesOfADirectionPolicyTypesLeavesOut) {
  const std::string yaml = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-forgotten, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}]}]
  egress:
  - to: [{podSelector: {matchLabels: {pod: b}}}]
  - to: [{podSelector: {matchLabels: {pod: nobody}}}]
)";
  auto fs = lint_yaml(yaml);
  // One finding for the ignored rules; their content (a dead peer here) is not checked further.
  ASSERT_EQ(fs.size(), 1u) << all_text(fs);
  EXPECT_EQ(fs[0].kind, LintKind::RulesIgnored);
  EXPECT_EQ(fs[0].field, "spec.egress");
  EXPECT_NE(fs[0].message.find("policyTypes leaves out Egress, so these 2 egress rules are ignored"), std::string::npos)
      << fs[0].message;
}

TEST(Lint, NamedPortsNoDestinationDeclares) {
  const std::string yaml = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ports, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress, Egress]
  ingress:
  - ports: [{port: http}, {port: serve-80-udp}, {port: serve-80-udp, protocol: UDP}]
  egress:
  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: dns, protocol: UDP}, {port: serve-80-tcp}]
)";
  auto fs = lint_yaml(yaml);
  std::vector<LintFinding> named;
  for (const auto& f : fs)
    if (f.kind == LintKind::NamedPortUndeclared) named.push_back(f);
  ASSERT_EQ(named.size(), 3u) << all_text(fs);
  EXPECT_EQ(named[0].field, "spec.ingress[0].ports[0].port");
  EXPECT_NE(named[0].message.find("\"http\" (TCP) is declared by none of the pods this policy selects (x/a)"),
            std::string::npos) << named[0].message;
  // serve-80-udp exists, but for UDP: the TCP entry never matches, and lint says why.
  EXPECT_EQ(named[1].field, "spec.ingress[0].ports[1].port");
  EXPECT_NE(named[1].message.find("x/a declares it for UDP"), std::string::npos) << named[1].message;
  // Egress names resolve on the peers (CoreDNS declares "dns" for UDP, not serve-80-tcp).
  EXPECT_EQ(named[2].field, "spec.egress[0].ports[1].port");
  EXPECT_NE(named[2].message.find("the pods this rule's peers select (kube-system/coredns-"), std::string::npos)
      << named[2].message;
}

TEST(Lint, RulesShadowedByBroaderOnes) {
  const std::string yaml = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: shadow, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]
    ports: [{port: 80}]
  - from: [{podSelector: {}}]
    ports: [{port: 80, endPort: 90}]
  - from: [{podSelector: {}}]
    ports: [{port: 80, endPort: 90}]
  - from: [{namespaceSelector: {matchLabels: {team: web}}, podSelector: {matchLabels: {pod: b}}}]
    ports: [{port: 80}]
  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
  - from: [{ipBlock: {cidr: 10.2.0.0/16}}]
    ports: [{port: 443}]
  - from: [{ipBlock: {cidr: 10.1.0.0/16}}]
)";
  auto fs = lint_yaml(yaml);
  ASSERT_EQ(fs.size(), 3u) << all_text(fs);
  for (const auto& f : fs) EXPECT_EQ(f.kind, LintKind::RuleShadowed) << format_finding(f);
  EXPECT_EQ(fs[0].field, "spec.ingress[0]");
  EXPECT_NE(fs[0].message.find("ingress rule 0 allows nothing that rule 1 does not already allow (rule 1 is broader)"),
            std::string::npos) << fs[0].message;
  // Two identical rules: only the later one is reported.
  EXPECT_EQ(fs[1].field, "spec.ingress[2]");
  EXPECT_NE(fs[1].message.find("they allow the same"), std::string::npos) << fs[1].message;
  EXPECT_EQ(fs[2].field, "spec.ingress[5]");  // inside 10/8 and outside its except
  // Rule 3 (other namespace), rule 6 (exactly the excepted range) are not covered.
}

TEST(Lint, ServicesWithoutBackendsOrTargetPorts) {
  const std::string yaml = R"(apiVersion: v1
kind: Service
metadata: {name: nobody, namespace: x}
spec:
  selector: {pod: d}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: default}
spec:
  selector: {pod: a}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: ports, namespace: "y"}
spec:
  selector: {pod: b}
  ports:
  - {name: named, port: 80, targetPort: http}
  - {name: number, port: 8080, targetPort: 8080}
  - {name: fine, port: 81, targetPort: serve-81-udp, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: "y"}
spec:
  ports: [{port: 80}]
)";
  auto fs = lint_yaml(yaml);
  ASSERT_EQ(fs.size(), 4u) << all_text(fs);
  EXPECT_EQ(fs[0].kind, LintKind::ServiceSelectsNothing);
  EXPECT_EQ(fs[0].object, "Service x/nobody");
  EXPECT_EQ(fs[0].pos.line, line_of(yaml, "selector: {pod: d}"));
  EXPECT_EQ(fs[1].kind, LintKind::ServiceSelectsNothing);
  EXPECT_EQ(fs[1].object, "Service default/elsewhere");
  EXPECT_NE(fs[1].message.find("x/a, y/a, z/a match, but a Service selects only pods of its own namespace"),
            std::string::npos) << fs[1].message;
  EXPECT_EQ(fs[2].kind, LintKind::TargetPortUndeclared);
  EXPECT_EQ(fs[2].field, "spec.ports[0].targetPort");
  EXPECT_EQ(fs[2].pos.line, line_of(yaml, "targetPort: http"));
  EXPECT_NE(fs[2].message.find("port 80 has no endpoints"), std::string::npos) << fs[2].message;
  EXPECT_EQ(fs[3].field, "spec.ports[1].targetPort");
  EXPECT_NE(fs[3].message.find("targetPort 8080/TCP is not a containerPort"), std::string::npos) << fs[3].message;
}

TEST(Lint, EgressIsolationWithoutDns) {
  const auto fs = lint_yaml(R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-to-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all-egress, namespace: "y"}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-udp-dns, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: c}}
  policyTypes: [Egress]
  egress: [{ports: [{port: 53, protocol: UDP}]}]
)");
  ASSERT_EQ(fs.size(), 3u) << all_text(fs);
  for (const auto& f : fs) EXPECT_EQ(f.kind, LintKind::EgressBlocksDns) << format_finding(f);
  EXPECT_EQ(fs[0].object, "NetworkPolicy x/egress-to-b");
  EXPECT_NE(fs[0].message.find("isolates the egress of x/a but no policy selecting it allows UDP and TCP port 53"),
            std::string::npos) << fs[0].message;
  EXPECT_NE(fs[0].message.find("name lookups time out"), std::string::npos);
  // y/c gets UDP from another policy: only TCP is missing for it, both for y/a and y/b.
  EXPECT_EQ(fs[1].object, "NetworkPolicy y/deny-all-egress");
  EXPECT_NE(fs[1].message.find("y/a, y/b, y/c"), std::string::npos) << fs[1].message;
  EXPECT_EQ(fs[2].object, "NetworkPolicy y/allow-udp-dns");
  EXPECT_NE(fs[2].message.find("allows TCP port 53"), std::string::npos) << fs[2].message;
  EXPECT_NE(fs[2].message.find("DNS answers too large for UDP fail"), std::string::npos) << fs[2].message;
}

TEST(Lint, EgressLosingOneOfTheDnsPods) {
  // kube-proxy spreads lookups over every CoreDNS pod: cutting one off fails that share.
  auto base = xyz_cluster("");
  ASSERT_TRUE(base);
  const kube::PodInfo* dns = nullptr;
  for (const auto& pod : base->inventory().pods)
    if (!dns && pod.namespace_ == "kube-system" && pod.labels.count("k8s-app") && pod.labels.at("k8s-app") == "kube-dns") dns = &pod;
  ASSERT_TRUE(dns);
  auto fs = lint_yaml(R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all-but-one, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [)" + dns->ip.to_string() + R"(/32]}}]}]
)");
  ASSERT_EQ(fs.size(), 1u) << all_text(fs);
  EXPECT_EQ(fs[0].kind, LintKind::EgressBlocksDns);
  EXPECT_NE(fs[0].message.find("UDP and TCP port 53 to 1 of the 2 cluster DNS pods (kube-system/" + dns->name + ";"),
            std::string::npos) << fs[0].message;
  EXPECT_NE(fs[0].message.find("so the lookups sent there time out"), std::string::npos) << fs[0].message;
}

TEST(Lint, OrderIsIndependentOfInputOrder) {
  const std::string p1 = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: one, namespace: x}
spec:
  podSelector: {matchLabels: {pod: nobody}}
)";
  const std::string p2 = R"(apiVersion: v1
kind: Service
metadata: {name: two, namespace: x}
spec:
  selector: {pod: nobody}
  ports: [{port: 80}]
)";
  auto a = lint_yaml(p1 + "---\n" + p2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].kind, LintKind::PolicySelectsNothing);  // line order within the file
  EXPECT_EQ(a[1].kind, LintKind::ServiceSelectsNothing);
  EXPECT_EQ(all_text(a), all_text(lint_yaml(p1 + "---\n" + p2)));
}

}  // namespace
}  // namespace packetwalk::model::policy
