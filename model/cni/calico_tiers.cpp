// Felix's rendering of the tiers Calico creates for AdminNetworkPolicy ("adminnetworkpolicy"),
// ClusterNetworkPolicy ("kube-admin" / "kube-baseline") and BaselineAdminNetworkPolicy
// ("baselineadminnetworkpolicy"). A policy chain holds one rule per (rule, peer, port) in written
// order, with Felix's actions (felix/rules/policy.go): Accept sets the accept bit and returns,
// Pass sets the pass bit and returns (the endpoint chain then skips the rest of the tier), Deny
// drops on the spot. Every rule carries a comment naming the policy, rule, peer and port, so the
// trace of a dropped packet says which admin rule denied it.
#include <set>

#include "felix_rules.h"
#include "packetwalk/model/cni/calico.h"

namespace packetwalk::model::cni::felix {

namespace {

using datapath::DropTarget;
using datapath::JumpTarget;
using datapath::Negatable;
using datapath::ReturnTarget;
using policy::Direction;

std::string chain_name(const kube::AdminNetworkPolicy& p, Direction d) { return calico_admin_policy_chain(d, p); }

class AdminChain {
public:
  AdminChain(datapath::Netns& node, const policy::PolicyIndex& index, const kube::AdminNetworkPolicy& p, Direction d)
      : node_(node), index_(index), p_(p), d_(d), w_(node.netfilter.filter, chain_name(p, d)) {}

  void render() {
    const auto& rules = policy::admin_rules(p_, d_);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const auto& rule = rules[i];
      for (std::size_t j = 0; j < rule.peers.size(); ++j) {
        const std::string what = p_.kind_name() + " " + policy::admin_rule_label(p_, d_, i) +
                                 (d_ == Direction::Ingress ? " from[" : " to[") + std::to_string(j) + "]";
        for (auto& peer_part : peer_parts(rule, rule.peers[j])) {
          if (!rule.ports) {
            emit(rule, peer_part, what);
            continue;
          }
          for (std::size_t k = 0; k < rule.ports->size(); ++k) {
            const auto& port = (*rule.ports)[k];
            const std::string port_what = what + " ports[" + std::to_string(k) + "]";
            if (port.named_port.empty()) {
              Rule r = peer_part;
              r.protocol = Negatable<net::Protocol>{port.protocol, false};
              r.modules.push_back(datapath::PortMatch{port.protocol,
                                                      std::make_pair(static_cast<net::Port>(port.start), static_cast<net::Port>(port.end)),
                                                      std::nullopt, false});
              emit(rule, std::move(r), port_what);
              continue;
            }
            // A named port may be declared with any protocol: one rule per protocol some pod uses.
            for (auto proto : {net::Protocol::Tcp, net::Protocol::Udp, net::Protocol::Sctp}) {
              auto set = named_port_set(port.named_port, proto);
              if (set.empty()) continue;
              Rule r = peer_part;
              r.protocol = Negatable<net::Protocol>{proto, false};
              r.modules.push_back(datapath::SetMatch{set, "dst,dst", false});
              emit(rule, std::move(r), port_what + " (named port " + port.named_port + ")");
            }
          }
        }
      }
    }
  }

private:
  // The peer as matches: one rule per CIDR of `networks`, an ipset for the others; none when
  // the peer can match nothing.
  std::vector<Rule> peer_parts(const kube::AdminRule& rule, const kube::AdminPeer& peer) {
    const bool in = d_ == Direction::Ingress;
    std::vector<Rule> out;
    if (peer.unknown()) {
      if (rule.action != kube::AdminAction::Accept) out.emplace_back();  // fail closed: match all
      return out;
    }
    if (peer.networks) {
      for (const auto& text : *peer.networks) {
        auto cidr = net::Cidr::parse(text);
        if (!cidr) continue;
        Rule r;
        (in ? r.source : r.destination) = Negatable<net::Cidr>{*cidr, false};
        out.push_back(std::move(r));
      }
      return out;
    }
    Rule r;
    r.modules.push_back(datapath::SetMatch{peer_set(rule, peer), in ? "src" : "dst", false});
    out.push_back(std::move(r));
    return out;
  }

