// cni: cilium as a user meets it: the devices `packetwalk routes` shows, the eBPF hops and the
// "Policy denied" drop a trace shows, where Cilium's verdicts differ from Calico's on the same
// policies (ipBlock naming a pod or a node, the admin tiers), and the load-time warnings.
#include <gtest/gtest.h>

#include <algorithm>

#include "../policy/policy_test_util.h"
#include "packetwalk/model/cni/cilium.h"

namespace packetwalk::model::policy_test {
namespace {

using trace::DropReason;
using trace::HopAction;

const char* kIngressFromA = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-from-a, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: b}}
  ingress:
  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: c}}}]
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]
    ports: [{port: 80}]
)";

trace::Trace trace_pair(cluster::Cluster& c, const std::string& from_ns, const std::string& from, const std::string& to_ns,
                        const std::string& to, net::Port port) {
  query::ProbeRunner runner(c.topology(), 1);
  query::ProbeTarget t;
  t.from = *c.pod_netns(from_ns, from);
  t.dst = c.inventory().find_pod(to_ns, to)->ip;
  t.port = port;
  return runner.run(t).trace;
}

const trace::Hop* find_hop(const trace::Trace& t, HopAction a) {
  for (const auto& h : t.legs.front().hops)
    if (h.action == a) return &h;
  return nullptr;
}

TEST(Cilium, BuildsCiliumHostCiliumVxlanAndLxcDevicesWithTunnelRoutes) {
  auto c = xyz_cluster("", "cilium");
  ASSERT_TRUE(c);
  const auto& t = c->topology();
  const auto node1 = *c->node_netns("node-1");
  auto host = t.find_iface(node1, "cilium_host");
  ASSERT_TRUE(host);
  EXPECT_EQ(t.iface(*host).addresses.front().to_string(), "10.244.0.1/32");
  auto vx = t.find_iface(node1, "cilium_vxlan");
  ASSERT_TRUE(vx);
  EXPECT_EQ(t.iface(*vx).vxlan_port, 8472);
  EXPECT_EQ(t.iface(*vx).mtu, 1450u);
  EXPECT_FALSE(t.find_iface(node1, "vxlan.calico"));
  EXPECT_FALSE(t.find_iface(node1, "cni0"));
  // lxc + 12 hex digits: 15 characters, IFNAMSIZ - 1.
  const auto lxc = cni::cilium_lxc_name("y", "b");
  EXPECT_EQ(lxc.size(), 15u);
  EXPECT_EQ(lxc.rfind("lxc", 0), 0u);
  EXPECT_NE(lxc, cni::cilium_lxc_name("y", "c"));
  EXPECT_TRUE(t.find_iface(node1, lxc));
  bool tunnel_route = false;
  for (const auto& r : t.netns(node1).routes.routes())
    tunnel_route |= t.describe_route(r) == "10.244.1.0/24 via 10.244.1.1 dev cilium_vxlan src 10.244.0.1 onlink";
  EXPECT_TRUE(tunnel_route);
}

TEST(Cilium, IngressDenialIsAPolicyDeniedDropAtTheDestinationEndpointAfterDecapsulation) {
  auto c = xyz_cluster(kIngressFromA, "cilium");
  ASSERT_TRUE(c);
  auto t = trace_pair(*c, "y", "c", "y", "b", 81);  // y/c may reach y/b on any port: rule 0
  EXPECT_EQ(t.disposition, trace::Disposition::Connected) << t.reason;
  // A pod of z on another node than y/b, so the packet crosses the tunnel.
  std::string other;
  for (const auto* name : {"a", "b"})  // z/c is allowed by rule 0
    if (c->inventory().find_pod("z", name)->node != c->inventory().find_pod("y", "b")->node) other = name;
  ASSERT_FALSE(other.empty());
  t = trace_pair(*c, "z", other, "y", "b", 80);
  EXPECT_EQ(t.disposition, trace::Disposition::Timeout);
  const auto* drop = find_hop(t, HopAction::Drop);
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->drop_reason, DropReason::PolicyDenied);
  EXPECT_EQ(drop->node, c->inventory().find_pod("y", "b")->node);
  EXPECT_EQ(drop->iface, cni::cilium_lxc_name("y", "b"));
  EXPECT_EQ(drop->detail,
            "Policy denied (DROP_POLICY 133) by bpf_lxc cil_to_container: ingress of the destination is isolated by "
            "NetworkPolicy y/only-from-a and no rule allows it");
  // The source's egress program let it out, the tunnel carried it, then the destination decided.
  std::vector<std::string> seen;
  for (const auto& h : t.legs.front().hops)
    if (h.action == HopAction::Bpf || h.action == HopAction::Decapsulate) seen.push_back(h.node + " " + h.detail);
  const std::string src_node = c->inventory().find_pod("z", other)->node, dst_node = drop->node;
  ASSERT_EQ(seen.size(), 3u);
  auto starts = [](const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; };
  EXPECT_TRUE(starts(seen[0], src_node + " bpf_lxc cil_from_container: egress policy of z/" + other + ": allowed")) << seen[0];
  EXPECT_TRUE(starts(seen[1], dst_node + " VXLAN VNI 2 from ")) << seen[1];
  EXPECT_TRUE(starts(seen[2], dst_node + " bpf_lxc cil_to_container: ingress policy of y/b: policy verdict DENIED")) << seen[2];
}

