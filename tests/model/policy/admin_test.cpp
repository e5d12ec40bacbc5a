// AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy in the style of the
// network-policy-api conformance suite (conformance/tests/admin-network-policy-core-*.go,
// baseline-admin-network-policy-core-*.go): priority ordering, Pass, the baseline against a
// NetworkPolicy, port ranges, named ports, egress to networks — written for the e2e topology
// (namespaces x, y, z with pods a, b, c; y carries team=web). Every table is checked from reach
// (the evaluator) and by tracing every cell through Calico's tiers in the datapath.
//
// Tables: one line per source; columns x/a x/b x/c | y/a y/b y/c | z/a z/b z/c.
#include <gtest/gtest.h>

#include "packetwalk/model/policy/evaluate.h"
#include "policy_test_util.h"

namespace packetwalk::model::policy_test {
namespace {

void expect_table(cluster::Cluster& c, const query::ReachMatrix& m, const query::ReachPort& port, const std::string& want) {
  EXPECT_EQ(truth_table(m, port), want) << "reach " << port.to_string();
  EXPECT_EQ(traced_table(c, m, port), want) << "traced " << port.to_string();
}

const std::string kAll =
    "x/a ... ... ...\nx/b ... ... ...\nx/c ... ... ...\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
    "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n";
// Ingress from z into x denied, everything else allowed.
const std::string kZToXDenied =
    "x/a ... ... ...\nx/b ... ... ...\nx/c ... ... ...\ny/a ... ... ...\ny/b ... ... ...\ny/c ... ... ...\n"
    "z/a XXX ... ...\nz/b XXX ... ...\nz/c XXX ... ...\n";

// An ANP on x's pods with one ingress rule from z; `action`, `priority` and `ports` vary.
std::string anp_from_z(const std::string& name, int priority, const std::string& action, const std::string& ports = "") {
  return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: " + name +
         "}\nspec:\n  priority: " + std::to_string(priority) +
         "\n  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}\n  ingress:\n  - name: " + name +
         "-rule\n    action: " + action + "\n    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: z}}}]\n" +
         ports + "---\n";
}

constexpr const char* kNpAllowAllIntoX = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: x}
spec: {podSelector: {}, ingress: [{}]}
---
)";

constexpr const char* kNpDenyAllIntoX = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
)";

TEST(AdminNetworkPolicy, DenyOverridesAnAllowingNetworkPolicy) {
  auto c = xyz_cluster(std::string(kNpAllowAllIntoX) + anp_from_z("deny-z", 10, "Deny"));
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), udp(81)});
  expect_table(*c, m, tcp(80), kZToXDenied);
  expect_table(*c, m, udp(81), kZToXDenied);
  const auto* cell = m.find("z/a", "x/b", tcp(80));
  ASSERT_TRUE(cell);
  EXPECT_NE(cell->reason.find("denied by AdminNetworkPolicy/deny-z ingress rule 0 (deny-z-rule)"), std::string::npos)
      << cell->reason;
  EXPECT_NE(cell->reason.find("NetworkPolicy x/allow-all would have allowed it"), std::string::npos) << cell->reason;
}

TEST(AdminNetworkPolicy, AllowOverridesADenyingNetworkPolicy) {
  auto c = xyz_cluster(std::string(kNpDenyAllIntoX) + anp_from_z("allow-z", 10, "Allow"));
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  // x is isolated by deny-all; only z gets in, by the admin tier's Allow.
  expect_table(*c, m, tcp(80),
               "x/a .XX ... ...\nx/b X.X ... ...\nx/c XX. ... ...\ny/a XXX ... ...\ny/b XXX ... ...\ny/c XXX ... ...\n"
               "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n");
}

TEST(AdminNetworkPolicy, LowerPriorityNumberWins) {
  // Allow at 5 beats Deny at 10, whatever the names.
  auto allow_first = xyz_cluster(anp_from_z("a-deny", 10, "Deny") + anp_from_z("b-allow", 5, "Allow"));
  ASSERT_TRUE(allow_first);
  auto m1 = reach(*allow_first, {tcp(80)});
  expect_table(*allow_first, m1, tcp(80), kAll);
  // Swapped priorities: the Deny decides.
  auto deny_first = xyz_cluster(anp_from_z("a-deny", 5, "Deny") + anp_from_z("b-allow", 10, "Allow"));
  ASSERT_TRUE(deny_first);
  auto m2 = reach(*deny_first, {tcp(80)});
  expect_table(*deny_first, m2, tcp(80), kZToXDenied);
}

