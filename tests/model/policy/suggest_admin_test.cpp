// suggest when an admin-tier or baseline rule decides a denied connection: NetworkPolicy edits
// cannot allow it, so the suggestions name that rule and edit its policy instead — each edit
// verified by re-evaluating with the admin policies in force, with what else it opens.
#include <gtest/gtest.h>

#include "packetwalk/model/policy/suggest.h"
#include "policy_test_util.h"

namespace packetwalk::model::policy_test {
namespace {

using policy::Edit;

struct Denied {
  std::unique_ptr<cluster::Cluster> c;
  policy::Connection conn;
  policy::Evaluation e;
  std::vector<policy::Suggestion> s;
};

Denied suggest(const std::string& yaml, const std::string& from, const std::string& to, net::Port port) {
  Denied d;
  d.c = xyz_cluster(yaml);
  if (!d.c) return d;
  const auto& inv = d.c->inventory();
  const auto& m = d.c->scenario().manifests;
  policy::PolicyIndex index(m.network_policies, inv, &m.admin_policies);
  const auto* src = inv.find_pod(from.substr(0, 1), from.substr(2));
  const auto* dst = inv.find_pod(to.substr(0, 1), to.substr(2));
  d.conn.dst = query::destination_endpoint(*dst, inv);
  d.conn.src = query::destination_endpoint(*src, inv);
  d.conn.port = port;
  d.e = policy::evaluate(index, d.conn);
  d.s = policy::suggest_fixes(m.network_policies, inv, d.conn, d.e, 3, {}, &m.admin_policies);
  return d;
}

constexpr const char* kAllowAll = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-ingress, namespace: x}
spec:
  podSelector: {}
  ingress:
  - {}
)";

TEST(SuggestAdmin, AnpDenyWithAnAllowingNetworkPolicyGetsAdminEditsOnly) {
  auto d = suggest(std::string(kAllowAll) + R"(---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-from-z}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}
  ingress:
  - name: deny-z-on-80
    action: Deny
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: z}}}]
    ports: [{portNumber: {protocol: TCP, port: 80}}]
)", "z/a", "x/a", 80);
  ASSERT_TRUE(d.c);
  ASSERT_FALSE(d.e.allowed);
  EXPECT_EQ(policy::tier_denial(d.e.ingress), "AdminNetworkPolicy/deny-from-z ingress rule 0 (deny-z-on-80)");
  EXPECT_EQ(policy::tier_denial(d.e.egress), "");
  ASSERT_EQ(d.s.size(), 3u);
  for (const auto& s : d.s) {
    EXPECT_EQ(s.side, policy::Direction::Ingress);
    EXPECT_EQ(s.edits[0].object, "AdminNetworkPolicy deny-from-z") << "a NetworkPolicy edit cannot undo an admin Deny";
  }
  // Pass first: it hands the flow to the namespace owner's NetworkPolicy, which already allows it.
  EXPECT_EQ(d.s[0].edits[0].kind, Edit::Kind::AdminInsertPass);
  EXPECT_EQ(d.s[0].edits[0].field, "spec.ingress, before ingress rule 0 (deny-z-on-80)");
  EXPECT_NE(d.s[0].edits[0].change.find("action: Pass, from: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}, "
                                         "podSelector: {matchLabels: {pod: a}}}}], ports: [{portNumber: {protocol: TCP, port: 80}}]"),
            std::string::npos)
      << d.s[0].edits[0].change;
  // The ANP's subject is every pod of x: a rule for z/a opens z/a -> x/b and x/c too, and says so.
  EXPECT_EQ(d.s[0].also_opens_total, 2u);
  EXPECT_EQ(d.s[0].also_opens, (std::vector<std::string>{"z/a -> x/b 80/TCP", "z/a -> x/c 80/TCP"}));
  EXPECT_EQ(d.s[1].edits[0].kind, Edit::Kind::AdminInsertAllow);
  // Turning the Deny itself into a Pass opens it for every pod of z: ranked last, counted.
  EXPECT_EQ(d.s[2].edits[0].kind, Edit::Kind::AdminSetAction);
  EXPECT_EQ(d.s[2].edits[0].change, "Pass");
  EXPECT_EQ(d.s[2].also_opens_total, 8u);
}

