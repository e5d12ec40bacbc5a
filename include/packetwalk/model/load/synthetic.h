#pragma once
// Synthetic clusters for scale work (`packetwalk generate`, the reach benchmark): Nodes, labelled
// Namespaces, Deployments whose replicas add up to exactly the requested pod count, Services and
// NetworkPolicies of the shapes real clusters use (default deny, same-namespace allows, namespace
// selectors, matchExpressions, named ports, endPort ranges, ipBlock with except, DNS egress).
// Deterministic: the same SyntheticSpec gives byte-identical YAML on every platform (our own
// integer PRNG, no std:: distributions, whose results differ between standard libraries).
//
// Addressing is sized to the request so the output loads without warnings: node InternalIPs from
// 172.16.0.11 upwards, per-node pod CIDRs carved from 100.64.0.0/10 with room for the pods the
// scheduler spreads on each node (packetwalk adapts its pod CIDR to the Nodes it reads).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace packetwalk::model::load {

struct SyntheticSpec {
  int nodes = 3;
  int namespaces = 3;
  int pods = 30;
  int services = 5;
  int policies = 10;
  int label_variety = 8;  // distinct `app` values per namespace (each app: its own tier and ports)
  std::uint64_t seed = 1;
};

// Why the spec cannot be generated ("--pods must be at least 0"), or nullopt when it can.
std::optional<std::string> check_synthetic_spec(const SyntheticSpec& spec);

// One YAML document stream per part, in this order: nodes, namespaces, workloads, services,
// policies (file names for `generate -o DIR`: <part>.yaml). Each is a complete multi-document stream.
struct SyntheticCluster {
  std::vector<std::pair<std::string, std::string>> parts;  // (name, YAML)
  std::string joined() const;                              // every part, one stream
};

SyntheticCluster generate_synthetic(const SyntheticSpec& spec);

}  // namespace packetwalk::model::load
