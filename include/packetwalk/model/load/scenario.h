#pragma once
// Scenario files (apiVersion packetwalk/v1, kind Scenario): the cluster to simulate, the manifests
// to apply to it and the probes to run, with their expected outcomes.
//
//   apiVersion: packetwalk/v1
//   kind: Scenario
//   metadata: {name: cross-node, description: "..."}
//   cluster: {nodes: 3, nodeNetwork: 192.168.0.0/24, podCIDR: 10.244.0.0/16, serviceCIDR: 10.96.0.0/12,
//             clusterDomain: cluster.local, cni: flannel, proxyMode: iptables, seed: 1, mtu: 1500}
//   manifests: [../manifests/web-app.yaml, {inline: "apiVersion: v1\nkind: Pod\n..."}]
//   probes: [{name: p, from: default/web-app, to: "localhost:9090", expect: connected}]
//
// Everything under `cluster` is optional. Manifest paths are relative to the scenario file.
// The format is documented for users in docs/scenario-format.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/dns_spec.h"
#include "packetwalk/model/load/http_spec.h"
#include "packetwalk/model/load/fault_spec.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/load/timeline.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::load {

// A node of the cluster as the scenario describes it, with every value filled in.
struct ClusterNode {
  std::string name;
  net::Ipv4Address ip;
  net::Cidr pod_cidr;
  std::map<std::string, std::string> labels;  // as written (kubelet's defaults are added by inventory.h)
  SourcePos pos;                              // of the list entry; unknown for generated nodes
};

// A host outside the cluster (a client, a database, an upstream server) on the external network,
// reached from the nodes through the router.
struct ExternalHost {
  std::string name;
  net::Ipv4Address ip;
  std::vector<std::pair<net::Protocol, net::Port>> listen;  // ports it serves
  SourcePos pos;
};

struct ClusterSpec {
  std::vector<ClusterNode> nodes;                                         // node-1 ... node-3
  net::Cidr node_network{net::Ipv4Address::from_octets(192, 168, 0, 0), 24};
  net::Cidr pod_cidr{net::Ipv4Address::from_octets(10, 244, 0, 0), 16};  // cluster CIDR (flannel Network)
  net::Cidr service_cidr{net::Ipv4Address::from_octets(10, 96, 0, 0), 12};
  std::string cluster_domain = "cluster.local";
  std::string cni = "flannel";
  std::string proxy_mode = "iptables";  // iptables | nftables | ipvs
  std::uint32_t seed = 1;
  int mtu = 1500;
  // Outside the cluster: a router at the node network's first address joins it to an external
  // network holding external hosts (default: one, "client"), and routes LoadBalancer addresses
  // (allocated from load_balancer_pool unless a Service's status names them) to a node.
  net::Cidr external_network{net::Ipv4Address::from_octets(203, 0, 113, 0), 24};
  std::vector<ExternalHost> external_hosts;  // default: client 203.0.113.10
  net::Cidr load_balancer_pool{net::Ipv4Address::from_octets(198, 51, 100, 0), 24};
  DnsSpec dns;  // cluster DNS (CoreDNS), the nodes' resolver and upstream servers (dns_spec.h)
  // What earlier moments of the timeline left behind (timeline.h); never written by a scenario.
  TimelineHistory history;

  // Which fields the scenario wrote; the others hold the defaults above.
  struct Explicit {
    bool nodes = false;
    bool node_network = false;
    bool pod_cidr = false;
    bool service_cidr = false;
    bool cluster_domain = false;
    bool cni = false;
    bool proxy_mode = false;
    bool seed = false;
    bool mtu = false;
    bool external = false;
  } set;
  SourcePos pos;  // of the `cluster` section (unknown when absent)
};

// The defaults: 3 nodes node-K with IP node_network.nth(10 + K) (192.168.0.11 ...) and pod CIDR
// subnet K-1 (10.244.(K-1).0/24), and the values written in ClusterSpec above.
ClusterSpec default_cluster_spec();

