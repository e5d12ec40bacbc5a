// The nftables proxier's sync: the fixed table (nft_setup.cpp), then each service port in
// ServicePortName order (nft_services.cpp), following syncProxyRules.

#include <algorithm>
#include <tuple>

#include "nft_internal.h"
#include "packetwalk/model/kubeproxy/chain_names.h"

namespace packetwalk::model::kubeproxy {

namespace nftdetail {

namespace {

bool externally_accessible(const kube::ServiceInfo& s, const kube::ServicePortInfo& p) {
  return p.node_port != 0 || !s.load_balancer_ips.empty() || !s.external_ips.empty();
}
bool uses_cluster_endpoints(const kube::ServiceInfo& s, const kube::ServicePortInfo& p) {
  return !s.internal_traffic_policy_local || externally_accessible(s, p);
}
bool uses_local_endpoints(const kube::ServiceInfo& s, const kube::ServicePortInfo& p) {
  return s.internal_traffic_policy_local || (s.external_traffic_policy_local && externally_accessible(s, p));
}

}  // namespace

std::string endpoint_base(const PortPlan& plan, const kube::EndpointInfo& e) {
  return nft_endpoint_base(plan.service->namespace_, plan.service->name, plan.protocol, plan.port->name, e.to_string());
}

PortPlan plan_port(const kube::ServiceInfo& service, const kube::ServicePortInfo& port, const SyncContext& ctx) {
  PortPlan p;
  p.service = &service;
  p.port = &port;
  p.spn = service_port_name(service.namespace_, service.name, port.name);
  p.protocol = port.protocol;
  const std::string base = nft_service_base(service.namespace_, service.name, port.protocol, port.name);
  p.cluster_chain = nft_service_chain(base);
  p.local_chain = nft_local_chain(base);
  p.external_chain = nft_external_chain(base);
  p.firewall_chain = nft_firewall_chain(base);
  p.endpoints = categorize_endpoints(service, port, ctx.node.name);
  const bool has_any = p.endpoints.has_any;

  p.uses_cluster_chain = !p.endpoints.cluster.empty() && uses_cluster_endpoints(service, port);
  p.uses_local_chain = !p.endpoints.local.empty() && uses_local_endpoints(service, port);
  p.internal_chain = p.cluster_chain;
  p.has_internal_endpoints = has_any;
  if (service.internal_traffic_policy_local) {
    p.internal_chain = p.local_chain;
    if (p.endpoints.local.empty()) p.has_internal_endpoints = false;
  }
  p.external_policy_chain = p.cluster_chain;
  p.has_external_endpoints = has_any;
  if (service.external_traffic_policy_local) {
    p.external_policy_chain = p.local_chain;
    if (p.endpoints.local.empty()) p.has_external_endpoints = false;
  }
  p.uses_external_chain = has_any && externally_accessible(service, port);
  p.uses_firewall_chain = !service.load_balancer_ips.empty() && !service.load_balancer_source_ranges.empty();
  // No endpoints anywhere: reject (connection refused); endpoints only elsewhere under a Local
  // policy: drop (the client times out).
  p.internal_filter = has_any ? verdict(NftVerdict::Kind::Drop) : goto_chain(kRejectChain);
  p.external_filter = p.internal_filter;
  return p;
}

}  // namespace nftdetail

void program_nftables(const kube::ServiceState& services, const ProxyNode& node, const ProxyConfig& config,
                      const std::vector<net::Cidr>& service_cidrs, datapath::NftRuleset& ruleset) {
  // A full sync: the table is rebuilt from nothing (what delete-and-recreate would leave).
  auto& tables = ruleset.tables;
  tables.erase(std::remove_if(tables.begin(), tables.end(),
                              [](const datapath::NftTable& t) { return t.family() == "ip" && t.name() == kNftTable; }),
               tables.end());
  datapath::NftTable& table = ruleset.table("ip", kNftTable);
  nftdetail::SyncContext ctx{config, node, table};
  ctx.mark = std::uint32_t{1} << config.masquerade_bit;
  ctx.match_all_nodeport_addresses = config.node_port_addresses.empty();
  nftdetail::write_setup(ctx, service_cidrs);

  std::vector<std::tuple<std::string, net::Protocol, const kube::ServiceInfo*, const kube::ServicePortInfo*>> ports;
  for (const auto& s : services.services) {
    if (!s.cluster_ip) continue;
    for (const auto& p : s.ports) ports.emplace_back(service_port_name(s.namespace_, s.name, p.name), p.protocol, &s, &p);
  }
  std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  for (const auto& [spn, protocol, service, port] : ports)
    nftdetail::write_service_port(ctx, nftdetail::plan_port(*service, *port, ctx));
  ruleset.link();
}

}  // namespace packetwalk::model::kubeproxy
