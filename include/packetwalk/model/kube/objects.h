#pragma once
// Kubernetes objects as packetwalk models them: plain structs holding what the user wrote, after
// the defaults the API server applies (documented per field). Parsing lives in model/load/,
// API-server validation in validate.h, what the controllers derive from them in inventory.h.
//
// Closed vocabularies with a fixed meaning (protocols, Service type, traffic policies) are enums:
// the loader rejects other values with the API server's message. Values whose raw form matters
// (selector operators, policyTypes, CIDRs of ipBlocks, Service clusterIP) keep the text as written
// and validate.h checks them.
//
// Objects that had errors are still kept with best-effort values, so later stages can report
// more; callers stop before simulating when Diagnostics::has_errors().

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/selector.h"
#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::kube {

// The controller that owns an object (metadata.ownerReferences entry with controller: true).
struct OwnerRef {
  std::string kind;  // empty: no controller
  std::string name;
  friend bool operator==(const OwnerRef&, const OwnerRef&) = default;
};

struct ObjectMeta {
  std::string kind;         // "Pod"
  std::string api_version;  // "v1", "apps/v1"
  std::string name;
  std::string namespace_;   // "default" when omitted for namespaced kinds; empty for cluster-scoped ones
  Labels labels;
  std::map<std::string, std::string> annotations;
  OwnerRef owner;           // from ownerReferences (kubectl dumps); generated pods get theirs in inventory.h
  load::SourcePos pos;      // where the object starts (its mapping)
  // Where each field's value was written, keyed by field path ("spec.ports[0].port"), so that
  // validation can point at the exact line. Filled by the loader for every field it reads.
  std::map<std::string, load::SourcePos, std::less<>> field_positions;
  // Field paths the loader already reported an error for (wrong type, missing): validation stays
  // quiet about them instead of repeating the problem as "must be between 1 and 65535, got 0".
  std::set<std::string, std::less<>> fields_with_errors;

  // "Pod default/web-app"; cluster-scoped: "Node node-1".
  std::string ref() const;
  // Position of `field_path`, else of its closest recorded parent ("a.b[2].c" -> "a.b[2]" -> "a.b"
  // -> "a"), else the object's position.
  load::SourcePos pos_of(std::string_view field_path) const;
};

// A port given as number or name (targetPort, NetworkPolicy port).
struct IntOrString {
  bool is_string = false;
  int number = 0;
  std::string text;

  static IntOrString of(int n) { return IntOrString{false, n, {}}; }
  static IntOrString of(std::string s) { return IntOrString{true, 0, std::move(s)}; }
  std::string to_string() const { return is_string ? text : std::to_string(number); }
  friend bool operator==(const IntOrString&, const IntOrString&) = default;
};

// ---- Namespace, Node, ConfigMap ---------------------------------------------------------------

struct Namespace {
  ObjectMeta meta;
  std::string ref() const { return meta.ref(); }
};

struct Node {
  ObjectMeta meta;
  std::optional<net::Cidr> pod_cidr;           // spec.podCIDR (or the first of spec.podCIDRs)
  std::optional<net::Ipv4Address> internal_ip;  // status.addresses[type=InternalIP]
  bool unschedulable = false;                  // spec.unschedulable (kept; the scheduler ignores it)
  std::string ref() const { return meta.ref(); }
};

struct ConfigMap {
  ObjectMeta meta;
  std::map<std::string, std::string> data;
  std::string ref() const { return meta.ref(); }
};

// ---- Pods and pod templates -------------------------------------------------------------------

struct ContainerPort {
  std::string name;  // IANA_SVC_NAME or empty
  int container_port = 0;
  net::Protocol protocol = net::Protocol::Tcp;
  int host_port = 0;  // 0 = none
  std::string host_ip;
  friend bool operator==(const ContainerPort&, const ContainerPort&) = default;
};

struct Container {
  std::string name;
  std::string image;
  std::vector<ContainerPort> ports;
  std::string restart_policy;  // init containers only: "Always" makes a native sidecar
  friend bool operator==(const Container&, const Container&) = default;
};

