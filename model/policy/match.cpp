#include "packetwalk/model/policy/match.h"

#include "packetwalk/model/policy/admin.h"

#include <algorithm>
#include <tuple>

namespace packetwalk::model::policy {

namespace {

const std::vector<kube::NetworkPolicyRule> kNoRules;

std::string peer_ns_clause(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns) {
  if (!peer.namespace_selector) return "in namespace " + std::string(policy_ns);
  return "in namespaces matching " + selector_text(*peer.namespace_selector);
}

}  // namespace

std::string_view direction_name(Direction d) { return d == Direction::Ingress ? "ingress" : "egress"; }

std::string Endpoint::label() const {
  if (pod) return pod->namespace_ + "/" + pod->name;
  return ip.to_string();
}

CniSemantics cni_semantics(std::string_view cni) {
  CniSemantics s;
  if (cni == "cilium") {
    s.cidr_selects_cluster = false;
    s.admin_tiers = false;
  }
  return s;
}

PolicyIndex::PolicyIndex(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                         const std::vector<kube::AdminNetworkPolicy>* admin, CniSemantics semantics)
    : inventory_(inventory), semantics_(semantics) {
  if (!semantics_.admin_tiers) admin = nullptr;
  for (const auto& p : policies) sorted_.push_back(&p);
  std::sort(sorted_.begin(), sorted_.end(), [](const auto* a, const auto* b) {
    return std::tie(a->meta.namespace_, a->meta.name) < std::tie(b->meta.namespace_, b->meta.name);
  });
  if (admin) {
    for (const auto& p : *admin) admin_.push_back(&p);
    std::sort(admin_.begin(), admin_.end(), [](const auto* a, const auto* b) { return admin_before(*a, *b); });
  }
}

kube::Labels PolicyIndex::namespace_labels(std::string_view ns) const {
  if (const auto* n = inventory_.find_namespace(ns)) return n->meta.labels;
  // Every namespace an object uses is in the inventory; this is for hand-made inputs (tests).
  return {{"kubernetes.io/metadata.name", std::string(ns)}};
}

std::vector<const kube::NetworkPolicy*> PolicyIndex::selecting(const kube::PodInfo& pod, Direction d) const {
  std::vector<const kube::NetworkPolicy*> out;
  // Only the pod's namespace can select it, and sorted_ holds each namespace as one run: with
  // 10,000 policies a linear scan per evaluation dominated reach's per-pair path.
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), pod.namespace_,
                             [](const kube::NetworkPolicy* p, const std::string& ns) { return p->meta.namespace_ < ns; });
  for (; it != sorted_.end() && (*it)->meta.namespace_ == pod.namespace_; ++it) {
    if (has_direction(**it, d) && policy_selects(**it, pod)) out.push_back(*it);
  }
  return out;
}

bool has_direction(const kube::NetworkPolicy& p, Direction d) {
  return d == Direction::Ingress ? p.affects_ingress() : p.affects_egress();
}

bool policy_selects(const kube::NetworkPolicy& p, const kube::PodInfo& pod) {
  if (pod.host_network) return false;
  return pod.namespace_ == p.meta.namespace_ && p.pod_selector.matches(pod.labels);
}

const std::vector<kube::NetworkPolicyRule>& rules_of(const kube::NetworkPolicy& p, Direction d) {
  const auto& rules = d == Direction::Ingress ? p.ingress : p.egress;
  return rules ? *rules : kNoRules;
}

std::optional<IpRanges> parse_ip_block(const kube::IpBlock& block) {
  auto cidr = net::Cidr::parse(block.cidr);
  if (!cidr) return std::nullopt;
  IpRanges out{*cidr, {}};
  for (const auto& e : block.except) {
    auto c = net::Cidr::parse(e);
    if (!c) return std::nullopt;
    out.except.push_back(*c);
  }
  return out;
}

PeerResult match_peer(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns, const Endpoint& e,
                      const PolicyIndex& index) {
  PeerResult r;
  if (peer.ip_block) {
    auto ranges = parse_ip_block(*peer.ip_block);
    if (!ranges) {
      r.miss = PeerMiss::BadCidr;
      r.detail = "ipBlock " + peer.ip_block->cidr + " does not parse, so it matches nothing";
      return r;
    }
    if (!ranges->cidr.contains(e.ip)) {
      r.miss = PeerMiss::Cidr;
      r.detail = e.ip.to_string() + " is outside " + ranges->cidr.to_string();
      return r;
    }
    for (const auto& ex : ranges->except) {
      if (ex.contains(e.ip)) {
        r.miss = PeerMiss::Except;
        r.detail = e.ip.to_string() + " is inside " + ranges->cidr.to_string() + " but excepted by " + ex.to_string();
        return r;
      }
    }
    if (!index.semantics().cidr_selects_cluster && (e.pod || !e.node.empty())) {
      // Cilium: the address resolves to a pod's or node's security identity, never to a CIDR one.
      r.miss = PeerMiss::ClusterIdentity;
      if (e.is_workload()) {
        r.detail = e.ip.to_string() + " is inside " + ranges->cidr.to_string() + " but is pod " + e.label() +
                   ": Cilium matches it by the pod's identity, and an ipBlock never selects cluster pods";
      } else {
        r.detail = e.ip.to_string() + " is inside " + ranges->cidr.to_string() + " but belongs to node " + e.node +
                   ": Cilium gives it the host or remote-node identity, and an ipBlock selects nodes only with "
                   "policy-cidr-match-mode=nodes (default: empty)";
      }
      return r;
    }
    r.matched = true;
    r.detail = e.ip.to_string() + " is inside " + ranges->cidr.to_string();
    return r;
  }
  if (!e.pod) {
    r.miss = PeerMiss::NotAPod;
    r.detail = e.ip.to_string() + " is not a pod, and pod/namespace selectors match pods only";
    return r;
  }
  const auto& pod = *e.pod;
  const std::string who = pod.namespace_ + "/" + pod.name;
  if (pod.host_network) {
    r.miss = PeerMiss::HostNetwork;
    r.detail = who + " uses the host network; its traffic carries the node's address, which selectors never match";
    return r;
  }
  if (peer.namespace_selector) {
    auto ns_labels = index.namespace_labels(pod.namespace_);
    if (!peer.namespace_selector->matches(ns_labels)) {
      r.miss = PeerMiss::NamespaceLabels;
      r.detail = "namespace " + pod.namespace_ + " labels " + labels_text(ns_labels) + " do not match " +
                 selector_text(*peer.namespace_selector);
      return r;
    }
  } else if (pod.namespace_ != policy_ns) {
    r.miss = PeerMiss::OtherNamespace;
    r.detail = who + " is in namespace " + pod.namespace_ + "; a podSelector alone selects pods of namespace " +
               std::string(policy_ns) + " only";
    return r;
  }
  if (peer.pod_selector && !peer.pod_selector->matches(pod.labels)) {
    r.miss = PeerMiss::PodLabels;
    r.detail = "pod labels " + labels_text(pod.labels) + " of " + who + " do not match " + selector_text(*peer.pod_selector);
    return r;
  }
  r.matched = true;
  r.detail = who + " matches";
  return r;
}