// Per-node pod subnets, as flannel carves them from the cluster CIDR: /24, or two bits longer than
// the cluster prefix when that is longer than /22 (flannel's SubnetLen rule).
int node_subnet_length(const net::Cidr& cluster_pod_cidr);
// The index-th (0-based) per-node subnet; nullopt when the cluster CIDR has no room for it.
std::optional<net::Cidr> node_pod_cidr(const net::Cidr& cluster_pod_cidr, std::uint32_t index);
// The index-th (0-based) default node address: node_network.nth(11 + index); nullopt when past
// the last usable address.
std::optional<net::Ipv4Address> node_address(const net::Cidr& node_network, std::uint32_t index);

// A node's address and pod CIDR, either of which may still be missing.
struct NodeAddressing {
  std::optional<net::Ipv4Address> ip;
  std::optional<net::Cidr> pod_cidr;
};
// Fills the missing values in list order: each takes the lowest node_address / node_pod_cidr not
// used (nor overlapped) by another node. Values stay nullopt when the ranges run out.
void fill_node_addressing(std::vector<NodeAddressing>& nodes, const net::Cidr& node_network,
                          const net::Cidr& cluster_pod_cidr);

struct Expectation {
  bool present = false;            // false: the probe only reports what happens
  std::string outcome;             // connected | refused | timeout | unreachable | dropped | nxdomain
  std::vector<std::string> via;    // hop/step names the trace must pass, in order ("flannel.1", "DNAT")
  std::string backend;             // "ns/pod" that must answer (Services; HTTP: the last backend)
  int status = 0;                  // HTTP status the client must get (0: not checked)
  std::vector<std::string> not_via;        // names the trace must not pass (same vocabulary as via)
  std::optional<double> latency_max_us;    // the final hop's time must not exceed this (microseconds)
  std::optional<double> latency_min_us;    // ... nor come before this (a slow link, a slow CoreDNS)
  std::string dropped_by;          // "NetworkPolicy/NAME" (or NS/NAME): the policy whose rules dropped it
};

inline constexpr int kProbeSizeMtu = -1;  // `size: mtu`: a full-size packet, as TCP sends one

struct ProbeSpec {
  std::string name;       // unique; "probe-<N>" (1-based) when not written
  std::string from;       // "ns/pod" or "pod" (namespace default), later "external/<host>"
  std::string container;  // optional
  std::string to;         // "ns/pod:port", "pod:port", "IP:port", "localhost:port", later services and URLs
  std::string protocol = "TCP";  // TCP | UDP | SCTP | ICMP
  std::optional<int> size;       // IP total length of the first packet; nullopt: the probe's default;
                                 // kProbeSizeMtu: the MTU of the source's route to the destination
  HttpProbeSpec http;     // the HTTP request it carries (also implied by an http(s):// `to`)
  Expectation expect;
  double at = 0;          // simulated seconds: runs against the cluster as the timeline left it then
  SourcePos pos;          // of the probe entry
};

struct Scenario {
  std::string path;  // as given to load_scenario
  std::string name;  // metadata.name (the file's stem when absent)
  std::string description;
  ClusterSpec cluster;
  std::vector<std::string> manifest_paths;  // resolved paths of the manifest entries that exist
  ManifestSet manifests;                    // everything loaded (files and inline), validated, sorted
  std::vector<ProbeSpec> probes;            // in written order
  std::map<std::string, std::string> hosts;  // `hosts:` name -> IPv4 address (checked), before DNS
  std::vector<TrafficSpec> traffic;         // `traffic:` load runs (http_spec.h)
  LinksSpec links;                          // `links:` bandwidth and queues for load runs (http_spec.h)
  std::vector<FaultSpec> faults;            // planted when the cluster is built (cluster/faults.h)
  std::vector<TimelineEntry> timeline;      // changes at simulated times, sorted by `at` (timeline.h)
  std::string golden;                       // the pinned `packetwalk run` output, resolved; "" = none
  std::optional<LabSpec> lab;               // a lab: fails as written, passes with lab->fix applied
};

// Reads a scenario and every manifest it names. Never throws; problems are Diagnostics with the
// scenario's file:line:col (unknown fields are warnings, bad values errors). A manifest path that
// does not exist is an error at the line of its entry.
Scenario load_scenario(const std::string& path, Diagnostics& diags);

}  // namespace packetwalk::model::load