struct PodDnsConfigOption {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const PodDnsConfigOption&, const PodDnsConfigOption&) = default;
};

struct PodDnsConfig {
  std::vector<std::string> nameservers;
  std::vector<std::string> searches;
  std::vector<PodDnsConfigOption> options;
  friend bool operator==(const PodDnsConfig&, const PodDnsConfig&) = default;
};

// The parts of a PodSpec packetwalk uses; the loader accepts (and ignores) the other PodSpec fields.
struct PodSpec {
  std::vector<Container> containers;
  std::vector<Container> init_containers;  // accepted; not run, kept for native sidecars
  std::string node_name;
  Labels node_selector;
  bool host_network = false;
  std::string hostname;
  std::string subdomain;
  std::string dns_policy = "ClusterFirst";
  PodDnsConfig dns_config;
  friend bool operator==(const PodSpec&, const PodSpec&) = default;
};

struct Pod {
  ObjectMeta meta;  // meta.owner: the controller that made it (empty for bare pods)
  PodSpec spec;
  std::optional<net::Ipv4Address> status_pod_ip;  // status.podIP, honoured by IPAM
  bool ready = true;  // status.conditions[type=Ready].status; true when absent (a pod as applied)
  std::string ref() const { return meta.ref(); }
};

struct PodTemplate {
  Labels labels;
  std::map<std::string, std::string> annotations;
  PodSpec spec;
  load::SourcePos pos;  // spec.template
  friend bool operator==(const PodTemplate&, const PodTemplate&) = default;
};

// ---- Workloads (controllers that make pods) ---------------------------------------------------

struct Workload {
  ObjectMeta meta;
  int replicas = 1;  // spec.replicas (default 1); Job: min(parallelism, completions), default 1
  LabelSelector selector;
  PodTemplate pod_template;
  std::string ref() const { return meta.ref(); }
};

struct Deployment : Workload {};
struct ReplicaSet : Workload {};
struct StatefulSet : Workload {
  std::string service_name;  // governing (headless) Service: pods get subdomain = service_name
};
struct DaemonSet : Workload {};  // replicas unused: one pod per node matching the nodeSelector
struct Job : Workload {};

// ---- Service and EndpointSlice ----------------------------------------------------------------

enum class ServiceType { ClusterIP, NodePort, LoadBalancer, ExternalName };
enum class SessionAffinity { None, ClientIP };
enum class TrafficPolicy { Cluster, Local };

std::string_view to_string(ServiceType t);      // "ClusterIP"
std::string_view to_string(SessionAffinity a);  // "None"
std::string_view to_string(TrafficPolicy p);    // "Cluster"

struct ServicePort {
  std::string name;
  net::Protocol protocol = net::Protocol::Tcp;
  int port = 0;
  IntOrString target_port;  // defaults to `port` when omitted
  int node_port = 0;        // 0 = unset (allocation is the builder's job)
  std::string app_protocol;
  friend bool operator==(const ServicePort&, const ServicePort&) = default;
};

struct Service {
  ObjectMeta meta;
  ServiceType type = ServiceType::ClusterIP;
  std::string cluster_ip;  // as written: "", "None" (headless) or an address (checked by validate.h)
  Labels selector;         // empty: selector-less (EndpointSlices come from the user)
  std::vector<ServicePort> ports;
  SessionAffinity session_affinity = SessionAffinity::None;
  int session_affinity_timeout_seconds = 10800;
  TrafficPolicy external_traffic_policy = TrafficPolicy::Cluster;
  TrafficPolicy internal_traffic_policy = TrafficPolicy::Cluster;
  std::vector<std::string> external_ips;
  std::string load_balancer_ip;
  std::vector<std::string> load_balancer_source_ranges;
  std::vector<std::string> load_balancer_ingress_ips;  // status.loadBalancer.ingress[].ip
  std::string external_name;
  bool publish_not_ready_addresses = false;
  int health_check_node_port = 0;

  bool headless() const { return cluster_ip == "None"; }
  std::string ref() const { return meta.ref(); }
};