TEST(AdminNetworkPolicy, EqualPrioritiesApplyByNameAndWarn) {
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "test";
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = "calico";
  s.manifests = load::load_manifest_paths({source_path("scenarios/policy/manifests/xyz.yaml")}, diags);
  s.manifests.merge(load::load_manifest_text(anp_from_z("b-deny", 7, "Deny") + anp_from_z("a-allow", 7, "Allow"),
                                             "anp.yaml", 0, diags));
  auto c = cluster::Cluster::build(s, diags);
  ASSERT_TRUE(c);
  bool warned = false;
  for (const auto& d : diags.all()) {
    warned |= load::format_diagnostic(d).find("packetwalk applies them by name (a-allow first)") != std::string::npos;
  }
  EXPECT_TRUE(warned);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80), kAll);  // a-allow is evaluated first
}

TEST(AdminNetworkPolicy, PassDefersToTheNetworkPolicy) {
  // Pass at 5 skips the Deny at 10; x's NetworkPolicy deny-all then decides: z is denied by it,
  // not by the ANP. Without the NetworkPolicy, nothing decides and z is allowed by default.
  auto with_np = xyz_cluster(std::string(kNpDenyAllIntoX) + anp_from_z("pass-z", 5, "Pass") + anp_from_z("deny-z", 10, "Deny"));
  ASSERT_TRUE(with_np);
  auto m1 = reach(*with_np, {tcp(80)});
  const auto* cell = m1.find("z/a", "x/a", tcp(80));
  ASSERT_TRUE(cell);
  EXPECT_FALSE(cell->allowed);
  EXPECT_NE(cell->reason.find("isolated by NetworkPolicy x/deny-all"), std::string::npos) << cell->reason;
  EXPECT_NE(cell->reason.find("after AdminNetworkPolicy/pass-z ingress rule 0 (pass-z-rule) passed it on"), std::string::npos)
      << cell->reason;

  auto without_np = xyz_cluster(anp_from_z("pass-z", 5, "Pass") + anp_from_z("deny-z", 10, "Deny"));
  ASSERT_TRUE(without_np);
  auto m2 = reach(*without_np, {tcp(80)});
  expect_table(*without_np, m2, tcp(80), kAll);
}

TEST(AdminNetworkPolicy, PortRangeAndProtocol) {
  auto c = xyz_cluster(anp_from_z("deny-z-udp", 10, "Deny",
                                  "    ports:\n    - portRange: {protocol: UDP, start: 80, end: 81}\n"));
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), udp(80), udp(81)});
  expect_table(*c, m, tcp(80), kAll);
  expect_table(*c, m, udp(80), kZToXDenied);
  expect_table(*c, m, udp(81), kZToXDenied);
}

TEST(AdminNetworkPolicy, NamedPortResolvesAgainstTheDestination) {
  auto c = xyz_cluster(anp_from_z("deny-z-81", 10, "Deny", "    ports:\n    - namedPort: serve-81-tcp\n"));
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), tcp(81), udp(81)});
  expect_table(*c, m, tcp(80), kAll);
  expect_table(*c, m, tcp(81), kZToXDenied);
  expect_table(*c, m, udp(81), kAll);  // serve-81-tcp is a TCP port
}

TEST(AdminNetworkPolicy, PodsSubjectAndEgressToNetworks) {
  // Egress of y/a denied towards the whole pod network: every destination but itself.
  auto c = xyz_cluster(R"(
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: isolate-ya}
spec:
  priority: 1
  subject:
    pods:
      namespaceSelector: {matchLabels: {team: web}}
      podSelector: {matchLabels: {pod: a}}
  egress:
  - action: Deny
    to: [{networks: ["10.244.0.0/16"]}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80),
               "x/a ... ... ...\nx/b ... ... ...\nx/c ... ... ...\ny/a XXX .XX XXX\ny/b ... ... ...\ny/c ... ... ...\n"
               "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n");
}

TEST(BaselineAdminNetworkPolicy, ANetworkPolicyOverridesTheBaseline) {
  const std::string banp = R"(
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}
---
)";
  auto c = xyz_cluster(banp + kNpAllowAllIntoX);
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  // x is selected by allow-all: the NetworkPolicy decides and allows; y and z keep the baseline's
  // deny (a pod reaching itself never leaves its namespace).
  expect_table(*c, m, tcp(80),
               "x/a ... XXX XXX\nx/b ... XXX XXX\nx/c ... XXX XXX\ny/a ... .XX XXX\ny/b ... X.X XXX\ny/c ... XX. XXX\n"
               "z/a ... XXX .XX\nz/b ... XXX X.X\nz/c ... XXX XX.\n");
  const auto* cell = m.find("x/a", "z/b", tcp(80));
  ASSERT_TRUE(cell);
  EXPECT_NE(cell->reason.find("denied by BaselineAdminNetworkPolicy/default ingress rule 0 (deny-all)"), std::string::npos)
      << cell->reason;
}

