#include "packetwalk/model/policy/admin.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace packetwalk::model::policy {

namespace {

const std::vector<kube::AdminRule> kNoRules;

bool pod_in(const kube::NamespacedPodSelector& s, const kube::PodInfo& pod, const PolicyIndex& index) {
  return s.namespace_selector.matches(index.namespace_labels(pod.namespace_)) && s.pod_selector.matches(pod.labels);
}

// The container port named `name` carrying `protocol`, if the pod declares one.
std::optional<int> named(const kube::PodInfo& pod, const std::string& name, net::Protocol protocol) {
  return resolve_named_port(pod, name, protocol);
}

}  // namespace

int tier_rank(const kube::AdminNetworkPolicy& p) {
  const bool cnp = p.meta.kind == "ClusterNetworkPolicy";
  if (p.tier == kube::AdminTier::Admin) return cnp ? 1 : 0;
  return cnp ? 4 : 3;
}

std::string_view calico_tier(const kube::AdminNetworkPolicy& p) {
  switch (tier_rank(p)) {
    case 0: return "adminnetworkpolicy";
    case 1: return "kube-admin";
    case 3: return "baselineadminnetworkpolicy";
    default: return "kube-baseline";
  }
}

std::string calico_policy_name(const kube::AdminNetworkPolicy& p) {
  switch (tier_rank(p)) {
    case 0: return "kanp.adminnetworkpolicy." + p.meta.name;
    case 1: return "kcnp.kube-admin." + p.meta.name;
    case 3: return "kbanp.baselineadminnetworkpolicy." + p.meta.name;
    default: return "kcnp.kube-baseline." + p.meta.name;
  }
}

std::string_view action_word(const kube::AdminRule& r) {
  if (!r.action_text.empty()) return r.action_text;
  switch (r.action) {
    case kube::AdminAction::Accept: return "Accept";
    case kube::AdminAction::Deny: return "Deny";
    default: return "Pass";
  }
}

bool admin_before(const kube::AdminNetworkPolicy& a, const kube::AdminNetworkPolicy& b) {
  return std::make_tuple(tier_rank(a), a.priority, std::string_view(a.meta.name)) <
         std::make_tuple(tier_rank(b), b.priority, std::string_view(b.meta.name));
}

bool admin_selects(const kube::AdminNetworkPolicy& p, const kube::PodInfo& pod, const PolicyIndex& index) {
  if (pod.host_network) return false;  // "host-networked pods are not included in subject selection"
  if (p.subject_namespaces) return p.subject_namespaces->matches(index.namespace_labels(pod.namespace_));
  if (p.subject_pods) return pod_in(*p.subject_pods, pod, index);
  return false;  // no subject: rejected by validation
}

const std::vector<kube::AdminRule>& admin_rules(const kube::AdminNetworkPolicy& p, Direction d) {
  const auto& r = d == Direction::Ingress ? p.ingress : p.egress;
  return r.empty() ? kNoRules : r;
}

PeerResult match_admin_peer(const kube::AdminPeer& peer, const kube::AdminRule& rule, const Endpoint& e,
                            const PolicyIndex& index) {
  PeerResult r;
  if (peer.unknown()) {
    // A peer of a kind this version does not know: fail closed.
    r.matched = rule.action != kube::AdminAction::Accept;
    r.detail = r.matched ? "a peer with no known field fails closed: it matches everything for " + std::string(action_word(rule))
                         : "a peer with no known field fails closed: it matches nothing for Accept";
    if (!r.matched) r.miss = PeerMiss::NotAPod;
    return r;
  }
  if (peer.networks) {
    for (const auto& text : *peer.networks) {
      auto cidr = net::Cidr::parse(text);
      if (cidr && cidr->contains(e.ip)) {
        r.matched = true;
        r.detail = e.ip.to_string() + " is inside " + cidr->to_string();
        return r;
      }
    }
    r.miss = PeerMiss::Cidr;
    r.detail = e.ip.to_string() + " is outside " + describe_admin_peer(peer).substr(9);
    return r;
  }
  if (peer.nodes) {
    for (const auto& n : index.inventory().nodes) {
      if (n.internal_ip != e.ip) continue;
      if (peer.nodes->matches(n.labels)) {
        r.matched = true;
        r.detail = e.ip.to_string() + " is node " + n.name + ", whose labels match " + selector_text(*peer.nodes);
        return r;
      }
      r.miss = PeerMiss::PodLabels;
      r.detail = "node " + n.name + " labels " + labels_text(n.labels) + " do not match " + selector_text(*peer.nodes);
      return r;
    }
    r.miss = PeerMiss::NotAPod;
    r.detail = e.ip.to_string() + " is not a node's InternalIP";
    return r;
  }
  if (!e.pod) {
    r.miss = PeerMiss::NotAPod;
    r.detail = e.ip.to_string() + " is not a pod, and namespaces/pods peers match pods only";
    return r;
  }
  const auto& pod = *e.pod;
  const std::string who = pod.namespace_ + "/" + pod.name;
  if (pod.host_network) {
    r.miss = PeerMiss::HostNetwork;
    r.detail = who + " uses the host network, which namespaces/pods peers never include";
    return r;
  }
  const auto ns_labels = index.namespace_labels(pod.namespace_);
  const kube::LabelSelector& ns_sel = peer.namespaces ? *peer.namespaces : peer.pods->namespace_selector;
  if (!ns_sel.matches(ns_labels)) {
    r.miss = PeerMiss::NamespaceLabels;
    r.detail = "namespace " + pod.namespace_ + " labels " + labels_text(ns_labels) + " do not match " + selector_text(ns_sel);
    return r;
  }
  if (peer.pods && !peer.pods->pod_selector.matches(pod.labels)) {
    r.miss = PeerMiss::PodLabels;
    r.detail = "pod labels " + labels_text(pod.labels) + " of " + who + " do not match " + selector_text(peer.pods->pod_selector);
    return r;
  }
  r.matched = true;
  r.detail = who + " matches";
  return r;
}

