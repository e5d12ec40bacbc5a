// One service port in kube-proxy's nftables table, in syncProxyRules' order: endpoint and policy
// chains declared, map elements (service-ips, service-nodeports, firewall-ips, no-endpoint-*),
// then the rules of the service, external, firewall and endpoint chains.

#include "nft_internal.h"
#include "packetwalk/model/kubeproxy/chain_names.h"

namespace packetwalk::model::kubeproxy::nftdetail {

namespace {

using datapath::NftElement;
using datapath::NftKey;

NftKey ip_port_key(net::Ipv4Address a, net::Protocol p, int port) {
  return NftKey{{a.value(), static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(port)}, 3};
}
NftKey port_key(net::Protocol p, int port) {
  return NftKey{{static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(port), 0}, 2};
}

// writeServiceToEndpointRules: affinity lookups first, then one numgen map over all endpoints.
void write_dispatch(SyncContext& ctx, const PortPlan& plan, const std::string& chain,
                    const std::vector<const kube::EndpointInfo*>& endpoints) {
  auto& t = ctx.table;
  if (plan.service->session_affinity_client_ip)
    for (const auto* e : endpoints) {
      const std::string base = endpoint_base(plan, *e);
      t.add_rule(chain, Rule{}.in_set(true, nft_affinity_set(base)).then(goto_chain(nft_endpoint_chain(base))));
    }
  datapath::NftNumgenVmap numgen;
  for (const auto* e : endpoints) numgen.targets.push_back(goto_chain(nft_endpoint_chain(endpoint_base(plan, *e))));
  t.add_rule(chain, Rule{}.add(std::move(numgen)).done());
}

}  // namespace

void write_service_port(SyncContext& ctx, const PortPlan& plan) {
  auto& t = ctx.table;
  const auto& svc = *plan.service;
  const int port = plan.port->port;
  const net::Ipv4Address cluster_ip = *svc.cluster_ip;
  const bool has_any = plan.endpoints.has_any;
  const bool affinity = svc.session_affinity_client_ip;

  // Chains, in the order ensureChain creates them.
  for (const auto* e : plan.endpoints.reachable) t.chain(nft_endpoint_chain(endpoint_base(plan, *e)));
  if (plan.uses_cluster_chain) t.chain(plan.cluster_chain);
  if (plan.uses_local_chain) t.chain(plan.local_chain);
  if (plan.uses_external_chain) t.chain(plan.external_chain);

  // Capture the ClusterIP.
  t.add_element(kClusterIPsSet, NftElement{{{cluster_ip.value(), 0, 0}, 1}, {}, {}});
  if (plan.has_internal_endpoints)
    t.add_element(kServiceIPsMap, NftElement{ip_port_key(cluster_ip, plan.protocol, port), {}, goto_chain(plan.internal_chain)});
  else
    t.add_element(kNoEndpointServicesMap, NftElement{ip_port_key(cluster_ip, plan.protocol, port), plan.spn, plan.internal_filter});

  // External IPs.
  for (auto ip : svc.external_ips) {
    if (has_any)
      t.add_element(kServiceIPsMap, NftElement{ip_port_key(ip, plan.protocol, port), {}, goto_chain(plan.external_chain)});
    if (!plan.has_external_endpoints)
      t.add_element(kNoEndpointServicesMap, NftElement{ip_port_key(ip, plan.protocol, port), plan.spn, plan.external_filter});
  }

  // Load-balancer IPs (and their source-range firewall).
  if (plan.uses_firewall_chain) t.chain(plan.firewall_chain);
  for (auto ip : svc.load_balancer_ips) {
    if (has_any)
      t.add_element(kServiceIPsMap, NftElement{ip_port_key(ip, plan.protocol, port), {}, goto_chain(plan.external_chain)});
    if (plan.uses_firewall_chain)
      t.add_element(kFirewallIPsMap, NftElement{ip_port_key(ip, plan.protocol, port), {}, goto_chain(plan.firewall_chain)});
  }
  if (!plan.has_external_endpoints)
    for (auto ip : svc.load_balancer_ips)
      t.add_element(kNoEndpointServicesMap, NftElement{ip_port_key(ip, plan.protocol, port), plan.spn, plan.external_filter});

  // NodePorts: never subject to loadBalancerSourceRanges.
  if (plan.port->node_port != 0) {
    if (has_any)
      t.add_element(kServiceNodePortsMap,
                    NftElement{port_key(plan.protocol, plan.port->node_port), {}, goto_chain(plan.external_chain)});
    if (!plan.has_external_endpoints)
      t.add_element(kNoEndpointNodePortsMap, NftElement{port_key(plan.protocol, plan.port->node_port), plan.spn, plan.external_filter});
  }

  // Internal traffic: masquerade sources that are not pods (they may come from off the cluster).
  if (plan.has_internal_endpoints) {
    if (ctx.config.masquerade_all)
      t.add_rule(plan.internal_chain, Rule{}.daddr(net::Cidr::host(cluster_ip)).then(jump_to(kMarkMasqChain)));
    else if (ctx.config.cluster_cidr)
      t.add_rule(plan.internal_chain, Rule{}
                                          .daddr(net::Cidr::host(cluster_ip))
                                          .saddr(*ctx.config.cluster_cidr, true)
                                          .then(jump_to(kMarkMasqChain)));
  }

  // External traffic.
  if (plan.uses_external_chain) {
    const std::string& ext = plan.external_chain;
    if (!svc.external_traffic_policy_local) {
      // Endpoints may be on another node: masquerade so replies come back through this one.
      t.add_rule(ext, Rule{}.then(jump_to(kMarkMasqChain)));
    } else {
      if (ctx.config.cluster_cidr)
        t.add_rule(ext, Rule{}
                            .saddr(*ctx.config.cluster_cidr)
                            .comment("short-circuit pod traffic")
                            .then(goto_chain(plan.cluster_chain)));
      t.add_rule(ext, Rule{}.fib_local(true).comment("masquerade local traffic").then(jump_to(kMarkMasqChain)));
      t.add_rule(ext, Rule{}.fib_local(true).comment("short-circuit local traffic").then(goto_chain(plan.cluster_chain)));
    }
    if (plan.has_external_endpoints) t.add_rule(ext, Rule{}.then(goto_chain(plan.external_policy_chain)));
  }

  if (plan.uses_firewall_chain) {
    std::vector<net::Cidr> sources = svc.load_balancer_source_ranges;
    bool allow_from_node = false;
    for (const auto& c : svc.load_balancer_source_ranges)
      if (ctx.node.ip && c.contains(*ctx.node.ip)) allow_from_node = true;
    // A node reaching a VIP-style LB IP that is local to it arrives with the LB IP as source.
    if (allow_from_node)
      for (auto ip : svc.load_balancer_ips) sources.push_back(net::Cidr::host(ip));
    t.add_rule(plan.firewall_chain, Rule{}.saddr_in(std::move(sources), true).then(verdict(NftVerdict::Kind::Drop)));
  }

  if (affinity)
    for (const auto* e : plan.endpoints.reachable) {
      auto& s = t.set(nft_affinity_set(endpoint_base(plan, *e)));
      s.key_type = {datapath::NftDataType::Ipv4Addr};
      s.dynamic = true;
      s.timeout_seconds = static_cast<std::uint32_t>(svc.affinity_timeout_seconds);
    }

  if (plan.uses_cluster_chain) write_dispatch(ctx, plan, plan.cluster_chain, plan.endpoints.cluster);
  if (plan.uses_local_chain) write_dispatch(ctx, plan, plan.local_chain, plan.endpoints.local);

  for (const auto* e : plan.endpoints.reachable) {
    const std::string base = endpoint_base(plan, *e);
    const std::string chain = nft_endpoint_chain(base);
    // Hairpin: an endpoint reaching itself through the Service must be SNATed.
    t.add_rule(chain, Rule{}.saddr(net::Cidr::host(e->ip)).then(jump_to(kMarkMasqChain)));
    if (affinity) t.add_rule(chain, Rule{}.add(datapath::NftSetUpdate{nft_affinity_set(base)}).done());
    t.add_rule(chain, Rule{}
                          .l4proto(plan.protocol)
                          .add(datapath::NftDnat{e->ip, static_cast<net::Port>(e->port)})
                          .done());
  }
}

}  // namespace packetwalk::model::kubeproxy::nftdetail