TEST(BaselineAdminNetworkPolicy, AllowInTheBaselineLosesToAnAdminDeny) {
  auto c = xyz_cluster(anp_from_z("deny-z", 10, "Deny") + R"(
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - {action: Allow, from: [{namespaces: {}}]}
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80)});
  expect_table(*c, m, tcp(80), kZToXDenied);
}

TEST(ClusterNetworkPolicy, AdminAndBaselineTiersOfV1alpha2) {
  auto c = xyz_cluster(std::string(kNpAllowAllIntoX) + R"(
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: admin-deny-z}
spec:
  tier: Admin
  priority: 3
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}
  ingress:
  - name: deny-z-80
    action: Deny
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: z}}}]
    protocols: [{tcp: {destinationPort: {number: 80}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: baseline-deny-y}
spec:
  tier: Baseline
  priority: 0
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: z}}}
  ingress:
  - action: Deny
    from: [{pods: {namespaceSelector: {matchLabels: {team: web}}, podSelector: {matchLabels: {pod: b}}}}]
)");
  ASSERT_TRUE(c);
  auto m = reach(*c, {tcp(80), tcp(81)});
  expect_table(*c, m, tcp(80),
               "x/a ... ... ...\nx/b ... ... ...\nx/c ... ... ...\ny/a ... ... ...\ny/b ... ... XXX\ny/c ... ... ...\n"
               "z/a XXX ... ...\nz/b XXX ... ...\nz/c XXX ... ...\n");
  expect_table(*c, m, tcp(81),
               "x/a ... ... ...\nx/b ... ... ...\nx/c ... ... ...\ny/a ... ... ...\ny/b ... ... XXX\ny/c ... ... ...\n"
               "z/a ... ... ...\nz/b ... ... ...\nz/c ... ... ...\n");
}

TEST(AdminNetworkPolicy, FlannelWarnsThatItHasNoEffect) {
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "test";
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = "flannel";
  s.manifests = load::load_manifest_paths({source_path("scenarios/policy/manifests/xyz.yaml")}, diags);
  s.manifests.merge(load::load_manifest_text(anp_from_z("deny-z", 10, "Deny"), "anp.yaml", 0, diags));
  auto c = cluster::Cluster::build(s, diags);
  ASSERT_TRUE(c);
  std::string all;
  for (const auto& d : diags.all()) all += load::format_diagnostic(d) + "\n";
  EXPECT_NE(all.find("AdminNetworkPolicy deny-z: cni flannel does not enforce AdminNetworkPolicy: this policy has no effect"),
            std::string::npos)
      << all;
  auto m = reach(*c, {tcp(80)});
  EXPECT_TRUE(m.find("z/a", "x/a", tcp(80))->allowed);
}

// The CRDs' validations, reported at the offending line like other bad input.
std::string load_errors(const std::string& yaml) {
  load::Diagnostics diags;
  load::load_manifest_text(yaml, "bad.yaml", 0, diags);
  std::string out;
  for (const auto& d : diags.all()) out += load::format_diagnostic(d) + "\n";
  return out;
}

TEST(AdminNetworkPolicyLoader, RejectsWhatTheApiServerRejects) {
  EXPECT_NE(load_errors(anp_from_z("p", 1001, "Deny")).find("bad.yaml:5:13: error: AdminNetworkPolicy p: spec.priority: "
                                                            "Invalid value: 1001"),
            std::string::npos)
      << load_errors(anp_from_z("p", 1001, "Deny"));
  EXPECT_NE(load_errors(anp_from_z("p", 1, "Accept")).find("Unsupported value: \"Accept\""), std::string::npos);
  EXPECT_NE(load_errors(anp_from_z("p", 1, "Deny", "    ports:\n    - portRange: {start: 90, end: 80}\n"))
                .find("Start port must be less than End port"),
            std::string::npos);
  EXPECT_NE(load_errors("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
                        "metadata: {name: strict}\nspec: {subject: {namespaces: {}}}\n")
                .find("Only one baseline admin network policy with metadata.name=\"default\""),
            std::string::npos);
  EXPECT_NE(load_errors("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: p}\n"
                        "spec:\n  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n"
                        "    to: [{networks: [10.0.0.0/33]}]\n")
                .find("Invalid CIDR format provided"),
            std::string::npos);
  EXPECT_NE(load_errors("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: p}\n"
                        "spec:\n  priority: 1\n  subject: {namespaces: {}, pods: {podSelector: {}}}\n")
                .find("must have exactly one of namespaces, pods set (it has 2)"),
            std::string::npos);
  const auto unknown = load_errors("apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
                                   "metadata: {name: p}\nspec:\n  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n"
                                   "  colour: red\n");
  EXPECT_NE(unknown.find("warning: ClusterNetworkPolicy p: unknown field \"spec.colour\""), std::string::npos) << unknown;
}

}  // namespace
}  // namespace packetwalk::model::policy_test
