#include "packetwalk/model/load/synthetic.h"

#include <algorithm>
#include <sstream>

namespace packetwalk::model::load {

namespace {

// splitmix64: tiny, fast, and the same sequence everywhere (unlike std::uniform_int_distribution).
class Rng {
public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

private:
  std::uint64_t state_;
};

constexpr const char* kTiers[] = {"frontend", "backend", "db"};
constexpr const char* kEnvs[] = {"prod", "staging", "dev"};

std::string pad(int v, int width) {
  std::string s = std::to_string(v);
  return std::string(s.size() < static_cast<std::size_t>(width) ? static_cast<std::size_t>(width) - s.size() : 0, '0') + s;
}

std::string ip(std::uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." + std::to_string((v >> 8) & 255) + "." +
         std::to_string(v & 255);
}

constexpr std::uint32_t kPodBase = (100u << 24) | (64u << 16);  // 100.64.0.0/10
constexpr std::uint32_t kNodeBase = (172u << 24) | (16u << 16);  // 172.16.0.0/16

// Host bits per node: room for the pods the scheduler spreads evenly (plus CoreDNS's two).
int host_bits(const SyntheticSpec& s) {
  const long per_node = (static_cast<long>(s.pods) + 2 + s.nodes - 1) / s.nodes + 4;
  int bits = 8;
  while ((1L << bits) < per_node) ++bits;
  return bits;
}

// An app's tier and ports follow from its index, so pods of one app always look alike.
struct App {
  std::string name;
  const char* tier;
  int index;
};
App app(int j) { return {"app-" + std::to_string(j), kTiers[j % 3], j}; }

void container_ports(std::ostream& o, const App& a) {
  o << "        ports:\n";
  if (std::string(a.tier) == "db") {
    o << "        - {name: postgres, containerPort: 5432}\n";
  } else {
    o << "        - {name: http, containerPort: 8080}\n";
  }
  if (a.index % 2 == 1) o << "        - {name: metrics, containerPort: 9090}\n";
  if (a.index % 5 == 4) o << "        - {name: grpc, containerPort: 9000}\n";
}

std::string ns_name(int n, int width) { return "ns-" + pad(n, width); }

}  // namespace

std::optional<std::string> check_synthetic_spec(const SyntheticSpec& s) {
  if (s.nodes < 1 || s.nodes > 60000) return "--nodes must be between 1 and 60000";
  if (s.namespaces < 1 || s.namespaces > 100000) return "--namespaces must be between 1 and 100000";
  if (s.pods < 0 || s.pods > 5000000) return "--pods must be between 0 and 5000000";
  if (s.services < 0 || s.services > 1000000) return "--services must be between 0 and 1000000";
  if (s.policies < 0 || s.policies > 1000000) return "--policies must be between 0 and 1000000";
  if (s.label_variety < 1 || s.label_variety > 10000) return "--label-variety must be between 1 and 10000";
  const int bits = host_bits(s);
  if (bits > 22 || (static_cast<std::uint64_t>(s.nodes) << bits) > (1ULL << 22))
    return "too many pods for 100.64.0.0/10: give more --nodes or fewer --pods";
  return std::nullopt;
}

std::string SyntheticCluster::joined() const {
  std::string out;
  for (const auto& [name, yaml] : parts) {
    if (!out.empty() && !yaml.empty()) out += "---\n";
    out += yaml;
  }
  return out;
}

SyntheticCluster generate_synthetic(const SyntheticSpec& s) {
  Rng rng(s.seed);
  const int nw = static_cast<int>(std::to_string(std::max(s.namespaces, 1)).size());
  const int bits = host_bits(s);
  SyntheticCluster out;

  std::ostringstream nodes;
  for (int i = 0; i < s.nodes; ++i) {
    const std::uint32_t cidr = kPodBase + (static_cast<std::uint32_t>(i) << bits);
    nodes << (i ? "---\n" : "") << "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-" << pad(i + 1, 5)
          << "\n  labels: {topology.kubernetes.io/zone: zone-" << char('a' + i % 3) << "}\nspec: {podCIDR: " << ip(cidr)
          << "/" << (32 - bits) << "}\nstatus:\n  addresses: [{type: InternalIP, address: " << ip(kNodeBase + 11 + static_cast<std::uint32_t>(i))
          << "}]\n";
  }
  out.parts.emplace_back("nodes", nodes.str());

  // Namespaces: teams and environments, the labels namespaceSelectors pick.
  const int teams = std::max(2, s.label_variety / 2);
  std::ostringstream nss;
  for (int n = 0; n < s.namespaces; ++n) {
    nss << (n ? "---\n" : "") << "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " << ns_name(n, nw)
        << "\n  labels: {team: t" << rng.below(teams) << ", env: " << kEnvs[rng.below(3)] << "}\n";
  }
  out.parts.emplace_back("namespaces", nss.str());

  // Deployments: each namespace gets its share of the pods, in Deployments of 1-8 replicas.
  std::vector<std::vector<int>> apps_in(static_cast<std::size_t>(s.namespaces));
  std::ostringstream wl;
  bool first = true;
  for (int n = 0; n < s.namespaces; ++n) {
    int left = s.pods / s.namespaces + (n < s.pods % s.namespaces ? 1 : 0);
    for (int k = 0; left > 0; ++k) {
      const int replicas = std::min(left, 1 + rng.below(8));
      left -= replicas;
      const App a = app(rng.below(s.label_variety));
      auto& list = apps_in[static_cast<std::size_t>(n)];
      if (std::find(list.begin(), list.end(), a.index) == list.end()) list.push_back(a.index);
      wl << (first ? "" : "---\n") << "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " << a.name << "-d" << k
         << ", namespace: " << ns_name(n, nw) << "}\nspec:\n  replicas: " << replicas
         << "\n  selector: {matchLabels: {app: " << a.name << ", deploy: d" << k << "}}\n  template:\n    metadata: {labels: {app: "
         << a.name << ", tier: " << a.tier << ", deploy: d" << k << "}}\n    spec:\n      containers:\n      - name: main\n        image: registry.example/"
         << a.name << ":1.0\n";
      container_ports(wl, a);
      first = false;
    }
  }
  out.parts.emplace_back("workloads", wl.str());

  // Services select an app that runs in their namespace, on its first port.
  std::ostringstream svc;
  first = true;
  for (int k = 0, made = 0; made < s.services && k < s.services * 4; ++k) {
    const int n = k % s.namespaces;
    const auto& list = apps_in[static_cast<std::size_t>(n)];
    if (list.empty()) continue;
    const App a = app(list[static_cast<std::size_t>(rng.below(static_cast<int>(list.size())))]);
    const bool db = std::string(a.tier) == "db";
    svc << (first ? "" : "---\n") << "apiVersion: v1\nkind: Service\nmetadata: {name: svc-" << made << ", namespace: " << ns_name(n, nw)
        << "}\nspec:\n  selector: {app: " << a.name << "}\n  ports: [{name: " << (db ? "postgres" : "http") << ", port: " << (db ? 5432 : 80)
        << ", targetPort: " << (db ? "postgres" : "http") << "}]\n";
    first = false;
    ++made;
  }
  out.parts.emplace_back("services", svc.str());

  // Policies, round-robin over namespaces, of the shapes clusters use.
  std::ostringstream pol;
  for (int k = 0; k < s.policies; ++k) {
    const int n = k % s.namespaces;
    const auto& list = apps_in[static_cast<std::size_t>(n)];
    auto pick_app = [&] { return list.empty() ? app(rng.below(s.label_variety)) : app(list[static_cast<std::size_t>(rng.below(static_cast<int>(list.size())))]); };
    const App a = pick_app(), b = pick_app();
    pol << (k ? "---\n" : "") << "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np-" << k
        << ", namespace: " << ns_name(n, nw) << "}\nspec:\n";
    switch (rng.below(8)) {
      case 0:
        pol << "  podSelector: {}\n  policyTypes: [Ingress]\n";
        break;
      case 1:
        pol << "  podSelector: {matchLabels: {app: " << a.name << "}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: " << b.name
            << "}}}]\n    ports: [{port: http}]\n";
        break;
      case 2:
        pol << "  podSelector: {matchLabels: {tier: " << a.tier << "}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: t"
            << rng.below(teams) << "}}\n      podSelector: {matchLabels: {tier: frontend}}\n    ports: [{port: 8080, protocol: TCP}]\n";
        break;
      case 3:
        pol << "  podSelector: {matchLabels: {app: " << a.name << "}}\n  policyTypes: [Egress]\n  egress:\n"
            << "  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n"
            << "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n"
            << "  - to: [{podSelector: {matchLabels: {tier: db}}}]\n    ports: [{port: postgres}]\n";
        break;
      case 4: {
        // Excepting one of four /16s of the pod range: a few distinct blocks, as clusters have
        // (a per-node except everywhere would make every node's pods look different to policy).
        const std::uint32_t quarter = static_cast<std::uint32_t>(rng.below(4));
        pol << "  podSelector: {matchLabels: {app: " << a.name << "}}\n  ingress:\n  - from: [{ipBlock: {cidr: 100.64.0.0/10, except: ["
            << ip(kPodBase + (quarter << 16)) << "/16]}}]\n    ports: [{port: 9000, endPort: 9100}]\n";
        break;
      }
      case 5:
        pol << "  podSelector: {matchExpressions: [{key: tier, operator: In, values: [backend, db]}]}\n  ingress:\n"
            << "  - from: [{namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}}]\n    ports: [{port: metrics}]\n";
        break;
      case 6:
        pol << "  podSelector: {matchLabels: {tier: frontend}}\n  policyTypes: [Egress]\n  egress:\n"
            << "  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [100.64.0.0/10]}}]\n    ports: [{port: 443}]\n  - to: [{podSelector: {}}]\n";
        break;
      default:
        pol << "  podSelector: {matchLabels: {app: " << a.name << "}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: t"
            << rng.below(teams) << "}}, podSelector: {}}]\n    ports: [{port: 8000, endPort: 8100, protocol: TCP}, {port: 9090, protocol: UDP}]\n";
    }
  }
  out.parts.emplace_back("policies", pol.str());
  return out;
}

}  // namespace packetwalk::model::load