TEST(Cilium, AllowedHopNamesTheDecidingPolicyAndRule) {
  auto c = xyz_cluster(kIngressFromA, "cilium");
  ASSERT_TRUE(c);
  auto t = trace_pair(*c, "x", "a", "y", "b", 80);
  ASSERT_EQ(t.disposition, trace::Disposition::Connected) << t.reason;
  std::string ingress;
  for (const auto& h : t.legs.front().hops)
    if (h.action == HopAction::Bpf && h.detail.find("cil_to_container") != std::string::npos) ingress = h.detail;
  EXPECT_EQ(ingress, "bpf_lxc cil_to_container: ingress policy of y/b: ingress allowed by NetworkPolicy y/only-from-a "
                     "ingress rule 1");
  // The SYN-ACK leaves y/b as a reply: Cilium's connection tracking passes it without a lookup.
  bool reply = false;
  for (const auto& h : t.legs.at(1).hops)
    reply |= h.action == HopAction::Bpf && h.detail.find("reply of a tracked connection") != std::string::npos;
  EXPECT_TRUE(reply);
}

TEST(Cilium, EgressDenialDropsAtTheSourceBeforeTheTunnel) {
  auto c = xyz_cluster(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress, namespace: x}
spec: {podSelector: {matchLabels: {pod: a}}, policyTypes: [Egress]}
)",
                       "cilium");
  ASSERT_TRUE(c);
  auto t = trace_pair(*c, "x", "a", "y", "b", 80);
  const auto* drop = find_hop(t, HopAction::Drop);
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->node, c->inventory().find_pod("x", "a")->node);
  EXPECT_EQ(drop->iface, cni::cilium_lxc_name("x", "a"));
  EXPECT_NE(drop->detail.find("bpf_lxc cil_from_container: egress of the source is isolated by NetworkPolicy x/no-egress"),
            std::string::npos)
      << drop->detail;
  EXPECT_FALSE(find_hop(t, HopAction::Encapsulate));
}

// The same policy, two CNIs: Calico matches ipBlock against pod addresses, Cilium never does.
TEST(Cilium, IpBlockNamingAPodAllowsUnderCalicoAndDeniesUnderCilium) {
  auto plain = xyz_cluster("", "calico");
  ASSERT_TRUE(plain);
  const std::string a_ip = plain->inventory().find_pod("x", "a")->ip.to_string();
  const std::string policy = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-x-a-address, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: b}}
  ingress: [{from: [{ipBlock: {cidr: )" + a_ip + R"(/32}}]}]
)";
  auto calico = xyz_cluster(policy, "calico");
  auto cilium = xyz_cluster(policy, "cilium");
  ASSERT_TRUE(calico && cilium);
  const auto calico_m = reach(*calico, {tcp(80)});
  const auto* in_calico = calico_m.find("x/a", "y/b", tcp(80));
  auto m = reach(*cilium, {tcp(80)});
  const auto* in_cilium = m.find("x/a", "y/b", tcp(80));
  ASSERT_TRUE(in_calico && in_cilium);
  EXPECT_TRUE(in_calico->allowed);
  EXPECT_FALSE(in_cilium->allowed);
  auto t = trace_pair(*cilium, "x", "a", "y", "b", 80);
  const auto* drop = find_hop(t, HopAction::Drop);
  ASSERT_TRUE(drop);
  EXPECT_NE(drop->detail.find("NetworkPolicy y/from-x-a-address ingress rule 0: " + a_ip + " is inside " + a_ip +
                              "/32 but is pod x/a: Cilium matches it by the pod's identity, and an ipBlock never selects "
                              "cluster pods"),
            std::string::npos)
      << drop->detail;
}

