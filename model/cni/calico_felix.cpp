// Felix's iptables dataplane: the static chains that hook Calico into FORWARD, INPUT and nat
// POSTROUTING, one pair of endpoint chains per local pod, and NetworkPolicies rendered into
// per-policy chains with Felix's mark protocol (felix/rules/{static,endpoints,policy}.go):
//   accept bit 0x10000: a policy (or profile) allowed the packet; endpoint chains RETURN on it;
//   pass bit   0x20000: no NetworkPolicy sets it, but the "Start of policies" logic tests it;
//   scratch    0x40000: "inside an ipBlock's except range" while one rule is matched.
// Every rule starts with a "cali:<hash>" comment as Felix writes them; policy rules also carry a
// comment naming the NetworkPolicy, rule and entry, so a trace shows which policy decided.
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <set>

#include "packetwalk/model/cni/calico.h"
#include "packetwalk/model/datapath/netfilter_save.h"
#include "felix_rules.h"

namespace packetwalk::model::cni {

namespace {

using datapath::AcceptTarget;
using datapath::CommentMatch;
using datapath::ConntrackMatch;
using datapath::DropTarget;
using datapath::JumpTarget;
using datapath::MarkMatch;
using datapath::MarkTarget;
using datapath::Negatable;
using datapath::ReturnTarget;
using datapath::Rule;
using policy::Direction;
using namespace felix;  // NOLINT: the helpers are this file's vocabulary

std::string endpoint_chain(Direction d, const std::string& iface) {
  return (d == Direction::Ingress ? "cali-tw-" : "cali-fw-") + iface;
}

std::string profile_chain(Direction d, const std::string& ns) {
  return limited_chain(d == Direction::Ingress ? "cali-pri-" : "cali-pro-", "kns." + ns);
}

// Renders one node's chains. Selector ipsets are created in the node's namespace on demand.
class NodeRenderer {
public:
  NodeRenderer(const policy::PolicyIndex& index, datapath::Netns& node, std::vector<const kube::PodInfo*> local)
      : index_(index), node_(node), local_(std::move(local)) {}

  void render(const net::Cidr& pool);

private:
  void static_chains(const net::Cidr& pool);
  void endpoint(const kube::PodInfo& pod, Direction d);
  void policy_chain(const kube::NetworkPolicy& p, Direction d);
  void profile(const std::string& ns, Direction d);
  std::string selector_set(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns);
  std::string named_port_set(const std::string& port_name, net::Protocol protocol, const kube::NetworkPolicyPeer* peer,
                             std::string_view policy_ns);
  void emit_accept(ChainWriter& w, Rule r, const std::string& what);