PortResult match_admin_port(const kube::AdminPort& entry, net::Protocol protocol, net::Port port,
                            const kube::PodInfo* dst_pod) {
  PortResult r;
  const std::string proto(net::kube_name(protocol));
  const std::string want = std::to_string(port);
  if (!entry.named_port.empty()) {
    if (!dst_pod) {
      r.miss = PortMiss::NamedPortNotPod;
      r.detail = "named port \"" + entry.named_port + "\" needs a destination pod to resolve against";
      return r;
    }
    const std::string who = dst_pod->namespace_ + "/" + dst_pod->name;
    if (auto n = named(*dst_pod, entry.named_port, protocol)) {
      r.matched = *n == port;
      r.miss = r.matched ? PortMiss::None : PortMiss::Port;
      r.detail = "named port \"" + entry.named_port + "\" is " + std::to_string(*n) + "/" + proto + " on " + who +
                 (r.matched ? "" : ", not " + want);
      return r;
    }
    r.miss = PortMiss::NamedPortMissing;
    r.detail = who + " declares no " + proto + " container port named \"" + entry.named_port + "\"";
    return r;
  }
  if (entry.protocol != protocol) {
    r.miss = PortMiss::Protocol;
    r.detail = "the entry is for " + std::string(net::kube_name(entry.protocol)) + ", the connection is " + proto;
    return r;
  }
  if (port < entry.start || port > entry.end) {
    r.miss = PortMiss::Port;
    r.detail = "port " + want + " is not " + describe_admin_port(entry);
    return r;
  }
  r.matched = true;
  r.detail = entry.start == entry.end ? "port " + want : "port " + want + " is within " + describe_admin_port(entry);
  return r;
}

std::string describe_admin_peer(const kube::AdminPeer& peer) {
  if (peer.namespaces) return "namespaces " + selector_text(*peer.namespaces);
  if (peer.pods)
    return "pods " + selector_text(peer.pods->pod_selector) + " in namespaces " + selector_text(peer.pods->namespace_selector);
  if (peer.nodes) return "nodes " + selector_text(*peer.nodes);
  if (peer.networks) {
    std::string out = "networks ";
    for (std::size_t i = 0; i < peer.networks->size(); ++i) out += (i ? "," : "") + (*peer.networks)[i];
    return out;
  }
  return "an unknown peer";
}

std::string describe_admin_port(const kube::AdminPort& port) {
  if (!port.named_port.empty()) return "named port " + port.named_port;
  const std::string proto(net::kube_name(port.protocol));
  if (port.start == port.end) return std::to_string(port.start) + "/" + proto;
  return std::to_string(port.start) + "-" + std::to_string(port.end) + "/" + proto;
}

std::string describe_subject(const kube::AdminNetworkPolicy& p) {
  if (p.subject_namespaces) return "pods in namespaces " + selector_text(*p.subject_namespaces);
  if (p.subject_pods)
    return "pods " + selector_text(p.subject_pods->pod_selector) + " in namespaces " +
           selector_text(p.subject_pods->namespace_selector);
  return "no pods";
}

std::string admin_rule_label(const kube::AdminNetworkPolicy& p, Direction d, std::size_t i) {
  std::string out = std::string(direction_name(d)) + " rule " + std::to_string(i);
  const auto& rules = admin_rules(p, d);
  if (i < rules.size() && !rules[i].name.empty()) out += " (" + rules[i].name + ")";
  return out;
}

