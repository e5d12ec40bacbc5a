// The nat-table rules of one service port, in the order syncProxyRules writes them: capture rules
// in KUBE-SERVICES and KUBE-NODEPORTS, then the KUBE-SVC/SVL (endpoint dispatch), KUBE-EXT
// (external traffic), KUBE-FW (source ranges) and KUBE-SEP (one endpoint) chains.

#include "iptables_internal.h"
#include "packetwalk/model/kubeproxy/chain_names.h"

namespace packetwalk::model::kubeproxy::detail {

namespace {

const net::Cidr kLoopback{net::Ipv4Address::from_octets(127, 0, 0, 0), 8};

// "-m comment --comment <text>" unless in large-cluster mode (appendServiceCommentLocked).
RuleBuilder& endpoint_comment(RuleBuilder& b, const SyncContext& ctx, const std::string& text) {
  if (!ctx.large_cluster) b.comment(text);
  return b;
}

std::string sep_name(const PortPlan& plan, const kube::EndpointInfo& e) {
  return sep_chain(plan.spn, plan.protocol, e.to_string());
}

// writeServiceToEndpointRules: affinity rules for every endpoint first, then the random cascade.
void write_endpoint_dispatch(SyncContext& ctx, const PortPlan& plan, const std::string& chain,
                             const std::vector<const kube::EndpointInfo*>& endpoints) {
  auto& nat = ctx.nf.nat;
  if (plan.service->session_affinity_client_ip) {
    for (const auto* e : endpoints) {
      const std::string sep = sep_name(plan, *e);
      RuleBuilder b;
      endpoint_comment(b, ctx, plan.spn + " -> " + e->to_string());
      datapath::RecentMatch recent;
      recent.name = sep;
      recent.seconds = static_cast<std::uint32_t>(plan.service->affinity_timeout_seconds);
      recent.reap = true;
      nat.append(chain, b.module(recent).jump(sep));
    }
  }
  const std::size_t n = endpoints.size();
  for (std::size_t i = 0; i < n; ++i) {
    RuleBuilder b;
    endpoint_comment(b, ctx, plan.spn + " -> " + endpoints[i]->to_string());
    if (i + 1 < n) b.module(statistic_for(n - i));
    nat.append(chain, b.jump(sep_name(plan, *endpoints[i])));
  }
}

void write_endpoint_chain(SyncContext& ctx, const PortPlan& plan, const kube::EndpointInfo& e) {
  auto& nat = ctx.nf.nat;
  const std::string sep = sep_name(plan, e);
  // Hairpin: an endpoint reaching itself through the Service must be SNATed, or its reply
  // would never pass back through this node's conntrack.
  RuleBuilder hairpin;
  endpoint_comment(hairpin, ctx, plan.spn);
  nat.append(sep, hairpin.src(e.ip).jump(kMarkMasqChain));

  RuleBuilder dnat;
  endpoint_comment(dnat, ctx, plan.spn);
  if (plan.service->session_affinity_client_ip) {
    datapath::RecentMatch recent;
    recent.name = sep;
    recent.set = true;
    dnat.module(recent);
  }
  dnat.proto(plan.protocol);
  nat.append(sep, dnat.target(datapath::DnatTarget{e.ip, static_cast<net::Port>(e.port)}));
}

}  // namespace

void write_service_nat(SyncContext& ctx, const PortPlan& plan) {
  auto& nat = ctx.nf.nat;
  const auto& svc = *plan.service;
  const int port = plan.port->port;
  const std::string& spn = plan.spn;
  const bool has_any = plan.endpoints.has_any;

  // iptables-restore flushes every chain named in a ":CHAIN" line before it runs any rule, so
  // declare this port's own chains up front; everything below only appends.
  auto declare = [&](const std::string& name) {
    declare_chain(nat, name);
    ctx.active_nat_chains.insert(name);
  };
  if (plan.uses_cluster_chain) declare(plan.cluster_chain);
  if (plan.uses_local_chain) declare(plan.local_chain);
  if (plan.uses_external_chain) declare(plan.external_chain);
  if (plan.uses_firewall_chain) declare(plan.firewall_chain);
  for (const auto* e : plan.endpoints.reachable) declare(sep_name(plan, *e));

  // Capture the ClusterIP.
  if (plan.has_internal_endpoints)
    nat.append(kServicesChain, RuleBuilder{}
                                   .comment(spn + " cluster IP")
                                   .proto(plan.protocol)
                                   .dst(plan.cluster_ip)
                                   .dport(port)
                                   .jump(plan.internal_chain));
  // Capture external IPs and load-balancer IPs.
  if (has_any) {
    for (auto ip : svc.external_ips)
      nat.append(kServicesChain, RuleBuilder{}
                                     .comment(spn + " external IP")
                                     .proto(plan.protocol)
                                     .dst(ip)
                                     .dport(port)
                                     .jump(plan.external_chain));
    const std::string& lb_chain = plan.uses_firewall_chain ? plan.firewall_chain : plan.external_chain;
    for (auto ip : svc.load_balancer_ips)
      nat.append(kServicesChain, RuleBuilder{}
                                     .comment(spn + " loadbalancer IP")
                                     .proto(plan.protocol)
                                     .dst(ip)
                                     .dport(port)
                                     .jump(lb_chain));
  }
  // Capture NodePorts. NodePorts are never subject to loadBalancerSourceRanges.
  if (plan.port->node_port != 0 && has_any) {
    if (ctx.localhost_nodeports && ctx.config.nfacct)
      nat.append(kNodePortsChain, RuleBuilder{}
                                      .comment(spn)
                                      .proto(plan.protocol)
                                      .dst(kLoopback)
                                      .dport(plan.port->node_port)
                                      .module(datapath::NfacctMatch{"localhost_nps_accepted_pkts"})
                                      .jump(plan.external_chain));
    nat.append(kNodePortsChain,
               RuleBuilder{}.comment(spn).proto(plan.protocol).dport(plan.port->node_port).jump(plan.external_chain));
  }

  // Internal traffic: masquerade sources that are not pods (they may be routed in from outside).
  if (plan.has_internal_endpoints) {
    const auto& cfg = ctx.config;
    if (cfg.masquerade_all || cfg.cluster_cidr) {
      RuleBuilder b;
      b.comment(spn + " cluster IP").proto(plan.protocol).dst(plan.cluster_ip).dport(port);
      if (!cfg.masquerade_all) b.src(*cfg.cluster_cidr, true);
      nat.append(plan.internal_chain, b.jump(kMarkMasqChain));
    }
  }

  // External traffic.
  if (plan.uses_external_chain) {
    const std::string& ext = plan.external_chain;
    if (!svc.external_traffic_policy_local) {
      // Endpoints may be on another node: masquerade so replies come back through this one.
      nat.append(ext, RuleBuilder{}
                          .comment("masquerade traffic for " + spn + " external destinations")
                          .jump(kMarkMasqChain));
    } else {
      // Pods and the node itself reaching an external address are treated as Cluster traffic.
      if (ctx.config.cluster_cidr)
        nat.append(ext, RuleBuilder{}
                            .comment("pod traffic for " + spn + " external destinations")
                            .src(*ctx.config.cluster_cidr)
                            .jump(plan.cluster_chain));
      nat.append(ext, RuleBuilder{}
                          .comment("masquerade LOCAL traffic for " + spn + " external destinations")
                          .module(datapath::AddrTypeMatch{true, "LOCAL", false})
                          .jump(kMarkMasqChain));
      nat.append(ext, RuleBuilder{}
                          .comment("route LOCAL traffic for " + spn + " external destinations")
                          .module(datapath::AddrTypeMatch{true, "LOCAL", false})
                          .jump(plan.cluster_chain));
    }
    if (plan.has_external_endpoints) nat.append(ext, RuleBuilder{}.jump(plan.external_policy_chain));
  }

  // Source-range firewall for load-balancer IPs.
  if (plan.uses_firewall_chain) {
    const std::string& fw = plan.firewall_chain;
    bool allow_from_node = false;
    for (const auto& range : svc.load_balancer_source_ranges) {
      nat.append(fw, RuleBuilder{}.comment(spn + " loadbalancer IP").src(range).jump(plan.external_chain));
      if (ctx.node.ip && range.contains(*ctx.node.ip)) allow_from_node = true;
    }
    // A node reaching a VIP-style LB IP that is local to it arrives with the LB IP as source.
    if (allow_from_node)
      for (auto ip : svc.load_balancer_ips)
        nat.append(fw, RuleBuilder{}.comment(spn + " loadbalancer IP").src(ip).jump(plan.external_chain));
    // Not DNATed here: KUBE-PROXY-FIREWALL in the filter table drops it.
    nat.append(fw, RuleBuilder{}
                       .comment("other traffic to " + spn + " will be dropped by KUBE-PROXY-FIREWALL")
                       .no_target());
  }

  // Endpoint dispatch (after the masquerade rule in the internal chain).
  if (plan.uses_cluster_chain) write_endpoint_dispatch(ctx, plan, plan.cluster_chain, plan.endpoints.cluster);
  if (plan.uses_local_chain) write_endpoint_dispatch(ctx, plan, plan.local_chain, plan.endpoints.local);

  for (const auto* e : plan.endpoints.reachable) write_endpoint_chain(ctx, plan, *e);
}

}  // namespace packetwalk::model::kubeproxy::detail
