// The filter-table rules of one service port: REJECT (no endpoints at all: "connection refused")
// or DROP (no local endpoints for a Local policy: a timeout) for the addresses nat did not
// capture, the DROP behind KUBE-FW for load-balancer traffic outside the source ranges, and the
// ACCEPT for the health-check NodePort.

#include "iptables_internal.h"

namespace packetwalk::model::kubeproxy::detail {

namespace {

datapath::Target verdict(const std::string& target) {
  if (target == "REJECT") return datapath::RejectTarget{};
  return datapath::DropTarget{};
}

}  // namespace

void write_service_filter(SyncContext& ctx, const PortPlan& plan) {
  auto& filter = ctx.nf.filter;
  const auto& svc = *plan.service;
  const int port = plan.port->port;

  if (!plan.has_internal_endpoints)
    filter.append(kServicesChain, RuleBuilder{}
                                      .comment(plan.internal_filter_comment)
                                      .proto(plan.protocol)
                                      .dst(plan.cluster_ip)
                                      .dport(port)
                                      .target(verdict(plan.internal_filter_target)));

  if (!plan.has_external_endpoints)
    for (auto ip : svc.external_ips)
      filter.append(kExternalServicesChain, RuleBuilder{}
                                                .comment(plan.external_filter_comment)
                                                .proto(plan.protocol)
                                                .dst(ip)
                                                .dport(port)
                                                .target(verdict(plan.external_filter_target)));

  if (plan.uses_firewall_chain)
    for (auto ip : svc.load_balancer_ips)
      filter.append(kProxyFirewallChain, RuleBuilder{}
                                             .comment(plan.spn + " traffic not accepted by " + plan.firewall_chain)
                                             .proto(plan.protocol)
                                             .dst(ip)
                                             .dport(port)
                                             .target(datapath::DropTarget{}));
  if (!plan.has_external_endpoints)
    for (auto ip : svc.load_balancer_ips)
      filter.append(kExternalServicesChain, RuleBuilder{}
                                                .comment(plan.external_filter_comment)
                                                .proto(plan.protocol)
                                                .dst(ip)
                                                .dport(port)
                                                .target(verdict(plan.external_filter_target)));

  if (plan.port->node_port != 0 && !plan.has_external_endpoints)
    filter.append(kExternalServicesChain, RuleBuilder{}
                                              .comment(plan.external_filter_comment)
                                              .module(datapath::AddrTypeMatch{false, "LOCAL", false})
                                              .proto(plan.protocol)
                                              .dport(plan.port->node_port)
                                              .target(verdict(plan.external_filter_target)));

  // Health checks are answered whether or not this node has local endpoints (200 vs 503).
  if (svc.health_check_node_port != 0)
    filter.append(kNodePortsChain, RuleBuilder{}
                                       .comment(plan.spn + " health check node port")
                                       .proto(net::Protocol::Tcp)
                                       .dport(svc.health_check_node_port)
                                       .target(datapath::AcceptTarget{}));
}

}  // namespace packetwalk::model::kubeproxy::detail