struct EndpointConditions {
  std::optional<bool> ready;
  std::optional<bool> serving;
  std::optional<bool> terminating;
  // API semantics of the nil values: ready nil means ready; serving nil defers to ready;
  // terminating nil means not terminating.
  bool is_ready() const { return ready.value_or(true); }
  bool is_serving() const { return serving.value_or(is_ready()); }
  bool is_terminating() const { return terminating.value_or(false); }
  friend bool operator==(const EndpointConditions&, const EndpointConditions&) = default;
};

struct ObjectReference {
  std::string kind;
  std::string namespace_;
  std::string name;
  friend bool operator==(const ObjectReference&, const ObjectReference&) = default;
};

struct Endpoint {
  std::vector<std::string> addresses;  // as written (IPv4 for addressType IPv4)
  EndpointConditions conditions;
  std::string node_name;
  std::string hostname;
  std::string zone;
  std::optional<ObjectReference> target_ref;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct EndpointPort {
  std::string name;  // "" when omitted
  net::Protocol protocol = net::Protocol::Tcp;
  std::optional<int> port;  // nil: all ports
  std::string app_protocol;
  friend bool operator==(const EndpointPort&, const EndpointPort&) = default;
};

struct EndpointSlice {
  ObjectMeta meta;
  std::string address_type;  // "IPv4", "IPv6", "FQDN"
  std::vector<Endpoint> endpoints;
  std::vector<EndpointPort> ports;
  std::string service_name;  // label kubernetes.io/service-name
  std::string ref() const { return meta.ref(); }
};

// ---- NetworkPolicy ----------------------------------------------------------------------------

struct IpBlock {
  std::string cidr;  // as written; validate.h reports unparsable ones
  std::vector<std::string> except;
  friend bool operator==(const IpBlock&, const IpBlock&) = default;
};

// Exactly one kind of peer per entry (validated): selectors (one or both, AND-ed) or ipBlock.
struct NetworkPolicyPeer {
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  std::optional<IpBlock> ip_block;
  friend bool operator==(const NetworkPolicyPeer&, const NetworkPolicyPeer&) = default;
};

struct NetworkPolicyPort {
  net::Protocol protocol = net::Protocol::Tcp;
  std::optional<IntOrString> port;  // nil: every port of `protocol`
  std::optional<int> end_port;
  friend bool operator==(const NetworkPolicyPort&, const NetworkPolicyPort&) = default;
};

// `peers` is `from` for ingress rules and `to` for egress rules. nullopt = field absent (or null);
// an empty vector = written as []. Both mean "all peers" / "all ports" in the API.
struct NetworkPolicyRule {
  std::optional<std::vector<NetworkPolicyPeer>> peers;
  std::optional<std::vector<NetworkPolicyPort>> ports;
  friend bool operator==(const NetworkPolicyRule&, const NetworkPolicyRule&) = default;
};

struct NetworkPolicy {
  ObjectMeta meta;
  LabelSelector pod_selector;                             // empty: every pod in the namespace
  std::optional<std::vector<std::string>> policy_types;  // as written; nullopt = field absent
  std::optional<std::vector<NetworkPolicyRule>> ingress;
  std::optional<std::vector<NetworkPolicyRule>> egress;

  // The API server's defaulting when policyTypes is absent or empty: Ingress always, Egress when
  // there is at least one egress rule. Otherwise what is written.
  bool affects_ingress() const;
  bool affects_egress() const;
  std::string ref() const { return meta.ref(); }
};

// ---- Everything else --------------------------------------------------------------------------

// Kinds packetwalk knows but does not model yet (Ingress, Gateway, HTTPRoute, AdminNetworkPolicy,
// ServiceAccount, Secret, ...): kept so later work can parse them without another loader.
struct GenericObject {
  ObjectMeta meta;
  std::string yaml;  // the object's document re-emitted as YAML (YAML::Dump)
  std::string ref() const { return meta.ref(); }
};

// Kinds whose objects have no namespace (metadata.namespace is ignored for them).
bool is_cluster_scoped(std::string_view kind);

}  // namespace packetwalk::model::kube