// A hostNetwork pod speaks with its node's address: Calico's ipBlock matches it, Cilium's (with
// policy-cidr-match-mode empty, the default) does not.
TEST(Cilium, IpBlockNamingANodeAddressDoesNotSelectTheNode) {
  const std::string yaml = R"(
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: x, labels: {pod: agent}}
spec:
  nodeName: node-3
  hostNetwork: true
  containers: [{name: c, image: agnhost}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-nodes, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: b}}
  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16}}, {ipBlock: {cidr: 10.244.0.0/16}}]}]
)";
  auto calico = xyz_cluster(yaml, "calico");
  auto cilium = xyz_cluster(yaml, "cilium");
  ASSERT_TRUE(calico && cilium);
  const auto calico_m = reach(*calico, {tcp(80)});
  const auto* a = calico_m.find("x/agent", "y/b", tcp(80));
  auto m = reach(*cilium, {tcp(80)});
  const auto* b = m.find("x/agent", "y/b", tcp(80));
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->allowed) << a->reason;
  EXPECT_FALSE(b->allowed) << b->reason;
}

TEST(Cilium, AdminPoliciesAreWarnedAboutAndNotEnforced) {
  const std::string anp = R"(
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-from-z}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}
  ingress:
  - name: deny-z
    action: Deny
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: z}}}]
)";
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "test";
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = "cilium";
  s.manifests = load::load_manifest_paths({source_path("scenarios/policy/manifests/xyz.yaml")}, diags);
  s.manifests.merge(load::load_manifest_text(anp, "anp.yaml", 0, diags));
  auto c = cluster::Cluster::build(s, diags);
  ASSERT_TRUE(c);
  std::vector<std::string> warnings;
  for (const auto& d : diags.all()) warnings.push_back(d.message);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "cni cilium does not enforce AdminNetworkPolicy: this policy has no effect (cni: calico enforces it)");
  EXPECT_TRUE(reach(*c, {tcp(80)}).find("z/a", "x/a", tcp(80))->allowed);
  auto calico = xyz_cluster(anp, "calico");
  ASSERT_TRUE(calico);
  EXPECT_FALSE(reach(*calico, {tcp(80)}).find("z/a", "x/a", tcp(80))->allowed);
}

// Built like xyz_cluster, keeping the diagnostics a user would see.
std::unique_ptr<cluster::Cluster> build_with(const std::string& yaml, const std::string& proxy_mode,
                                             std::vector<std::string>& messages) {
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "test";
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = "cilium";
  s.cluster.proxy_mode = proxy_mode;
  s.manifests = load::load_manifest_paths({source_path("scenarios/policy/manifests/xyz.yaml")}, diags);
  s.manifests.merge(load::load_manifest_text(yaml, "policy.yaml", 0, diags));
  auto c = cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all()) messages.push_back(d.message);
  return c;
}

TEST(Cilium, SctpPortEntriesAreWarnedAboutAndIpvsIsRefused) {
  const std::string sctp = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: sctp-only, namespace: x}
spec:
  podSelector: {}
  ingress: [{ports: [{protocol: SCTP, port: 80}]}]
)";
  std::vector<std::string> messages;
  auto c = build_with(sctp, "iptables", messages);
  ASSERT_TRUE(c);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "ingress rule 0 port 0: cni cilium 1.16 handles SCTP only with enable-sctp (beta, off by default); "
                         "the model assumes it is on");
  messages.clear();
  EXPECT_FALSE(build_with(sctp, "ipvs", messages));
  EXPECT_NE(std::find(messages.begin(), messages.end(),
                      "cni cilium with proxyMode ipvs is not modelled (use iptables or nftables)"),
            messages.end());
}

TEST(Cilium, NoIptablesPolicyChainsAndTheEndpointPolicyMapIsListed) {
  auto c = xyz_cluster(kIngressFromA, "cilium");
  ASSERT_TRUE(c);
  const std::string node = c->inventory().find_pod("y", "b")->node;
  const auto& nf = c->topology().netns(*c->node_netns(node)).netfilter;
  for (const auto& [name, chain] : nf.filter.chains) EXPECT_NE(name.rfind("cali-", 0), 0u) << name;
  EXPECT_TRUE(nf.nat.chains.count("CILIUM_POST_nat"));
  const auto listing = cni::cilium_policy_listing(c->scenario().manifests.network_policies, c->inventory(), node);
  const std::string head = "# cilium-dbg bpf policy get " + cni::cilium_lxc_name("y", "b") + "   (endpoint y/b)\n";
  const auto at = listing.find(head);
  ASSERT_NE(at, std::string::npos) << listing;
  const auto block = listing.substr(at, listing.find("\n\n", at) - at);
  EXPECT_NE(block.find("Allow    Ingress     reserved:host"), std::string::npos) << block;
  EXPECT_NE(block.find("k8s:io.kubernetes.pod.namespace=x k8s:pod=a"), std::string::npos) << block;
  EXPECT_NE(block.find("80/TCP"), std::string::npos) << block;
  EXPECT_NE(block.find("Allow    Egress      reserved:unknown"), std::string::npos) << block;
}

}  // namespace
}  // namespace packetwalk::model::policy_test
