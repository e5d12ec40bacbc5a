// The NetworkPolicy evaluator on hand-made objects: each test pins one rule of the API
// (k8s-semantics.md §5.1) and checks the verdict and the explanation.
#include "packetwalk/model/policy/evaluate.h"

#include <gtest/gtest.h>

#include "packetwalk/model/policy/suggest.h"

namespace packetwalk::model::policy {
namespace {

using kube::IntOrString;
using kube::LabelSelector;
using kube::NetworkPolicy;
using kube::NetworkPolicyPeer;
using kube::NetworkPolicyPort;
using kube::NetworkPolicyRule;
using net::Ipv4Address;

kube::PodInfo pod(std::string ns, std::string name, kube::Labels labels, std::uint8_t last, std::string node = "node-1") {
  kube::PodInfo p;
  p.namespace_ = std::move(ns);
  p.name = std::move(name);
  p.labels = std::move(labels);
  p.ip = Ipv4Address::from_octets(10, 244, 0, last);
  p.node = std::move(node);
  kube::Container c;
  c.name = "c";
  c.ports.push_back({"http", 8080, net::Protocol::Tcp});
  c.ports.push_back({"dns", 53, net::Protocol::Udp});
  p.containers.push_back(c);
  return p;
}

kube::Namespace ns(std::string name, kube::Labels labels = {}) {
  kube::Namespace n;
  n.meta.name = name;
  n.meta.labels = std::move(labels);
  n.meta.labels["kubernetes.io/metadata.name"] = name;
  return n;
}

NetworkPolicy policy(std::string ns, std::string name, LabelSelector sel) {
  NetworkPolicy p;
  p.meta.namespace_ = std::move(ns);
  p.meta.name = std::move(name);
  p.pod_selector = std::move(sel);
  return p;
}

LabelSelector match(std::string k, std::string v) { return LabelSelector{{{std::move(k), std::move(v)}}, {}}; }

class EvaluateTest : public ::testing::Test {
protected:
  void SetUp() override {
    // Sorted as build_inventory leaves them: Inventory's find_* functions binary-search.
    inv.namespaces = {ns("dev"), ns("prod", {{"team", "web"}})};
    inv.pods = {pod("dev", "tool", {{"role", "frontend"}}, 4, "node-2"), pod("prod", "api", {{"app", "api"}}, 2),
                pod("prod", "web", {{"role", "frontend"}}, 3)};
  }
  const kube::PodInfo& p(const char* name) const {
    for (const auto& x : inv.pods)
      if (x.name == name) return x;
    throw std::logic_error("no pod");
  }
  Connection conn(const char* from, const char* to, net::Port port, net::Protocol proto = net::Protocol::Tcp) const {
    return Connection{Endpoint{&p(from), p(from).ip, p(from).node}, Endpoint{&p(to), p(to).ip, p(to).node}, proto, port, false};
  }
  Evaluation eval(const Connection& c) const { return evaluate(PolicyIndex(policies, inv), c); }