std::optional<int> resolve_named_port(const kube::PodInfo& pod, std::string_view name, net::Protocol protocol) {
  for (const auto& c : pod.containers) {
    for (const auto& p : c.ports) {
      if (p.name == name && p.protocol == protocol) return p.container_port;
    }
  }
  return std::nullopt;
}

PortResult match_port(const kube::NetworkPolicyPort& entry, net::Protocol protocol, net::Port port,
                      const kube::PodInfo* dst_pod) {
  PortResult r;
  const std::string proto(net::kube_name(protocol));
  if (entry.protocol != protocol) {
    r.miss = PortMiss::Protocol;
    r.detail = "the entry is for " + std::string(net::kube_name(entry.protocol)) + ", the connection is " + proto;
    return r;
  }
  if (!entry.port) {
    r.matched = true;
    r.detail = "every " + proto + " port";
    return r;
  }
  const std::string want = std::to_string(port);
  if (entry.port->is_string) {
    const auto& name = entry.port->text;
    if (!dst_pod) {
      r.miss = PortMiss::NamedPortNotPod;
      r.detail = "named port \"" + name + "\" needs a destination pod to resolve against";
      return r;
    }
    auto resolved = resolve_named_port(*dst_pod, name, protocol);
    if (!resolved) {
      // The name declared with another protocol is the usual slip (a "dns" entry left at the TCP
      // default when the container port is UDP): say it is the protocol that differs.
      for (auto other : {net::Protocol::Tcp, net::Protocol::Udp, net::Protocol::Sctp}) {
        if (other == protocol) continue;
        if (auto elsewhere = resolve_named_port(*dst_pod, name, other)) {
          r.miss = PortMiss::Protocol;
          r.detail = "named port \"" + name + "\" on " + dst_pod->namespace_ + "/" + dst_pod->name + " is " +
                     std::to_string(*elsewhere) + "/" + std::string(net::kube_name(other)) + ", the entry is for " + proto;
          return r;
        }
      }
      r.miss = PortMiss::NamedPortMissing;
      r.detail = dst_pod->namespace_ + "/" + dst_pod->name + " declares no " + proto + " container port named \"" +
                 name + "\"";
      return r;
    }
    if (*resolved != port) {
      r.miss = PortMiss::Port;
      r.detail = "named port \"" + name + "\" is " + std::to_string(*resolved) + " on " + dst_pod->namespace_ + "/" +
                 dst_pod->name + ", not " + want;
      return r;
    }
    r.matched = true;
    r.detail = "named port \"" + name + "\" is " + want;
    return r;
  }
  const int lo = entry.port->number;
  const int hi = entry.end_port.value_or(lo);
  if (port < lo || port > hi) {
    r.miss = PortMiss::Port;
    r.detail = "port " + want + " is not " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi));
    return r;
  }
  r.matched = true;
  r.detail = lo == hi ? "port " + want : "port " + want + " is within " + std::to_string(lo) + "-" + std::to_string(hi);
  return r;
}

std::string selector_text(const kube::LabelSelector& s) {
  if (s.empty()) return "{}";
  return s.to_string();
}

std::string labels_text(const kube::Labels& labels) {
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += k + "=" + v;
  }
  return out + "}";
}

std::string describe_peer(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns) {
  if (peer.ip_block) {
    std::string out = "ipBlock " + peer.ip_block->cidr;
    if (!peer.ip_block->except.empty()) {
      out += " except ";
      for (std::size_t i = 0; i < peer.ip_block->except.size(); ++i) out += (i ? "," : "") + peer.ip_block->except[i];
    }
    return out;
  }
  std::string out;
  if (peer.pod_selector) out = "pods " + selector_text(*peer.pod_selector);
  else out = "all pods";
  return out + " " + peer_ns_clause(peer, policy_ns);
}

std::string describe_port(const kube::NetworkPolicyPort& entry) {
  const std::string proto(net::kube_name(entry.protocol));
  if (!entry.port) return "any " + proto + " port";
  std::string out = entry.port->to_string();
  if (!entry.port->is_string && entry.end_port) out += "-" + std::to_string(*entry.end_port);
  return out + "/" + proto;
}

std::string policy_ref(const kube::NetworkPolicy& p) { return p.meta.namespace_ + "/" + p.meta.name; }

}  // namespace packetwalk::model::policy
