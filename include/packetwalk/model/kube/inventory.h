#pragma once
// What the control plane would make of the loaded objects: the nodes, every pod (bare pods plus
// those the workload controllers create, named as they name them), where each pod runs and which
// IP it gets. Deterministic: the result depends only on the ClusterSpec and the set of objects,
// never on file order, wall time or addresses in memory.
//
// Steps (each in its own file):
//   nodes      inventory.cpp   Node objects of the manifests, else the scenario's nodes
//   workloads  workloads.cpp   Deployment -> ReplicaSet -> pods, StatefulSet, DaemonSet, Job
//                              (pod-template-hash has Kubernetes' shape and alphabet but is our own
//                              hash of the template, not byte-identical to a real cluster's)
//   scheduler  scheduler.cpp   nodeName, nodeSelector, fewest pods first
//   IPAM       ipam.cpp        status.podIP, else the next free address of the node's pod CIDR

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::kube {

struct NodeInfo {
  std::string name;
  Labels labels;  // as written plus the kubelet's kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch
  net::Ipv4Address internal_ip;
  net::Cidr pod_cidr;
  load::SourcePos pos;  // Node object or scenario entry; unknown for generated nodes
};

struct PodInfo {
  std::string namespace_;
  std::string name;
  Labels labels;
  std::map<std::string, std::string> annotations;
  std::string node;
  net::Ipv4Address ip;  // hostNetwork pods: the node's InternalIP
  bool host_network = false;
  std::vector<Container> containers;
  std::vector<Container> init_containers;
  bool ready = true;
  std::string hostname;   // spec.hostname (StatefulSet pods: the pod name)
  std::string subdomain;  // spec.subdomain (StatefulSet pods: spec.serviceName)
  std::string dns_policy;
  PodDnsConfig dns_config;
  std::string owner_kind;  // "ReplicaSet", "StatefulSet", ...; empty for bare pods
  std::string owner_name;
  load::SourcePos pos;     // the Pod object, or the template of the workload that made it

  std::string ref() const { return "Pod " + namespace_ + "/" + name; }
};

struct Inventory {
  std::vector<NodeInfo> nodes;       // sorted by name
  std::vector<PodInfo> pods;         // sorted by (namespace, name); only pods that got a node and an IP
  std::vector<Namespace> namespaces; // sorted by name: explicit ones plus implied ones ("default",
                                     // "kube-system", and any namespace an object uses); all carry
                                     // the label kubernetes.io/metadata.name

  const PodInfo* find_pod(std::string_view ns, std::string_view name) const;
  const NodeInfo* find_node(std::string_view name) const;
  const Namespace* find_namespace(std::string_view name) const;
};

// Builds the inventory. Problems are errors naming the pod and the field:
//  - unknown spec.nodeName, no node matching the nodeSelector, an exhausted pod CIDR, a generated
//    pod whose name another pod already has: the pod is left out;
//  - status.podIP outside its node's pod CIDR, on a reserved address, or used twice: the pod gets
//    the next free address instead, so later stages still see it.
Inventory build_inventory(const load::ClusterSpec& cluster, const load::ManifestSet& manifests,
                          load::Diagnostics& diags);

}  // namespace packetwalk::model::kube
