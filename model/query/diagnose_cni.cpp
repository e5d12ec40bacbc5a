// diagnose, step 1: the pod network (CNI) on the nodes a connection crosses, checked statically
// (devices, routes, VXLAN FDB, MTU, hairpin) and then with probes straight to each backend.
#include <map>
#include <set>

#include "diagnose_parts.h"

namespace packetwalk::model::query::diag {

namespace {

struct Finding {
  std::string text;
  std::string fix;
};

const char* kRoutesFix =
    "flanneld programs these from the nodes' subnet leases: check that the kube-flannel pod on the node runs "
    "and reaches the API server (kubectl -n kube-flannel logs), then restart it";

std::string device_fix(const datapath::Interface& i, const std::string& node) {
  switch (i.kind) {
    case datapath::IfaceKind::Vxlan:
      return "bring the VXLAN device back: restart the CNI agent on " + node +
             " (kubectl -n kube-flannel delete pod on that node); it recreates " + i.name +
             " and the routes through it (or: ip link set " + i.name + " up, then restore the routes)";
    case datapath::IfaceKind::Ethernet:
      return node + " is cut off from the node network: bring " + i.name + " up (ip link set " + i.name +
             " up) or repair the machine's network attachment";
    default:
      return "ip link set " + i.name + " up on " + node;
  }
}

// Devices, routes and VXLAN entries between the nodes; adds what is missing to `findings`.
void check_nodes(const Context& ctx, const std::set<std::string>& nodes, DiagnoseStep& step,
                 std::vector<Finding>& findings) {
  const auto& c = ctx.cluster;
  const auto& topo = c.topology();
  for (const auto& node : nodes) {
    auto ns = c.node_netns(node);
    if (!ns) continue;
    std::string up;
    for (auto id : topo.netns(*ns).interfaces) {
      const auto& i = topo.iface(id);
      if (i.kind != datapath::IfaceKind::Ethernet && i.kind != datapath::IfaceKind::Bridge &&
          i.kind != datapath::IfaceKind::Vxlan)
        continue;
      if (!i.up) findings.push_back({node + ": " + i.name + " is down", device_fix(i, node)});
      else up += (up.empty() ? "" : ", ") + i.name;
    }
    if (!up.empty()) step.checked.push_back(node + ": " + up + " up");
  }
  for (const auto& a : nodes) {
    auto ns = c.node_netns(a);
    if (!ns) continue;
    for (const auto& b : nodes) {
      const auto* other = c.inventory().find_node(b);
      if (a == b || !other) continue;
      const net::Ipv4Address probe_addr = other->pod_cidr.nth(2);
      const auto* route = topo.netns(*ns).routes.lookup(probe_addr);
      if (!route || topo.iface(route->dev).kind != datapath::IfaceKind::Vxlan) {
        findings.push_back({a + " has no route to " + b + "'s pod subnet " + other->pod_cidr.to_string() +
                                " through the VXLAN device (" +
                                (route ? "it would use: " + topo.describe_route(*route) : std::string("no route at all")) + ")",
                            kRoutesFix});
        continue;
      }
      const auto& vtep = topo.iface(route->dev);
      bool fdb = false;
      for (const auto& [mac, ip] : vtep.fdb) fdb = fdb || ip == other->internal_ip;
      if (!fdb) {
        findings.push_back({a + ": " + vtep.name + " has no FDB entry sending to " + b + " (" +
                                other->internal_ip.to_string() + ")",
                            kRoutesFix});
        continue;
      }
      step.checked.push_back(a + ": " + topo.describe_route(*route) + "; FDB entry to " + other->internal_ip.to_string());
    }
  }
}

void check_mtu(const Context& ctx, const std::set<std::string>& nodes, DiagnoseStep& step, std::vector<Finding>& findings) {
  const auto& topo = ctx.cluster.topology();
  const auto underlay = ctx.cluster.placement().underlay;
  if (nodes.size() < 2 || underlay == datapath::kNone) return;
  const auto& seg = topo.segment(underlay);
  for (const auto& node : nodes) {
    auto ns = ctx.cluster.node_netns(node);
    if (!ns) continue;
    for (auto id : topo.netns(*ns).interfaces) {
      const auto& vx = topo.iface(id);
      if (vx.kind != datapath::IfaceKind::Vxlan) continue;
      const std::uint32_t carrier = vx.mtu + 50;  // outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14
      if (seg.mtu != 0 && seg.mtu < carrier) {
        findings.push_back(
            {"the node network carries at most " + std::to_string(seg.mtu) + " bytes, but " + vx.name + " on " + node +
                 " has MTU " + std::to_string(vx.mtu) + ": a full-size pod packet's VXLAN carrier is " +
                 std::to_string(carrier) + " bytes and is lost on the wire",
             "make the overlay fit the network: set the nodes' MTU to the network's (" + std::to_string(seg.mtu) +
                 "), so flannel gives flannel.1 and the pods " + std::to_string(seg.mtu - 50) +
                 ", then recreate the pods; or raise the network's MTU"});
        return;
      }
      step.checked.push_back(node + ": " + vx.name + " MTU " + std::to_string(vx.mtu) + " fits the node network" +
                             (seg.mtu ? " (MTU " + std::to_string(seg.mtu) + ")" : ""));
      break;
    }
  }
}

void check_hairpin(const Context& ctx, std::vector<Finding>& findings) {
  if (!ctx.source_pod || !ctx.service) return;
  bool self = false;
  for (const auto& b : ctx.backends) self = self || b.pod == ctx.source_pod;
  if (!self) return;
  const auto& topo = ctx.cluster.topology();
  auto eth0 = topo.find_iface(ctx.source.netns, "eth0");
  if (!eth0 || topo.iface(*eth0).peer == datapath::kNone) return;
  const auto& port = topo.iface(topo.iface(*eth0).peer);
  if (port.master == datapath::kNone || port.hairpin) return;
  findings.push_back({ctx.source_pod->node + ": bridge port " + port.name + " of " + ctx.source.label +
                          " has hairpin_mode off, and " + ctx.source.label +
                          " is a backend of the Service it connects to: its own packets must leave by the port "
                          "they came in",
                      "turn hairpin mode on: \"hairpinMode\": true in the bridge CNI configuration (kube-flannel's "
                      "cni-conf.json) or kubelet --hairpin-mode=hairpin-veth, then recreate the pods"});
}

std::string backend_netns(const Backend& b) {
  if (b.pod && !b.pod->host_network) return b.label();
  return b.node;
}

}  // namespace

DiagnoseStep check_cni(Context& ctx) {
  DiagnoseStep step;
  step.layer = "cni";
  step.title = "CNI (" + cni_name(ctx) + ")";
  std::set<std::string> nodes;
  if (!ctx.source_node.empty()) nodes.insert(ctx.source_node);
  if (!ctx.translating_node.empty()) nodes.insert(ctx.translating_node);
  for (const auto& b : ctx.backends) {
    if (!b.node.empty()) nodes.insert(b.node);
  }
  std::vector<Finding> findings;
  check_nodes(ctx, nodes, step, findings);
  check_mtu(ctx, nodes, step, findings);
  check_hairpin(ctx, findings);

  // One backend per node, straight to its pod IP: the pod network without kube-proxy.
  std::map<std::string, const Backend*> per_node;
  for (const auto& b : ctx.backends) per_node.emplace(b.node, &b);
  const auto& topo = ctx.cluster.topology();
  if (ctx.probe_from) {
    const std::string from_node = topo.netns(*ctx.probe_from).node;
    for (const auto& [node, b] : per_node) {
      const std::string target_ns = backend_netns(*b);
      if (topo.netns(*ctx.probe_from).name == target_ns) continue;  // a pod to itself never leaves it
      const auto& r = run_probe(ctx, step, *ctx.probe_from, b->ip, b->port, "pod network to " + b->label() + " on " + node);
      if (!reached(r, target_ns)) {
        const auto* drop = first_drop(r.trace);
        auto blame = drop ? blame_drop(ctx, *drop) : Blame{"cni", ""};
        if (blame.layer == "policy") {
          step.checked.push_back("probe to " + b->label() + " reached the policy layer (checked at step 4)");
          continue;
        }
        findings.push_back({"no packet gets from " + topo.netns(*ctx.probe_from).name + " to " + b->label() + ": " +
                                drop_evidence(r.trace),
                            blame.fix});
        continue;
      }
      step.checked.push_back(topo.netns(*ctx.probe_from).name + " reaches " + b->label() + " (" + b->ip.to_string() +
                             ":" + std::to_string(b->port) + ")");
      if (node == from_node) continue;
      // A full-size packet: what the source's route to the backend lets it send.
      const auto* route = topo.netns(*ctx.probe_from).routes.lookup(b->ip);
      if (!route) continue;
      const int full = static_cast<int>(topo.iface(route->dev).mtu);
      const auto& big = run_probe(ctx, step, *ctx.probe_from, b->ip, b->port,
                                  "full-size packet (" + std::to_string(full) + " bytes) to " + b->label(), full);
      if (!reached(big, target_ns)) {
        findings.push_back({"full-size packets (" + std::to_string(full) + " bytes) do not get from " +
                                topo.netns(*ctx.probe_from).name + " to " + b->label() + ": " + drop_evidence(big.trace),
                            "the overlay's MTU does not fit the path: set the nodes' MTU to what the node network "
                            "carries so flannel sizes flannel.1 and the pods 50 bytes below it"});
      }
    }
  }
  if (findings.empty()) {
    step.status = StepStatus::Ok;
    step.summary = nodes.empty() ? "no cluster node involved"
                                 : "devices up, routes and VXLAN entries in place; the pod network reaches " +
                                       std::to_string(per_node.size()) + " backend node" + (per_node.size() == 1 ? "" : "s");
    return step;
  }
  step.status = StepStatus::Failed;
  step.summary = findings.front().text;
  for (const auto& f : findings) step.evidence.push_back(f.text);
  step.fix = findings.front().fix;
  return step;
}

}  // namespace packetwalk::model::query::diag
