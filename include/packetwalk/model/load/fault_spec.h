#pragma once
// Faults planted in a scenario's cluster, and labs: scenarios whose expectations describe the
// healthy cluster, shipped with the fix that makes them pass (docs/scenario-format.md, "Faults"
// and "Labs"; scenarios/labs/README.md).
//
//   faults:
//     - kubeProxyDown: node-1                       # kube-proxy never synced: no KUBE-* rules
//     - {kubeProxyStale: node-1, ignoreServices: [default/api]}  # synced before these existed
//     - cniDown: node-2                             # flannel.1 (the VXLAN device) down
//     - linkDown: node-2                            # the node's eth0 down
//     - underlayMtu: 1400                           # the node network carries at most 1400 bytes
//     - conntrackMax: {node: node-1, entries: 0}    # nf_conntrack_max on the node
//     - hairpinModeOff: node-2                      # cni0 ports without hairpin_mode
//     - noHairpinMasquerade: node-1                 # KUBE-SEP-* "-s EP -j KUBE-MARK-MASQ" deleted
//     - bridgeNfCallIptablesOff: node-1             # net.bridge.bridge-nf-call-iptables = 0
//     - coreDnsDown: true                           # Deployment kube-system/coredns at 0 replicas
//     - coreDnsSlow: {latency: 2s}                  # CoreDNS answers each query that much later
//     - linkDelay: {node: node-1, latency: 50ms}    # tc qdisc ... root netem delay 50ms on eth0
//     - linkLoss: {node: node-1, percent: 30}       # tc qdisc ... root netem loss 30% on eth0
//   lab:
//     fix: fixes/restart-kube-proxy.yaml            # manifests (and a `kind: Fix` document)
//     breaks: [client-to-api]                       # probes the fault must break (default: any)
//     layer: kube-proxy                             # what `packetwalk diagnose` must name

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::kube {
struct ServiceState;
}

namespace packetwalk::model::load {

enum class FaultKind : std::uint8_t {
  KubeProxyDown,
  KubeProxyStale,
  CniDown,
  LinkDown,
  UnderlayMtu,
  ConntrackMax,
  HairpinModeOff,
  NoHairpinMasquerade,
  BridgeNfCallIptablesOff,
  CoreDnsDown,
  CoreDnsSlow,
  LinkDelay,
  LinkLoss,
};

// Whether the fault names a node (every kind but UnderlayMtu, CoreDnsDown and CoreDnsSlow).
bool fault_has_node(FaultKind kind);

struct FaultSpec {
  FaultKind kind = FaultKind::KubeProxyDown;
  std::string node;                          // when fault_has_node(kind)
  int value = 0;                             // UnderlayMtu: bytes; ConntrackMax: entries
  double seconds = 0;                        // CoreDnsSlow, LinkDelay: the added latency
  double percent = 0;                        // LinkLoss: the share of frames lost, (0, 100]
  std::vector<std::string> ignore_services;  // KubeProxyStale: "ns/name" (or "name": default)
  // KubeProxyStale from the timeline's stopKubeProxy: the Services and endpoints of its last sync
  // (then ignore_services is empty).
  std::shared_ptr<const kube::ServiceState> synced;
  SourcePos pos;

  friend bool operator==(const FaultSpec& a, const FaultSpec& b) {
    return a.kind == b.kind && a.node == b.node && a.value == b.value && a.seconds == b.seconds &&
           a.percent == b.percent && a.ignore_services == b.ignore_services &&
           a.synced == b.synced;
  }
};

// A fault built in code (a GUI's fault panel, a test) is planted like one read from a file: push
// it onto Scenario::faults and build the cluster (cluster::Cluster::build), or put it in a
// TimelineEntry{action = Fault} for a time. Fill `kind` and the fields that kind reads.

// The fault as the scenario writes it: "kubeProxyDown: node-1", "underlayMtu: 1400".
std::string fault_text(const FaultSpec& f);

// A fault's value as a person types it outside a scenario (the GUI's --fault linkDelay:node-1=120ms):
// read by the same code, with the same units and bounds, as the scenario's `latency:` (linkDelay,
// coreDnsSlow: seconds) and `percent:` (linkLoss). nullopt with the loader's message in `error`.
std::optional<double> parse_fault_value(FaultKind kind, const std::string& text, std::string& error);

// The loader's bounds on a fault's value, kept in one place for it and for anything that sets a
// value another way (the GUI's sliders): a linkLoss percent more than 0 and at most 100; a
// coreDnsSlow or linkDelay latency more than 0 seconds and at most 60m (every timeout in the model
// is shorter, so a larger one is a typo). Kinds without a value have no bounds (false).
inline constexpr double kMaxFaultLatencySeconds = 3600;
bool fault_value_in_range(FaultKind kind, double value);

struct LabSpec {
  std::string fix;                  // the fix file, resolved against the scenario's directory
  std::vector<std::string> breaks;  // probe names; empty: at least one probe must fail unfixed
  std::string layer;                // the layer diagnose names for the first broken probe ("" = unchecked)
  SourcePos pos;
};

// What a lab's fix file changes. Kubernetes objects replace the scenario's objects of the same
// kind, namespace and name (or join them); an optional `apiVersion: packetwalk/v1, kind: Fix`
// document changes what is not an API object: the faults left once fixed and the nodes' MTU.
struct FixSpec {
  std::string path;
  std::string description;
  ManifestSet manifests;
  std::optional<std::vector<FaultSpec>> faults;  // nullopt: the scenario's faults stay
  std::optional<int> mtu;                        // cluster.mtu after the fix
  std::optional<std::string> cni;                // cluster.cni after the fix (e.g. a policy-enforcing CNI)
};

struct Scenario;

// Reads a fix file (errors into `diags` with file:line:col).
FixSpec load_fix(const std::string& path, Diagnostics& diags);
// Applies it: objects replaced or added (then re-sorted), faults, MTU and CNI set.
void apply_fix(Scenario& scenario, FixSpec fix, Diagnostics& diags);

}  // namespace packetwalk::model::load