const kube::AdminRule* AdminPolicyCheck::acted() const {
  if (!first_rule) return nullptr;
  return &admin_rules(*policy, direction)[*first_rule];
}

bool TierResult::allowed() const {
  if (!decided) return true;
  return checks[*decided].acted()->action == kube::AdminAction::Accept;
}

TierResult evaluate_tiers(const PolicyIndex& index, const Endpoint& subject, const Endpoint& peer,
                          net::Protocol protocol, net::Port port, Direction d, int first_rank, int last_rank) {
  TierResult out;
  if (!subject.is_workload()) return out;
  const kube::PodInfo* dst_pod = d == Direction::Ingress ? subject.pod : (peer.is_workload() ? peer.pod : nullptr);
  int skip_rank = -1;  // a Pass skips the rest of its tier
  for (const auto* p : index.admin()) {
    const int rank = tier_rank(*p);
    if (rank < first_rank || rank > last_rank || rank == skip_rank) continue;
    const auto& rules = admin_rules(*p, d);
    if (rules.empty() || !admin_selects(*p, *subject.pod, index)) continue;
    AdminPolicyCheck pc;
    pc.policy = p;
    pc.direction = d;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const auto& rule = rules[i];
      AdminRuleCheck rc;
      rc.index = i;
      for (std::size_t j = 0; j < rule.peers.size(); ++j) {
        AdminPeerCheck c{j, match_admin_peer(rule.peers[j], rule, peer, index)};
        if (c.result.matched && !rc.peer_matched) {
          rc.peer_matched = true;
          rc.first_peer = j;
        }
        rc.peers.push_back(std::move(c));
      }
      rc.every_port = !rule.ports;
      if (rc.every_port) {
        rc.port_matched = true;
      } else {
        for (std::size_t k = 0; k < rule.ports->size(); ++k) {
          AdminPortCheck c{k, match_admin_port((*rule.ports)[k], protocol, port, dst_pod)};
          if (c.result.matched && !rc.port_matched) {
            rc.port_matched = true;
            rc.first_port = k;
          }
          rc.ports.push_back(std::move(c));
        }
      }
      const bool hit = rc.matched();
      pc.rules.push_back(std::move(rc));
      if (hit) {
        pc.first_rule = i;
        break;
      }
    }
    out.checks.push_back(std::move(pc));
    const auto& last = out.checks.back();
    if (!last.first_rule) continue;
    if (rules[*last.first_rule].action == kube::AdminAction::Pass) {
      out.passed.push_back(out.checks.size() - 1);
      skip_rank = rank;
      continue;
    }
    out.decided = out.checks.size() - 1;
    break;
  }
  return out;
}

std::string admin_signature(const kube::PodInfo& pod, const PolicyIndex& index) {
  std::string sig;
  if (index.admin().empty()) return sig;
  const Endpoint e{&pod, pod.ip, pod.node};
  std::set<std::string> names;
  for (const auto* p : index.admin()) {
    sig += admin_selects(*p, pod, index) ? '1' : '0';
    for (auto d : {Direction::Ingress, Direction::Egress}) {
      for (const auto& rule : admin_rules(*p, d)) {
        for (const auto& peer : rule.peers) sig += match_admin_peer(peer, rule, e, index).matched ? '1' : '0';
        if (!rule.ports) continue;
        for (const auto& port : *rule.ports)
          if (!port.named_port.empty()) names.insert(port.named_port);
      }
    }
  }
  for (const auto& name : names) {
    for (auto proto : {net::Protocol::Tcp, net::Protocol::Udp, net::Protocol::Sctp}) {
      auto r = named(pod, name, proto);
      sig += "|" + (r ? std::to_string(*r) : std::string("-"));
    }
  }
  return sig;
}

void warn_equal_priorities(const std::vector<kube::AdminNetworkPolicy>& policies, load::Diagnostics& diags) {
  std::vector<const kube::AdminNetworkPolicy*> sorted;
  for (const auto& p : policies) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return admin_before(*a, *b); });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const auto& a = *sorted[i - 1];
    const auto& b = *sorted[i];
    if (tier_rank(a) != tier_rank(b) || a.priority != b.priority || tier_rank(a) == 3) continue;
    diags.warning(b.meta.pos, b.ref(),
                  "spec.priority " + std::to_string(b.priority) + " is also the priority of " + a.ref() +
                      ": the API leaves the order of equal priorities undefined; packetwalk applies them by name (" +
                      a.meta.name + " first), as Calico orders equal policy order");
  }
}

}  // namespace packetwalk::model::policy