  kube::Inventory inv;
  std::vector<NetworkPolicy> policies;
};

TEST_F(EvaluateTest, NoPolicyAllowsEverything) {
  auto e = eval(conn("web", "api", 8080));
  EXPECT_TRUE(e.allowed);
  EXPECT_FALSE(e.ingress.isolated());
  EXPECT_EQ(e.reason(), "allowed: no NetworkPolicy isolates the source's egress or the destination's ingress");
}

TEST_F(EvaluateTest, AbsentAndEmptyIngressBothDenyAll) {
  auto np = policy("prod", "deny", {});
  policies = {np};
  EXPECT_FALSE(eval(conn("web", "api", 8080)).allowed);  // ingress absent, policyTypes absent -> Ingress
  policies[0].ingress = std::vector<NetworkPolicyRule>{};
  EXPECT_FALSE(eval(conn("web", "api", 8080)).allowed);
  // ingress: [{}] allows everything.
  policies[0].ingress = std::vector<NetworkPolicyRule>{NetworkPolicyRule{}};
  EXPECT_TRUE(eval(conn("web", "api", 8080)).allowed);
}

TEST_F(EvaluateTest, EmptyFromAndPortsListsMeanEverything) {
  auto np = policy("prod", "p", match("app", "api"));
  NetworkPolicyRule r;
  r.peers = std::vector<NetworkPolicyPeer>{};
  r.ports = std::vector<NetworkPolicyPort>{};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  auto e = eval(conn("tool", "api", 9999, net::Protocol::Udp));
  EXPECT_TRUE(e.allowed);
  EXPECT_TRUE(e.ingress.policies[0].rules[0].every_peer);
  EXPECT_TRUE(e.ingress.policies[0].rules[0].every_port);
}

TEST_F(EvaluateTest, PolicyTypesDefaulting) {
  auto np = policy("prod", "egress-only", match("app", "api"));
  NetworkPolicyRule r;
  r.ports = std::vector<NetworkPolicyPort>{NetworkPolicyPort{net::Protocol::Tcp, IntOrString::of(443), std::nullopt}};
  np.egress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  // Egress rules and no policyTypes: Ingress AND Egress.
  EXPECT_FALSE(eval(conn("web", "api", 8080)).allowed);  // ingress isolated, no ingress rule
  EXPECT_FALSE(eval(conn("api", "web", 8080)).allowed);  // egress allows 443 only
  EXPECT_TRUE(eval(conn("api", "web", 443)).allowed);    // whether web listens is not the policy's business
  // policyTypes [Egress] written: ingress is not isolated.
  policies[0].policy_types = std::vector<std::string>{"Egress"};
  EXPECT_TRUE(eval(conn("web", "api", 8080)).allowed);
}

TEST_F(EvaluateTest, PodSelectorPeerIsScopedToThePolicyNamespace) {
  auto np = policy("prod", "from-frontend", match("app", "api"));
  NetworkPolicyRule r;
  r.peers = std::vector<NetworkPolicyPeer>{NetworkPolicyPeer{match("role", "frontend"), std::nullopt, std::nullopt}};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  EXPECT_TRUE(eval(conn("web", "api", 8080)).allowed);
  auto e = eval(conn("tool", "api", 8080));
  EXPECT_FALSE(e.allowed);
  const auto& peer = e.ingress.policies[0].rules[0].peers[0].result;
  EXPECT_EQ(peer.miss, PeerMiss::OtherNamespace);
  EXPECT_EQ(e.reason(), "denied: ingress of the destination is isolated by NetworkPolicy prod/from-frontend and no rule allows it");
}

TEST_F(EvaluateTest, NamespaceAndPodSelectorInOneEntryAreAnded) {
  auto np = policy("prod", "p", match("app", "api"));
  NetworkPolicyRule r;
  r.peers = std::vector<NetworkPolicyPeer>{NetworkPolicyPeer{match("role", "frontend"), match("team", "web"), std::nullopt}};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  EXPECT_TRUE(eval(conn("web", "api", 8080)).allowed);
  auto e = eval(conn("tool", "api", 8080));
  EXPECT_FALSE(e.allowed);
  EXPECT_EQ(e.ingress.policies[0].rules[0].peers[0].result.miss, PeerMiss::NamespaceLabels);
  // As two entries: OR.
  policies[0].ingress->at(0).peers = std::vector<NetworkPolicyPeer>{
      NetworkPolicyPeer{match("role", "frontend"), std::nullopt, std::nullopt},
      NetworkPolicyPeer{std::nullopt, match("kubernetes.io/metadata.name", "dev"), std::nullopt}};
  EXPECT_TRUE(eval(conn("tool", "api", 8080)).allowed);
}

TEST_F(EvaluateTest, NamedPortResolvesOnTheDestinationPod) {
  auto np = policy("prod", "p", match("app", "api"));
  NetworkPolicyRule r;
  r.ports = std::vector<NetworkPolicyPort>{NetworkPolicyPort{net::Protocol::Tcp, IntOrString::of("http"), std::nullopt}};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  EXPECT_TRUE(eval(conn("web", "api", 8080)).allowed);
  auto e = eval(conn("web", "api", 80));
  EXPECT_FALSE(e.allowed);
  EXPECT_EQ(e.ingress.policies[0].rules[0].ports[0].result.detail, "named port \"http\" is 8080 on prod/api, not 80");
  // The name is looked up with the entry's protocol: "dns" is UDP only.
  policies[0].ingress->at(0).ports->at(0).port = IntOrString::of("dns");
  EXPECT_FALSE(eval(conn("web", "api", 53)).allowed);
  EXPECT_EQ(eval(conn("web", "api", 53)).ingress.policies[0].rules[0].ports[0].result.miss, PortMiss::Protocol);
}

TEST_F(EvaluateTest, EndPortAndProtocolOnlyEntries) {
  auto np = policy("prod", "p", match("app", "api"));
  NetworkPolicyRule r;
  r.ports = std::vector<NetworkPolicyPort>{NetworkPolicyPort{net::Protocol::Tcp, IntOrString::of(8000), 8090},
                                           NetworkPolicyPort{net::Protocol::Udp, std::nullopt, std::nullopt}};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  EXPECT_TRUE(eval(conn("web", "api", 8000)).allowed);
  EXPECT_TRUE(eval(conn("web", "api", 8090)).allowed);
  EXPECT_FALSE(eval(conn("web", "api", 8091)).allowed);
  EXPECT_TRUE(eval(conn("web", "api", 4000, net::Protocol::Udp)).allowed);
  EXPECT_FALSE(eval(conn("web", "api", 4000, net::Protocol::Sctp)).allowed);
}

TEST_F(EvaluateTest, IpBlockWithExceptAppliesToPodAddresses) {
  auto np = policy("prod", "p", match("app", "api"));
  NetworkPolicyRule r;
  r.peers = std::vector<NetworkPolicyPeer>{NetworkPolicyPeer{std::nullopt, std::nullopt, kube::IpBlock{"10.244.0.0/24", {"10.244.0.4/32"}}}};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  EXPECT_TRUE(eval(conn("web", "api", 8080)).allowed);  // 10.244.0.3
  auto e = eval(conn("tool", "api", 8080));              // 10.244.0.4: excepted
  EXPECT_FALSE(e.allowed);
  EXPECT_EQ(e.ingress.policies[0].rules[0].peers[0].result.miss, PeerMiss::Except);
  Connection outside{Endpoint{nullptr, Ipv4Address::from_octets(203, 0, 113, 7), ""}, conn("web", "api", 8080).dst,
                     net::Protocol::Tcp, 8080, false};
  EXPECT_EQ(eval(outside).ingress.policies[0].rules[0].peers[0].result.miss, PeerMiss::Cidr);
}

TEST_F(EvaluateTest, SelfAndOwnNodeAreExempt) {
  policies = {policy("prod", "deny", {})};
  auto self = eval(conn("api", "api", 8080));
  EXPECT_TRUE(self.allowed);
  EXPECT_FALSE(self.exempt_reason.empty());
  auto via_service = conn("api", "api", 8080);
  via_service.via_service = true;
  EXPECT_FALSE(eval(via_service).allowed);  // through a Service it is an ordinary connection
  Connection from_node{Endpoint{nullptr, Ipv4Address::from_octets(192, 168, 0, 11), "node-1"}, conn("web", "api", 8080).dst,
                       net::Protocol::Tcp, 8080, false};
  EXPECT_TRUE(eval(from_node).allowed);
  from_node.src.node = "node-2";  // another node: policed like any address
  EXPECT_FALSE(eval(from_node).allowed);
}

TEST_F(EvaluateTest, UnionOfPoliciesAndDecidingPolicyIsFirstByName) {
  auto a = policy("prod", "b-allow-web", match("app", "api"));
  NetworkPolicyRule r;
  r.peers = std::vector<NetworkPolicyPeer>{NetworkPolicyPeer{match("role", "frontend"), std::nullopt, std::nullopt}};
  a.ingress = std::vector<NetworkPolicyRule>{r};
  auto b = policy("prod", "a-deny", {});
  policies = {a, b};
  auto e = eval(conn("web", "api", 8080));
  EXPECT_TRUE(e.allowed);
  ASSERT_EQ(e.ingress.policies.size(), 2u);
  EXPECT_EQ(e.ingress.policies[0].policy->meta.name, "a-deny");
  EXPECT_EQ(e.ingress.decided_by()->policy->meta.name, "b-allow-web");
}

TEST_F(EvaluateTest, SuggestsAddingThePortFirst) {
  auto np = policy("prod", "p", match("app", "api"));
  NetworkPolicyRule r;
  r.peers = std::vector<NetworkPolicyPeer>{NetworkPolicyPeer{match("role", "frontend"), std::nullopt, std::nullopt}};
  r.ports = std::vector<NetworkPolicyPort>{NetworkPolicyPort{net::Protocol::Tcp, IntOrString::of(8080), std::nullopt}};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  auto c = conn("web", "api", 53, net::Protocol::Udp);
  auto e = eval(c);
  ASSERT_FALSE(e.allowed);
  auto s = suggest_fixes(policies, inv, c, e);
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0].edits[0].kind, Edit::Kind::AddPort);
  EXPECT_EQ(s[0].edits[0].field, "spec.ingress[0].ports");
  EXPECT_EQ(s[0].edits[0].change, "- {protocol: UDP, port: 53}");
  EXPECT_EQ(s[0].also_opens_total, 0u);

