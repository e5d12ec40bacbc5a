// Grouped reach (query/reach_groups.h) must give exactly the per-pair answers: on generated
// clusters (several seeds; namespaceSelectors, matchExpressions, ipBlock with except, named ports,
// endPort), plus hostNetwork pods and admin-tier policies whose selectors read labels nothing else
// reads, every (from, to, port) cell of the grouped result equals the per-pair verdict, and the
// summary's counts equal counting the per-pair verdicts.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/load/synthetic.h"
#include "packetwalk/model/policy/footprint.h"
#include "packetwalk/model/query/reach_groups.h"

namespace packetwalk::model::query {
namespace {

// A pod identical to app-0's pods of ns-0 but for one label only an admin policy reads, a
// hostNetwork pod, and admin policies (subject by that label; networks; namespaces).
const char* kExtras = R"(apiVersion: v1
kind: Pod
metadata: {name: marked, namespace: ns-0, labels: {app: app-0, tier: frontend, only-admin: "yes"}}
spec: {nodeName: node-00001, containers: [{name: main, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: host-agent, namespace: ns-1}
spec: {nodeName: node-00002, hostNetwork: true, containers: [{name: main, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: marked-deny}
spec:
  priority: 10
  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {only-admin: "yes"}}}}
  ingress:
  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: block-first-node}
spec:
  priority: 20
  subject: {namespaces: {matchLabels: {env: prod}}}
  egress:
  - {name: no-node-1, action: Deny, to: [{networks: ["100.64.0.0/26"]}], ports: [{portNumber: {port: 8080, protocol: TCP}}]}
  - {name: pass-dev, action: Pass, to: [{namespaces: {matchLabels: {env: dev}}}]}
)";

struct Built {
  load::Scenario scenario;
  std::unique_ptr<cluster::Cluster> cluster;
};

Built build(std::uint64_t seed, bool extras, const std::string& cni = "calico") {
  load::SyntheticSpec spec;
  spec.nodes = 3;
  spec.namespaces = 4;
  spec.pods = 36;
  spec.services = 3;
  spec.policies = 18;
  spec.label_variety = 4;
  spec.seed = seed;
  const auto gen = load::generate_synthetic(spec);
  load::Diagnostics diags;
  Built b;
  b.scenario.path = "generated";
  b.scenario.cluster = load::default_cluster_spec();
  b.scenario.cluster.cni = cni;
  b.scenario.cluster.pod_cidr = *net::Cidr::parse("100.64.0.0/10");
  b.scenario.cluster.node_network = *net::Cidr::parse("172.16.0.0/16");
  b.scenario.manifests = load::load_manifest_text(gen.joined() + (extras ? std::string("---\n") + kExtras : ""), "gen.yaml", 0, diags);
  load::remove_duplicates(b.scenario.manifests, diags);
  b.cluster = cluster::Cluster::build(b.scenario, diags);
  for (const auto& d : diags.all())  // Flannel warns that policies have no effect: expected
    if (cni == "calico" || d.severity == load::Severity::Error) ADD_FAILURE() << load::format_diagnostic(d);
  return b;
}

using Counts = std::map<std::tuple<std::string, std::string, ReachPort>, std::pair<std::uint64_t, std::uint64_t>>;

// Every cell of the grouped answer against the per-pair verdict; returns the per-pair counts.
Counts check_pairs(const ReachInputs& in, const GroupedReach& g, std::uint64_t seed, std::size_t& cells) {
  policy::PolicyIndex index(*in.policies, *in.inventory, in.admin);
  Counts counts;
  const auto& pods = g.pods();
  for (std::size_t s = 0; s < pods.size(); ++s) {
    for (std::size_t d = 0; d < pods.size(); ++d) {
      for (const auto& port : g.ports_towards(d)) {
        std::string why;
        const bool want = pair_allowed(in, index, *pods[s], *pods[d], port, &why);
        EXPECT_EQ(g.allowed(s, d, port), want) << "seed " << seed << ": " << pods[s]->namespace_ << "/" << pods[s]->name
                                               << " -> " << pods[d]->namespace_ << "/" << pods[d]->name << " "
                                               << port.to_string() << " (per pair: " << why << ")";
        auto& c = counts[{pods[s]->namespace_, pods[d]->namespace_, port}];
        (want ? c.first : c.second) += 1;
        ++cells;
      }
    }
  }
  return counts;
}

void expect_summary(const ReachSummary& s, const Counts& want, std::uint64_t seed) {
  Counts got;
  for (const auto& c : s.namespaces) got[{c.from, c.to, c.port}] = {c.allowed, c.denied};
  EXPECT_EQ(got, want) << "seed " << seed;
}

TEST(ReachGroups, GroupedEqualsPerPairOnGeneratedClusters) {
  std::size_t cells = 0, denied = 0;
  for (std::uint64_t seed : {1, 2, 3, 5, 8, 13}) {
    auto b = build(seed, true);
    ASSERT_TRUE(b.cluster);
    const auto in = reach_inputs(*b.cluster);
    ReachOptions o;
    o.all_namespaces = seed % 2 == 0;  // kube-system's CoreDNS too, on some seeds
    GroupedReach g(in, o);
    const auto counts = check_pairs(in, g, seed, cells);
    const auto summary = g.summarize(seed % 3 == 0 ? 1 : 2);
    expect_summary(summary, counts, seed);
    denied += summary.denied;
    // Grouping is the point: far fewer groups than pods.
    EXPECT_LT(summary.atoms, summary.pods) << "seed " << seed;
  }
  EXPECT_GT(cells, 5000u);
  EXPECT_GT(denied, 500u);  // the policies deny something, so agreement is not trivial
}

TEST(ReachGroups, ExplicitPortsAndNonEnforcingCni) {
  std::size_t cells = 0;
  for (std::string cni : {"calico", "flannel"}) {
    auto b = build(4, true, cni);
    ASSERT_TRUE(b.cluster);
    const auto in = reach_inputs(*b.cluster);
    ReachOptions o;
    o.ports = {{net::Protocol::Tcp, 8080}, {net::Protocol::Tcp, 9050}, {net::Protocol::Udp, 4789}, {net::Protocol::Udp, 9090}};
    GroupedReach g(in, o);
    const auto counts = check_pairs(in, g, 4, cells);
    expect_summary(g.summarize(2), counts, 4);
  }
}

// The per-pair verdict reach_groups checks against is compute_reach's own (allowed and reason).
TEST(ReachGroups, PairVerdictIsComputeReach) {
  for (std::uint64_t seed : {1, 7}) {
    auto b = build(seed, false);
    ASSERT_TRUE(b.cluster);
    const auto in = reach_inputs(*b.cluster);
    policy::PolicyIndex index(*in.policies, *in.inventory, in.admin);
    const auto m = compute_reach(*b.cluster, {});
    ASSERT_GT(m.results.size(), 500u);
    for (const auto& cell : m.results) {
      const auto* src = in.inventory->find_pod(cell.from.substr(0, cell.from.find('/')), cell.from.substr(cell.from.find('/') + 1));
      const auto* dst = in.inventory->find_pod(cell.to.substr(0, cell.to.find('/')), cell.to.substr(cell.to.find('/') + 1));
      ASSERT_TRUE(src && dst);
      std::string why;
      EXPECT_EQ(pair_allowed(in, index, *src, *dst, cell.port, &why), cell.allowed) << cell.from << " -> " << cell.to;
      EXPECT_EQ(why, cell.reason);
    }
  }
}

// The control plane alone (what `reach -o summary` loads) gives the built cluster's answer,
// hostNetwork sources included (their address comes from the node's routes there).
TEST(ReachGroups, WorldWithoutDatapathAgreesWithBuiltCluster) {
  auto b = build(6, true);
  ASSERT_TRUE(b.cluster);
  load::Diagnostics diags;
  auto world = build_reach_world(b.scenario, diags);
  ASSERT_TRUE(world);
  ReachOptions o;
  o.ports = {{net::Protocol::Tcp, 8080}, {net::Protocol::Tcp, 9000}};
  const auto a = GroupedReach(reach_inputs(*b.cluster), o).summarize(2);
  const auto w = GroupedReach(world->inputs(), o).summarize(2);
  EXPECT_EQ(a.host_network_pods, 1u);
  ASSERT_EQ(a.namespaces.size(), w.namespaces.size());
  for (std::size_t i = 0; i < a.namespaces.size(); ++i) {
    EXPECT_EQ(a.namespaces[i].allowed, w.namespaces[i].allowed) << a.namespaces[i].from << " -> " << a.namespaces[i].to;
    EXPECT_EQ(a.namespaces[i].denied, w.namespaces[i].denied);
  }
}

// A label only one policy kind reads must split groups: the admin policy above is the only reader
// of only-admin, so without admin tiers in the footprint "marked" would join app-0's group.
TEST(ReachGroups, FootprintReadsEveryPolicyKind) {
  auto b = build(1, true);
  ASSERT_TRUE(b.cluster);
  const auto in = reach_inputs(*b.cluster);
  policy::PolicyIndex index(*in.policies, *in.inventory, in.admin);
  const auto fp = policy::footprint(index);
  EXPECT_TRUE(fp.pod_label_values.count("only-admin"));
  EXPECT_FALSE(fp.pod_label_values.count("deploy"));  // no selector reads it: Deployments do not split groups
  // 100.64.0.0/26 comes from an admin `networks` peer only.
  EXPECT_NE(policy::address_interval(fp, *net::Ipv4Address::parse("100.64.0.10")),
            policy::address_interval(fp, *net::Ipv4Address::parse("100.64.0.70")));

  // Every policy kind the loader models must be read by the footprint. A kind the loader keeps as
  // a generic (unmodelled) object is not evaluated, so grouping cannot miss it.
  for (const char* kind : {"NetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy",
                           "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy",
                           "ANPNetworkPolicy", "MultiNetworkPolicy", "AdminNetworkPolicyList"}) {
    load::Diagnostics diags;
    const std::string yaml = std::string("apiVersion: x/v1\nkind: ") + kind + "\nmetadata: {name: p, namespace: n}\nspec: {}\n";
    auto set = load::load_manifest_text(yaml, "k.yaml", 0, diags);
    const bool modelled = !set.network_policies.empty() || !set.admin_policies.empty();
    if (modelled) {
      const auto& kinds = policy::footprint_kinds();
      EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end())
          << kind << " is evaluated but policy::footprint() does not read it: reach would merge pods it tells apart";
    }
  }
}

