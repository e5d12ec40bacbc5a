// Cilium's policy enforcement at the endpoint: bpf_lxc's programs on each lxc device, fed by the
// same evaluator `explain` and `reach` use (policy::evaluate_side under Cilium's semantics), and
// the iptables Cilium keeps beside kube-proxy's (masquerading only: no policy chains).
#include <algorithm>
#include <memory>

#include "packetwalk/model/cni/cilium.h"
#include "packetwalk/model/policy/evaluate.h"

namespace packetwalk::model::cni {

namespace {

using policy::Direction;

// What every program of a cluster shares: the policies, and who owns each address.
struct PolicyState {
  policy::PolicyIndex index;
  std::map<std::uint32_t, const kube::PodInfo*> pods;  // workload pods by address
  std::map<std::uint32_t, std::string> nodes;          // InternalIP and router address -> node

  PolicyState(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory)
      : index(policies, inventory, nullptr, policy::cni_semantics("cilium")) {
    for (const auto& p : inventory.pods)
      if (!p.host_network) pods[p.ip.value()] = &p;
    for (const auto& n : inventory.nodes) {
      nodes[n.internal_ip.value()] = n.name;
      nodes[cilium_router_address(n).value()] = n.name;
    }
  }

  // The endpoint an address stands for: a pod, a node (the host or remote-node identity), or the
  // world (node "").
  policy::Endpoint resolve(net::Ipv4Address ip) const {
    if (auto it = pods.find(ip.value()); it != pods.end()) return {it->second, ip, it->second->node};
    if (auto it = nodes.find(ip.value()); it != nodes.end()) return {nullptr, ip, it->second};
    return {nullptr, ip, ""};
  }
};

// The rules that would have matched but for Cilium's identity semantics (an ipBlock naming a pod
// or node address): "; Cilium: NetworkPolicy x/p ingress rule 0: <why>". "" when none.
std::string identity_misses(const policy::SideVerdict& s) {
  std::string out;
  for (const auto& pc : s.policies) {
    for (const auto& rule : pc.rules) {
      for (const auto& peer : rule.peers) {
        if (peer.result.miss != policy::PeerMiss::ClusterIdentity || !rule.port_matched) continue;
        out += "; NetworkPolicy " + policy::policy_ref(*pc.policy) + " " + std::string(policy::direction_name(s.direction)) +
               " rule " + std::to_string(rule.index) + ": " + peer.result.detail;
      }
    }
  }
  return out;
}

// bpf_lxc: cil_from_container (the pod's egress policy, tc ingress of its lxc device) or
// cil_to_container (its ingress policy, tc egress of the lxc device).
class BpfLxcPolicy : public datapath::TcProgram {
public:
  BpfLxcPolicy(std::shared_ptr<const PolicyState> state, const kube::PodInfo& pod, Direction d)
      : state_(std::move(state)), pod_(pod), direction_(d) {}

  datapath::TcVerdict run(const datapath::TcContext& ctx) const override {
    datapath::TcVerdict v;
    const bool egress = direction_ == Direction::Egress;
    v.program = egress ? "bpf_lxc cil_from_container" : "bpf_lxc cil_to_container";
    const std::string who = pod_.namespace_ + "/" + pod_.name;
    const std::string side = std::string(egress ? "egress" : "ingress") + " policy of " + who;
    if (ctx.tracked_reply) {
      v.detail = side + ": reply of a tracked connection, allowed";
      return v;
    }
    const auto& p = ctx.packet;
    policy::Connection c;
    const policy::Endpoint self{&pod_, pod_.ip, pod_.node};
    c.src = egress ? self : state_->resolve(p.src);
    c.dst = egress ? state_->resolve(p.dst) : self;
    c.protocol = p.protocol;
    c.port = p.dport;
    const auto s = policy::evaluate_side(state_->index, c, direction_);
    if (!s.enforced) {
      v.detail = side + ": allowed, " + s.exempt_reason;
      if (!egress) v.detail += " (allow-localhost)";
      return v;
    }
    const std::string why = policy::side_reason(s);
    if (s.allowed) {
      v.detail = side + ": " + (why.empty() ? "allowed, no policy selects " + who + " for " +
                                                  std::string(policy::direction_name(direction_))
                                            : why);
      return v;
    }
    v.drop = true;
    const std::string cilium_only = identity_misses(s);
    v.detail = side + ": policy verdict DENIED" + cilium_only;
    // As `cilium monitor --type drop` and Hubble name it: drop reason 133 (DROP_POLICY).
    v.drop_detail = "Policy denied (DROP_POLICY 133) by " + v.program + ": " + why + cilium_only;
    return v;
  }

private:
  std::shared_ptr<const PolicyState> state_;
  const kube::PodInfo& pod_;
  Direction direction_;
};

// CILIUM_POST_nat: pod traffic to destinations outside the cluster's pod network takes the
// node's address (pkg/datapath/iptables, "cilium masquerade non-cluster").
void add_cilium_iptables(datapath::Netfilter& nf, const net::Cidr& node_cidr, const net::Cidr& pool) {
  using namespace datapath;
  nf.nat.chain("CILIUM_POST_nat");
  Rule feeder;
  feeder.modules.push_back(CommentMatch{"cilium-feeder: CILIUM_POST_nat"});
  feeder.target = JumpTarget{"CILIUM_POST_nat"};
  nf.nat.prepend("POSTROUTING", feeder);
  Rule masq;
  masq.source = Negatable<net::Cidr>{node_cidr, false};
  masq.destination = Negatable<net::Cidr>{pool, true};
  masq.out_iface = Negatable<std::string>{"cilium_+", true};
  masq.modules.push_back(CommentMatch{"cilium masquerade non-cluster"});
  masq.target = MasqueradeTarget{};
  nf.nat.append("CILIUM_POST_nat", masq);
}

}  // namespace

void program_cilium(const std::vector<kube::NetworkPolicy>& policies, const kube::Inventory& inventory,
                    const Placement& placement, const net::Cidr& pool, datapath::Topology& topology) {
  auto state = std::make_shared<const PolicyState>(policies, inventory);
  for (const auto& node : inventory.nodes) {
    auto it = placement.node_netns.find(node.name);
    if (it == placement.node_netns.end()) continue;
    add_cilium_iptables(topology.netns(it->second).netfilter, node.pod_cidr, pool);
  }
  for (const auto& pod : inventory.pods) {
    if (pod.host_network) continue;
    auto node_ns = placement.node_netns.find(pod.node);
    if (node_ns == placement.node_netns.end() || !placement.pod_netns.count(pod.namespace_ + "/" + pod.name)) continue;
    auto lxc = topology.find_iface(node_ns->second, cilium_lxc_name(pod.namespace_, pod.name));
    if (!lxc) continue;
    topology.iface(*lxc).tc_ingress = std::make_shared<BpfLxcPolicy>(state, pod, Direction::Egress);
    topology.iface(*lxc).tc_egress = std::make_shared<BpfLxcPolicy>(state, pod, Direction::Ingress);
  }
}

}  // namespace packetwalk::model::cni
