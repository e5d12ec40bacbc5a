#pragma once
// Randomised small Calico clusters for the reach-versus-datapath tests (reach_trace_test.cpp,
// reach_services_trace_test.cpp): random namespaces and labels, random pods (some hostNetwork),
// random policies using every NetworkPolicy feature. Seeded so failures reproduce.

#include <random>

#include "policy_test_util.h"

namespace packetwalk::model::policy_test {

using kube::IntOrString;
using kube::LabelSelector;
using kube::NetworkPolicy;
using kube::NetworkPolicyPeer;
using kube::NetworkPolicyPort;
using kube::NetworkPolicyRule;

class Gen {
public:
  explicit Gen(unsigned seed) : rng_(seed) {}
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))]; }

  LabelSelector selector(bool allow_empty) {
    LabelSelector s;
    if (allow_empty && chance(25)) return s;
    if (chance(70)) {
      s.match_labels[pick(keys_)] = pick(values_);
    } else {
      kube::LabelSelectorRequirement r;
      r.key = pick(keys_);
      r.op = pick(std::vector<std::string>{"In", "NotIn", "Exists", "DoesNotExist"});
      if (r.op == "In" || r.op == "NotIn") r.values = {pick(values_), pick(values_)};
      s.match_expressions.push_back(r);
    }
    return s;
  }
  LabelSelector ns_selector() {
    LabelSelector s;
    if (chance(25)) return s;
    if (chance(50)) s.match_labels["kubernetes.io/metadata.name"] = pick(namespaces_);
    else s.match_labels["team"] = pick(values_);
    return s;
  }
  kube::Labels labels() {
    kube::Labels l;
    for (const auto& k : keys_)
      if (chance(60)) l[k] = pick(values_);
    return l;
  }

  std::vector<std::string> keys_{"app", "tier"};
  std::vector<std::string> values_{"a", "b"};
  std::vector<std::string> namespaces_{"ns1", "ns2", "ns3"};

private:
  std::mt19937 rng_;
};


inline NetworkPolicyPeer random_peer(Gen& g, const std::vector<net::Ipv4Address>& ips) {
  NetworkPolicyPeer p;
  switch (g.below(4)) {
    case 0: p.pod_selector = g.selector(true); break;
    case 1: p.namespace_selector = g.ns_selector(); break;
    case 2:
      p.pod_selector = g.selector(true);
      p.namespace_selector = g.ns_selector();
      break;
    default: {
      // A block around a random pod: its /24 or itself, sometimes excepting another pod.
      auto ip = ips.empty() ? net::Ipv4Address::from_octets(10, 244, 0, 2) : g.pick(ips);
      kube::IpBlock b;
      b.cidr = g.chance(50) ? net::Cidr(ip, 32).to_string() : net::Cidr(net::Cidr(ip, 24).network(), g.chance(50) ? 24 : 16).to_string();
      if (b.cidr.find("/32") == std::string::npos && !ips.empty() && g.chance(50)) {
        auto ex = g.pick(ips);
        if (net::Cidr::parse(b.cidr)->contains(ex)) b.except.push_back(net::Cidr(ex, 32).to_string());
      }
      p.ip_block = b;
    }
  }
  return p;
}

inline NetworkPolicyPort random_port(Gen& g) {
  NetworkPolicyPort p;
  switch (g.below(6)) {
    case 0: p.port = IntOrString::of(80); break;
    case 1: p.port = IntOrString::of("http"); break;
    case 2: p.protocol = net::Protocol::Udp; break;  // every UDP port
    case 3:
      p.port = IntOrString::of(80);
      p.end_port = 81;
      break;
    case 4:
      p.protocol = net::Protocol::Udp;
      p.port = IntOrString::of(g.chance(50) ? "dns" : "http");
      break;
    default:
      p.protocol = net::Protocol::Sctp;
      p.port = IntOrString::of(80);
  }
  return p;
}

inline std::optional<std::vector<NetworkPolicyRule>> random_rules(Gen& g, const std::vector<net::Ipv4Address>& ips) {
  if (g.chance(20)) return std::nullopt;
  std::vector<NetworkPolicyRule> rules;
  const int n = g.below(3);
  for (int i = 0; i < n; ++i) {
    NetworkPolicyRule r;
    if (g.chance(80)) {
      r.peers.emplace();
      for (int k = g.below(3); k >= 0; --k) r.peers->push_back(random_peer(g, ips));
    }
    if (g.chance(70)) {
      r.ports.emplace();
      for (int k = g.below(2); k >= 0; --k) r.ports->push_back(random_port(g));
    }
    rules.push_back(std::move(r));
  }
  return rules;
}