  const policy::PolicyIndex& index_;
  datapath::Netns& node_;
  std::vector<const kube::PodInfo*> local_;  // workload pods of this node, by interface name
  std::set<std::pair<Direction, const kube::NetworkPolicy*>> rendered_;
  std::set<std::pair<Direction, std::string>> profiles_;
};

std::string NodeRenderer::selector_set(const kube::NetworkPolicyPeer& peer, std::string_view policy_ns) {
  std::string canonical =
      peer.namespace_selector ? "namespace matches " + policy::selector_text(*peer.namespace_selector)
                              : "namespace == " + std::string(policy_ns);
  canonical += " && pod matches " + (peer.pod_selector ? policy::selector_text(*peer.pod_selector) : std::string("{}"));
  const std::string name = "cali40s:" + hash_id(canonical, 22);
  if (node_.ipsets.count(name)) return name;
  datapath::IpSet set(datapath::IpSetType::HashIp, canonical);
  for (const auto& pod : index_.inventory().pods) {
    policy::Endpoint e{&pod, pod.ip, pod.node};
    if (policy::match_peer(peer, policy_ns, e, index_).matched) set.add_ip(pod.ip);
  }
  node_.ipsets[name] = std::move(set);
  return name;
}

std::string NodeRenderer::named_port_set(const std::string& port_name, net::Protocol protocol,
                                         const kube::NetworkPolicyPeer* peer, std::string_view policy_ns) {
  // Felix's named-port sets hold (address, protocol, port) of every workload whose container
  // port has that name; with a selector peer (egress), only the workloads the peer selects.
  std::string canonical = "named port " + port_name + "/" + std::string(net::kube_name(protocol));
  if (peer && !peer->ip_block) canonical += " of " + policy::describe_peer(*peer, policy_ns);
  const std::string name = "cali40n:" + hash_id(canonical, 22);
  if (node_.ipsets.count(name)) return name;
  datapath::IpSet set(datapath::IpSetType::HashIpPort, canonical);
  for (const auto& pod : index_.inventory().pods) {
    if (pod.host_network) continue;
    policy::Endpoint e{&pod, pod.ip, pod.node};
    if (peer && !peer->ip_block && !policy::match_peer(*peer, policy_ns, e, index_).matched) continue;
    if (auto n = policy::resolve_named_port(pod, port_name, protocol)) set.add_ip_port(pod.ip, protocol, static_cast<net::Port>(*n));
  }
  node_.ipsets[name] = std::move(set);
  return name;
}

void NodeRenderer::emit_accept(ChainWriter& w, Rule r, const std::string& what) {
  r.modules.insert(r.modules.begin(), CommentMatch{what});
  r.target = set_bits(kAccept);
  w.add(std::move(r));
  w.add(make({bits_set(kAccept), CommentMatch{"Return if policy accepted"}}, ReturnTarget{}));
}

void NodeRenderer::policy_chain(const kube::NetworkPolicy& p, Direction d) {
  if (!rendered_.insert({d, &p}).second) return;
  ChainWriter w(node_.netfilter.filter, calico_policy_chain(d, p));
  const auto& ns = p.meta.namespace_;
  const std::string dir(policy::direction_name(d));
  const auto& rules = policy::rules_of(p, d);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    const bool every_peer = !rule.peers || rule.peers->empty();
    const bool every_port = !rule.ports || rule.ports->empty();
    const std::size_t peer_count = every_peer ? 1 : rule.peers->size();
    const std::size_t port_count = every_port ? 1 : rule.ports->size();
    for (std::size_t j = 0; j < peer_count; ++j) {
      const std::string base_what = "NetworkPolicy " + policy::policy_ref(p) + " " + dir + " rule " + std::to_string(i) +
                                    (every_peer ? "" : (d == Direction::Ingress ? " from[" : " to[") + std::to_string(j) + "]");
      // The peer's part of the match: an address range, or a selector ipset, or nothing.
      Rule peer_part;
      const kube::NetworkPolicyPeer* peer = every_peer ? nullptr : &(*rule.peers)[j];
      bool renders = true;
      if (peer && peer->ip_block) {
        auto ranges = policy::parse_ip_block(*peer->ip_block);
        if (!ranges) renders = false;  // validation reported it; Felix would reject the policy
        if (ranges) {
          (d == Direction::Ingress ? peer_part.source : peer_part.destination) = Negatable<net::Cidr>{ranges->cidr, false};
          if (!ranges->except.empty()) {
            // Excepted addresses set the scratch bit; the rule then requires it clear.
            w.add(make({CommentMatch{base_what + " except: clear"}}, clear_bits(kScratch0)));
            for (const auto& ex : ranges->except) {
              Rule mark_ex = make({CommentMatch{base_what + " except " + ex.to_string()}}, set_bits(kScratch0));
              (d == Direction::Ingress ? mark_ex.source : mark_ex.destination) = Negatable<net::Cidr>{ex, false};
              w.add(std::move(mark_ex));
            }
            peer_part.modules.push_back(bits_clear(kScratch0));
          }
        }
      } else if (peer) {
        peer_part.modules.push_back(datapath::SetMatch{selector_set(*peer, ns), d == Direction::Ingress ? "src" : "dst", false});
      }
      if (!renders) continue;
      for (std::size_t k = 0; k < port_count; ++k) {
        const kube::NetworkPolicyPort* port = every_port ? nullptr : &(*rule.ports)[k];
        const std::string what = base_what + (every_port ? "" : " ports[" + std::to_string(k) + "]");
        if (!port) {
          emit_accept(w, peer_part, what);
          continue;
        }
        if (!port->port || !port->port->is_string) {
          Rule r = peer_part;
          r.protocol = Negatable<net::Protocol>{port->protocol, false};
          if (port->port) {
            auto lo = static_cast<net::Port>(port->port->number);
            auto hi = static_cast<net::Port>(port->end_port.value_or(port->port->number));
            r.modules.push_back(datapath::PortMatch{port->protocol, std::make_pair(lo, hi), std::nullopt, false});
          }
          emit_accept(w, std::move(r), what);
          continue;
        }
        // A named port: the destination (address, protocol, port) must be in the named-port set.
        // For egress with a selector peer that set already holds only the peer's pods, so the
        // selector match is dropped, as Felix folds the two into one set.
        Rule r = peer_part;
        if (d == Direction::Egress && peer && !peer->ip_block) r.modules.clear();
        r.protocol = Negatable<net::Protocol>{port->protocol, false};
        r.modules.push_back(datapath::SetMatch{named_port_set(port->port->text, port->protocol,
                                                              d == Direction::Egress ? peer : nullptr, ns),
                                               "dst,dst", false});
        emit_accept(w, std::move(r), what + " (named port " + port->port->text + ")");
      }
    }
  }
}

void NodeRenderer::profile(const std::string& ns, Direction d) {
  if (!profiles_.insert({d, ns}).second) return;
  // Calico's per-namespace profile kns.<ns>: Kubernetes namespaces allow everything by default.
  ChainWriter w(node_.netfilter.filter, profile_chain(d, ns));
  w.add(make({CommentMatch{"profile kns." + ns + ": allow all"}}, set_bits(kAccept)));
  w.add(make({bits_set(kAccept)}, ReturnTarget{}));
}

void NodeRenderer::endpoint(const kube::PodInfo& pod, Direction d) {
  const std::string iface = calico_veth_name(pod.namespace_, pod.name);
  ChainWriter w(node_.netfilter.filter, endpoint_chain(d, iface));
  w.add(make({ConntrackMatch{datapath::kCtRelated | datapath::kCtEstablished, false}}, AcceptTarget{}));
  w.add(make({ConntrackMatch{datapath::kCtInvalid, false}}, DropTarget{}));
  w.add(make({}, clear_bits(kAccept)));
  if (d == Direction::Egress) {
    Rule vxlan = make({datapath::PortMatch{net::Protocol::Udp, std::make_pair(net::Port{4789}, net::Port{4789}), std::nullopt, false},
                       CommentMatch{"Drop VXLAN encapped packets originating in workloads"}},
                      DropTarget{});
    vxlan.protocol = Negatable<net::Protocol>{net::Protocol::Udp, false};
    w.add(std::move(vxlan));
  }
  admin_tier_sections(w, node_, index_, pod, d, 0, policy::kNetworkPolicyTierRank - 1);
  const auto policies = index_.selecting(pod, d);
  if (!policies.empty()) {
    w.add(make({CommentMatch{"Start of policies"}}, clear_bits(kPass)));
    std::string names;
    for (const auto* p : policies) {
      policy_chain(*p, d);
      w.add(make({bits_clear(kPass)}, JumpTarget{calico_policy_chain(d, *p), false}));
      w.add(make({bits_set(kAccept), CommentMatch{"Return if policy accepted"}}, ReturnTarget{}));
      names += (names.empty() ? "NetworkPolicy " : ", ") + policy::policy_ref(*p);
    }
    w.add(make({bits_clear(kPass), CommentMatch{"Drop if no policies passed packet"},
                CommentMatch{std::string(policy::direction_name(d)) + " of " + pod.namespace_ + "/" + pod.name +
                             " is isolated by " + names}},
               DropTarget{}));
  }
  admin_tier_sections(w, node_, index_, pod, d, policy::kNetworkPolicyTierRank + 1, 4);
  profile(pod.namespace_, d);
  w.add(make({}, JumpTarget{profile_chain(d, pod.namespace_), false}));
  w.add(make({bits_set(kAccept), CommentMatch{"Return if profile accepted"}}, ReturnTarget{}));
  w.add(make({CommentMatch{"Drop if no profiles matched"}}, DropTarget{}));
}

void NodeRenderer::static_chains(const net::Cidr& pool) {
  auto& filter = node_.netfilter.filter;
  ChainWriter fwd(filter, "cali-FORWARD");
  fwd.add(make({}, clear_bits(kAllButAccept)));
  Rule from_wl = make({}, JumpTarget{"cali-from-wl-dispatch", false});
  from_wl.in_iface = Negatable<std::string>{"cali+", false};
  fwd.add(std::move(from_wl));
  Rule to_wl = make({}, JumpTarget{"cali-to-wl-dispatch", false});
  to_wl.out_iface = Negatable<std::string>{"cali+", false};
  fwd.add(std::move(to_wl));

  ChainWriter from(filter, "cali-from-wl-dispatch");
  ChainWriter to(filter, "cali-to-wl-dispatch");
  for (const auto* pod : local_) {
    const std::string iface = calico_veth_name(pod->namespace_, pod->name);
    Rule f = make({}, JumpTarget{endpoint_chain(Direction::Egress, iface), true});
    f.in_iface = Negatable<std::string>{iface, false};
    from.add(std::move(f));
    Rule t = make({}, JumpTarget{endpoint_chain(Direction::Ingress, iface), true});
    t.out_iface = Negatable<std::string>{iface, false};
    to.add(std::move(t));
  }
  from.add(make({CommentMatch{"Unknown interface"}}, DropTarget{}));
  to.add(make({CommentMatch{"Unknown interface"}}, DropTarget{}));

  // Felix inserts its jump at the top of FORWARD and appends the accept rules at the bottom.
  ChainWriter forward(filter, "FORWARD");
  Rule jump = make({CommentMatch{"cali:" + hash_id("FORWARD:cali-FORWARD", 16)}}, JumpTarget{"cali-FORWARD", false});
  filter.prepend("FORWARD", std::move(jump));
  forward.add(make({CommentMatch{"Policy explicitly accepted packet."}, bits_set(kAccept)}, AcceptTarget{}));
  forward.add(make({}, set_bits(kAccept)));

  // A pod's egress policy also applies to traffic for its own node (cali-wl-to-host).
  ChainWriter input(filter, "cali-INPUT");
  Rule to_host = make({}, JumpTarget{"cali-wl-to-host", true});
  to_host.in_iface = Negatable<std::string>{"cali+", false};
  input.add(std::move(to_host));
  ChainWriter wl_to_host(filter, "cali-wl-to-host");
  wl_to_host.add(make({}, JumpTarget{"cali-from-wl-dispatch", false}));
  wl_to_host.add(make({CommentMatch{"Configured DefaultEndpointToHostAction"}}, AcceptTarget{}));
  filter.prepend("INPUT", make({CommentMatch{"cali:" + hash_id("INPUT:cali-INPUT", 16)}}, JumpTarget{"cali-INPUT", false}));

  // natOutgoing of the pool: pod traffic leaving the pod network takes the node's address.
  auto& nat = node_.netfilter.nat;
  ChainWriter post(nat, "cali-POSTROUTING");
  post.add(make({}, JumpTarget{"cali-nat-outgoing", false}));
  ChainWriter outgoing(nat, "cali-nat-outgoing");
  Rule masq = make({}, datapath::MasqueradeTarget{true});
  masq.source = Negatable<net::Cidr>{pool, false};
  masq.destination = Negatable<net::Cidr>{pool, true};
  outgoing.add(std::move(masq));
  nat.prepend("POSTROUTING", make({CommentMatch{"cali:" + hash_id("POSTROUTING:cali-POSTROUTING", 16)}},
                                  JumpTarget{"cali-POSTROUTING", false}));
}

void NodeRenderer::render(const net::Cidr& pool) {
  static_chains(pool);
  for (const auto* pod : local_) {
    endpoint(*pod, Direction::Ingress);
    endpoint(*pod, Direction::Egress);
  }
}

}  // namespace

std::string calico_policy_chain(Direction d, const kube::NetworkPolicy& p) {
  return limited_chain(d == Direction::Ingress ? "cali-pi-" : "cali-po-", policy::policy_ref(p));
}

void program_felix_iptables(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                            const Placement& placement, const net::Cidr& pool, datapath::Topology& topology,
                            const std::vector<kube::AdminNetworkPolicy>* admin_policies) {
  policy::PolicyIndex index(policies, inventory, admin_policies);
  for (const auto& node : inventory.nodes) {
    auto it = placement.node_netns.find(node.name);
    if (it == placement.node_netns.end()) continue;
    std::vector<const kube::PodInfo*> local;
    for (const auto& pod : inventory.pods) {
      if (pod.node == node.name && !pod.host_network && placement.pod_netns.count(pod.namespace_ + "/" + pod.name))
        local.push_back(&pod);
    }
    std::sort(local.begin(), local.end(), [](const auto* a, const auto* b) {
      return calico_veth_name(a->namespace_, a->name) < calico_veth_name(b->namespace_, b->name);
    });
    NodeRenderer(index, topology.netns(it->second), std::move(local)).render(pool);
  }
}

}  // namespace packetwalk::model::cni