TEST(ReachGroups, GeneratorIsDeterministicAndSized) {
  load::SyntheticSpec spec;
  spec.nodes = 7;
  spec.namespaces = 5;
  spec.pods = 101;
  spec.policies = 12;
  spec.services = 4;
  const auto a = load::generate_synthetic(spec).joined();
  EXPECT_EQ(a, load::generate_synthetic(spec).joined());
  spec.seed = 2;
  EXPECT_NE(a, load::generate_synthetic(spec).joined());
  spec.seed = 1;
  load::Diagnostics diags;
  load::Scenario s;
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = "calico";  // under Flannel every policy is (rightly) warned about
  s.cluster.pod_cidr = *net::Cidr::parse("100.64.0.0/10");
  s.cluster.node_network = *net::Cidr::parse("172.16.0.0/16");
  s.manifests = load::load_manifest_text(a, "gen.yaml", 0, diags);
  auto c = cluster::Cluster::build(s, diags);
  ASSERT_TRUE(c);
  EXPECT_TRUE(diags.all().empty());
  std::size_t pods = 0;
  for (const auto& p : c->inventory().pods) pods += p.namespace_ != "kube-system";
  EXPECT_EQ(pods, 101u);
  EXPECT_EQ(c->inventory().nodes.size(), 7u);
  EXPECT_EQ(s.manifests.network_policies.size(), 12u);
  EXPECT_EQ(s.manifests.services.size(), 4u);
}

}  // namespace
}  // namespace packetwalk::model::query