// The scenario random_cluster builds (for tests that add objects to it first).
inline load::Scenario random_scenario(unsigned seed) {
  Gen g(seed);
  load::Scenario s;
  s.path = "random-" + std::to_string(seed);
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = "calico";
  s.cluster.dns.enabled = false;  // keep the clusters small; DNS plays no part here
  for (const auto& name : g.namespaces_) {
    kube::Namespace ns;
    ns.meta.kind = "Namespace";
    ns.meta.name = name;
    if (g.chance(60)) ns.meta.labels["team"] = g.pick(g.values_);
    s.manifests.namespaces.push_back(ns);
  }
  const int pods = 3 + g.below(4);
  for (int i = 0; i < pods; ++i) {
    kube::Pod p;
    p.meta.kind = "Pod";
    p.meta.name = "p" + std::to_string(i);
    p.meta.namespace_ = g.pick(g.namespaces_);
    p.meta.labels = g.labels();
    p.spec.node_name = "node-" + std::to_string(1 + g.below(3));
    p.spec.host_network = g.chance(10);
    kube::Container c;
    c.name = "c";
    if (g.chance(70)) c.ports.push_back({"http", g.chance(70) ? 80 : 81, net::Protocol::Tcp});
    if (g.chance(40)) c.ports.push_back({"dns", 53, net::Protocol::Udp});
    if (g.chance(30)) c.ports.push_back({"http", 80, net::Protocol::Udp});
    p.spec.containers.push_back(c);
    s.manifests.pods.push_back(p);
  }
  // Pod IPs for ipBlocks: IPAM hands out .2 upwards per node in (namespace, name) order, so build
  // once without policies to learn them.
  std::vector<net::Ipv4Address> ips;
  {
    load::Diagnostics d;
    s.manifests.sort();
    auto probe = cluster::Cluster::build(s, d);
    if (probe)
      for (const auto& p : probe->inventory().pods) ips.push_back(p.ip);
  }
  const int policies = 1 + g.below(4);
  for (int i = 0; i < policies; ++i) {
    NetworkPolicy np;
    np.meta.kind = "NetworkPolicy";
    np.meta.name = "np" + std::to_string(i);
    np.meta.namespace_ = g.pick(g.namespaces_);
    np.pod_selector = g.selector(true);
    switch (g.below(4)) {
      case 0: break;  // absent: defaulting decides
      case 1: np.policy_types = std::vector<std::string>{"Ingress"}; break;
      case 2: np.policy_types = std::vector<std::string>{"Egress"}; break;
      default: np.policy_types = std::vector<std::string>{"Ingress", "Egress"};
    }
    np.ingress = random_rules(g, ips);
    np.egress = random_rules(g, ips);
    s.manifests.network_policies.push_back(np);
  }
  s.manifests.sort();
  return s;
}

inline std::unique_ptr<cluster::Cluster> build_random(load::Scenario s, unsigned seed) {
  s.manifests.sort();
  load::Diagnostics diags;
  auto c = cluster::Cluster::build(s, diags);
  EXPECT_TRUE(c) << "seed " << seed;
  return c;
}

inline std::unique_ptr<cluster::Cluster> random_cluster(unsigned seed) { return build_random(random_scenario(seed), seed); }

// Builds the 60 seeded clusters under `cni` and expects reach's verdict for every pair on five
// ports to equal what tracing the pair's first packet through that CNI's datapath does. Checks
// that the comparison has substance: over 1,000 cells, over 100 of them denied.
inline void expect_reach_equals_traces(const std::string& cni) {
  const std::vector<query::ReachPort> ports = {tcp(80), tcp(81), udp(53), udp(80), sctp(80)};
  std::size_t cells = 0, denied = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    auto s = random_scenario(seed);
    s.cluster.cni = cni;
    auto c = build_random(s, seed);
    if (!c) continue;
    auto m = reach(*c, ports);
    query::ProbeRunner runner(c->topology(), seed);
    for (const auto& cell : m.results) {
      std::string why;
      const bool got = delivered(*c, runner, cell.from, cell.to, cell.port, &why);
      ++cells;
      denied += !cell.allowed;
      EXPECT_EQ(cell.allowed, got) << cni << " seed " << seed << ": " << cell.from << " -> " << cell.to << " "
                                   << cell.port.to_string() << "\n  reach: " << cell.reason << "\n  trace: " << why;
    }
  }
  EXPECT_GT(cells, 1000u);
  EXPECT_GT(denied, 100u);  // the policies do deny: the comparison is not all "allowed"
}

}  // namespace packetwalk::model::policy_test