constexpr const char* kBaselineDeny = R"(
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - name: default-deny
    action: Deny
    from: [{namespaces: {}}]
)";

TEST(SuggestAdmin, BanpDenyWithoutNetworkPolicyEditsTheBaseline) {
  auto d = suggest(kBaselineDeny, "x/a", "z/b", 80);
  ASSERT_TRUE(d.c);
  ASSERT_FALSE(d.e.allowed);
  EXPECT_EQ(policy::tier_denial(d.e.ingress), "BaselineAdminNetworkPolicy/default ingress rule 0 (default-deny)");
  ASSERT_EQ(d.s.size(), 2u);  // the baseline has no Pass: insert an Allow, or make the Deny an Allow
  EXPECT_EQ(d.s[0].edits[0].kind, Edit::Kind::AdminInsertAllow);
  EXPECT_EQ(d.s[0].edits[0].object, "BaselineAdminNetworkPolicy default");
  EXPECT_NE(d.s[0].edits[0].change.find("action: Allow"), std::string::npos);
  EXPECT_EQ(d.s[1].edits[0].kind, Edit::Kind::AdminSetAction);
  EXPECT_EQ(d.s[1].edits[0].change, "Allow");
  EXPECT_GT(d.s[1].also_opens_total, d.s[0].also_opens_total);
}

TEST(SuggestAdmin, PassThatEndsInABaselineDenyNamesTheBaselineRule) {
  auto d = suggest(std::string(kBaselineDeny) + R"(---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: pass-x}
spec:
  priority: 5
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: z}}}
  ingress:
  - name: pass-from-x
    action: Pass
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}]
)", "x/a", "z/b", 80);
  ASSERT_TRUE(d.c);
  ASSERT_FALSE(d.e.allowed);
  ASSERT_EQ(d.e.ingress.admin.passed.size(), 1u);
  EXPECT_EQ(policy::tier_denial(d.e.ingress), "BaselineAdminNetworkPolicy/default ingress rule 0 (default-deny)");
  ASSERT_FALSE(d.s.empty());
  EXPECT_EQ(d.s[0].edits[0].object, "BaselineAdminNetworkPolicy default");
}

TEST(SuggestAdmin, NetworkPolicyEditsAreCheckedAgainstTheAdminTier) {
  // x/a's NetworkPolicy admits only y, so z/a -> x/a:81 is the NetworkPolicy's decision and gets
  // NetworkPolicy edits; an ANP denies z -> x on 80, so an edit that opens z/a on every port must
  // not count 80/TCP among what it also opens.
  auto d = suggest(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-y, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-z-80}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}
  ingress:
  - name: deny-z-80
    action: Deny
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: z}}}]
    ports: [{portNumber: {protocol: TCP, port: 80}}]
)", "z/a", "x/a", 81);
  ASSERT_TRUE(d.c);
  ASSERT_FALSE(d.e.allowed);
  EXPECT_EQ(policy::tier_denial(d.e.ingress), "");  // the NetworkPolicy decided: NetworkPolicy edits
  ASSERT_FALSE(d.s.empty());
  for (const auto& s : d.s) {
    EXPECT_EQ(s.edits[0].object.rfind("NetworkPolicy x/only-y", 0) == 0 || s.edits[0].object.rfind("Namespace", 0) == 0 ||
                  s.edits[0].object.rfind("Pod", 0) == 0,
              true)
        << s.edits[0].object;
    // What else it opens never lists z -> x on 80: the ANP still denies those.
    for (const auto& t : s.also_opens) EXPECT_EQ(t.find(" 80/TCP"), std::string::npos) << t;
  }
}

}  // namespace
}  // namespace packetwalk::model::policy_test