  // Selector peers (namespaces, pods, nodes) as a hash:ip set of the matching addresses.
  std::string peer_set(const kube::AdminRule& rule, const kube::AdminPeer& peer) {
    const std::string canonical = "admin peer " + policy::describe_admin_peer(peer);
    const std::string name = "cali40s:" + hash_id(canonical, 22);
    if (node_.ipsets.count(name)) return name;
    datapath::IpSet set(datapath::IpSetType::HashIp, canonical);
    if (peer.nodes) {
      for (const auto& n : index_.inventory().nodes) {
        policy::Endpoint e{nullptr, n.internal_ip, n.name};
        if (policy::match_admin_peer(peer, rule, e, index_).matched) set.add_ip(n.internal_ip);
      }
    } else {
      for (const auto& pod : index_.inventory().pods) {
        policy::Endpoint e{&pod, pod.ip, pod.node};
        if (policy::match_admin_peer(peer, rule, e, index_).matched) set.add_ip(pod.ip);
      }
    }
    node_.ipsets[name] = std::move(set);
    return name;
  }

  // (address, protocol, port) of every workload pod declaring `name` with `protocol`; "" if none.
  std::string named_port_set(const std::string& port_name, net::Protocol protocol) {
    const std::string canonical = "named port " + port_name + "/" + std::string(net::kube_name(protocol));
    const std::string name = "cali40n:" + hash_id(canonical, 22);
    if (auto it = node_.ipsets.find(name); it != node_.ipsets.end()) return it->second.entries.empty() ? "" : name;
    datapath::IpSet set(datapath::IpSetType::HashIpPort, canonical);
    for (const auto& pod : index_.inventory().pods) {
      if (pod.host_network) continue;
      if (auto n = policy::resolve_named_port(pod, port_name, protocol))
        set.add_ip_port(pod.ip, protocol, static_cast<net::Port>(*n));
    }
    const bool empty = set.entries.empty();
    node_.ipsets[name] = std::move(set);
    return empty ? "" : name;
  }

  void emit(const kube::AdminRule& rule, Rule r, const std::string& what) {
    r.modules.insert(r.modules.begin(), CommentMatch{what + ": " + std::string(policy::action_word(rule))});
    switch (rule.action) {
      case kube::AdminAction::Deny:
        r.target = DropTarget{};
        w_.add(std::move(r));
        return;
      case kube::AdminAction::Accept:
        r.target = set_bits(kAccept);
        w_.add(std::move(r));
        w_.add(make({bits_set(kAccept), CommentMatch{"Return if policy accepted"}}, ReturnTarget{}));
        return;
      case kube::AdminAction::Pass:
        r.target = set_bits(kPass);
        w_.add(std::move(r));
        w_.add(make({bits_set(kPass), CommentMatch{"Return if policy passed"}}, ReturnTarget{}));
        return;
    }
  }

  datapath::Netns& node_;
  const policy::PolicyIndex& index_;
  const kube::AdminNetworkPolicy& p_;
  Direction d_;
  ChainWriter w_;
};

}  // namespace

void admin_tier_sections(ChainWriter& endpoint, datapath::Netns& node, const policy::PolicyIndex& index,
                         const kube::PodInfo& pod, Direction d, int lo, int hi) {
  for (int rank = lo; rank <= hi; ++rank) {
    std::vector<const kube::AdminNetworkPolicy*> tier;
    for (const auto* p : index.admin()) {
      if (policy::tier_rank(*p) == rank && !policy::admin_rules(*p, d).empty() && policy::admin_selects(*p, pod, index))
        tier.push_back(p);
    }
    if (tier.empty()) continue;
    endpoint.add(make({CommentMatch{"Start of tier " + std::string(policy::calico_tier(*tier.front()))}}, clear_bits(kPass)));
    for (const auto* p : tier) {
      const std::string chain = chain_name(*p, d);
      if (!node.netfilter.filter.chains.count(chain)) AdminChain(node, index, *p, d).render();
      endpoint.add(make({bits_clear(kPass)}, JumpTarget{chain, false}));
      endpoint.add(make({bits_set(kAccept), CommentMatch{"Return if policy accepted"}}, ReturnTarget{}));
    }
  }
}

}  // namespace packetwalk::model::cni::felix

namespace packetwalk::model::cni {

std::string calico_admin_policy_chain(policy::Direction d, const kube::AdminNetworkPolicy& p) {
  return felix::limited_chain(d == policy::Direction::Ingress ? "cali-pi-" : "cali-po-",
                              std::string(policy::calico_tier(p)) + "/" + policy::calico_policy_name(p));
}

}  // namespace packetwalk::model::cni