  // From another namespace: labelling the namespace would not do (podSelector alone is scoped to
  // prod), so the peer or a new rule must name it.
  auto c2 = conn("tool", "api", 8080);
  auto s2 = suggest_fixes(policies, inv, c2, eval(c2));
  ASSERT_FALSE(s2.empty());
  EXPECT_EQ(s2[0].edits[0].kind, Edit::Kind::AddPeer);
  EXPECT_EQ(s2[0].edits[0].change,
            "- {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: dev}}, podSelector: {matchLabels: {role: frontend}}}");
}

TEST_F(EvaluateTest, SuggestionsSelectByStableLabelsAndNeverRewriteALabel) {
  // web carries role=frontend; the rule wants role=admin. Relabelling web would change a label it
  // already has (it could leave Services or its ReplicaSet): not proposed. The peer added to the
  // rule names web by its labels, without the rollout hash its ReplicaSet stamped on it.
  for (auto& x : inv.pods)
    if (x.name == "web") x.labels["pod-template-hash"] = "5d9f8b7c6d";
  auto np = policy("prod", "p", match("app", "api"));
  NetworkPolicyRule r;
  r.peers = std::vector<NetworkPolicyPeer>{NetworkPolicyPeer{match("role", "admin"), std::nullopt, std::nullopt}};
  np.ingress = std::vector<NetworkPolicyRule>{r};
  policies = {np};
  auto c = conn("web", "api", 8080);
  auto s = suggest_fixes(policies, inv, c, eval(c));
  ASSERT_FALSE(s.empty());
  bool peer_added = false;
  for (const auto& x : s) {
    EXPECT_NE(x.edits[0].kind, Edit::Kind::LabelPod) << x.edits[0].change;
    EXPECT_EQ(x.edits[0].change.find("pod-template-hash"), std::string::npos) << x.edits[0].change;
    peer_added |= x.edits[0].kind == Edit::Kind::AddPeer && x.edits[0].change == "- {podSelector: {matchLabels: {role: frontend}}}";
  }
  EXPECT_TRUE(peer_added);
  // A new rule on 8080 alone ranks first: the extra peer on a rule with no ports also opens 53/UDP.
  EXPECT_EQ(s[0].edits[0].kind, Edit::Kind::AddRule);
}

}  // namespace
}  // namespace packetwalk::model::policy
