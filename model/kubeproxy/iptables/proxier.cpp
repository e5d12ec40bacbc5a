// The iptables proxier's sync: decide per service port (plan_port, following syncProxyRules'
// preamble), then let the writers fill the chains. Endpoint categorisation follows
// pkg/proxy/topology.go.

#include "packetwalk/model/kubeproxy/iptables_proxier.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>

#include "iptables_internal.h"
#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kubeproxy/chain_names.h"

namespace packetwalk::model::kubeproxy {

std::string probability_text(std::size_t remaining) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0.10f", 1.0 / static_cast<double>(remaining));
  return buf;
}

datapath::StatisticMatch statistic_for(std::size_t remaining) {
  datapath::StatisticMatch m;
  m.written = probability_text(remaining);
  // The kernel stores what iptables parsed from kube-proxy's text, not the exact 1/n.
  m.threshold = datapath::statistic_threshold(std::strtod(m.written.c_str(), nullptr));
  return m;
}

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

EndpointCategories categorize_endpoints(const kube::ServiceInfo& service, const kube::ServicePortInfo& port,
                                        const std::string& node_name) {
  EndpointCategories out;
  auto is_local = [&](const kube::EndpointInfo& e) { return !node_name.empty() && e.node == node_name; };
  auto serving_terminating = [](const kube::EndpointInfo& e) { return e.serving && e.terminating; };
  const bool use_cluster = uses_cluster_endpoints(service, port);
  if (use_cluster) {
    for (const auto& e : port.endpoints)
      if (e.ready) out.cluster.push_back(&e);
    // No ready endpoint anywhere: fall back to ones still serving while terminating.
    if (out.cluster.empty())
      for (const auto& e : port.endpoints)
        if (serving_terminating(e)) out.cluster.push_back(&e);
    out.has_any = !out.cluster.empty();
  }
  if (!uses_local_endpoints(service, port)) {
    out.reachable = out.cluster;
    return out;
  }
  bool local_ready = false, local_serving_terminating = false;
  for (const auto& e : port.endpoints) {
    if (e.ready) {
      out.has_any = true;
      local_ready = local_ready || is_local(e);
    } else if (serving_terminating(e)) {
      out.has_any = true;
      local_serving_terminating = local_serving_terminating || is_local(e);
    }
  }
  for (const auto& e : port.endpoints) {
    if (!is_local(e)) continue;
    if (local_ready ? e.ready : (local_serving_terminating && serving_terminating(e))) out.local.push_back(&e);
  }
  if (!use_cluster) {
    out.reachable = out.local;
  } else if (local_ready || !local_serving_terminating) {
    out.reachable = out.cluster;  // holds every ready endpoint, so every local one too
  } else {
    // Local terminating endpoints are not in the cluster list: merge (kept in endpoint order).
    for (const auto& e : port.endpoints) {
      bool in_cluster = std::find(out.cluster.begin(), out.cluster.end(), &e) != out.cluster.end();
      bool in_local = std::find(out.local.begin(), out.local.end(), &e) != out.local.end();
      if (in_cluster || in_local) out.reachable.push_back(&e);
    }
  }
  return out;
}

namespace detail {

RuleBuilder& RuleBuilder::dport(int port) {
  for (auto it = rule_.modules.rbegin(); it != rule_.modules.rend(); ++it) {
    if (auto* m = std::get_if<datapath::PortMatch>(&*it)) {
      auto p = static_cast<net::Port>(port);
      m->dport = std::make_pair(p, p);
      break;
    }
  }
  return *this;
}

bool is_service_chain(const std::string& name) {
  for (const char* prefix : {"KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"})
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

datapath::Chain& declare_chain(datapath::Table& table, const std::string& name) {
  datapath::Chain& c = table.chain(name);
  c.rules.clear();
  return c;
}

PortPlan plan_port(const kube::ServiceInfo& service, const kube::ServicePortInfo& port, const SyncContext& ctx) {
  PortPlan p;
  p.service = &service;
  p.port = &port;
  p.spn = service_port_name(service.namespace_, service.name, port.name);
  p.protocol = port.protocol;
  p.cluster_ip = *service.cluster_ip;
  p.cluster_chain = svc_chain(p.spn, p.protocol);
  p.local_chain = svl_chain(p.spn, p.protocol);
  p.external_chain = ext_chain(p.spn, p.protocol);
  p.firewall_chain = fw_chain(p.spn, p.protocol);
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
  // The EXT chain exists even without external endpoints: it holds the short-circuit rules.
  p.uses_external_chain = has_any && externally_accessible(service, port);
  p.uses_firewall_chain =
      has_any && !service.load_balancer_ips.empty() && !service.load_balancer_source_ranges.empty();

  if (!has_any) {
    p.internal_filter_target = p.external_filter_target = "REJECT";
    p.internal_filter_comment = p.external_filter_comment = p.spn + " has no endpoints";
  } else {
    if (!p.has_internal_endpoints) {
      p.internal_filter_target = "DROP";
      p.internal_filter_comment = p.spn + " has no local endpoints";
    }
    if (!p.has_external_endpoints) {
      p.external_filter_target = "DROP";
      p.external_filter_comment = p.spn + " has no local endpoints";
    }
  }
  return p;
}

}  // namespace detail

void program_iptables(const kube::ServiceState& services, const ProxyNode& node, const ProxyConfig& config,
                      datapath::Netfilter& nf) {
  detail::SyncContext ctx{config, node, nf};
  ctx.mark = std::uint32_t{1} << config.masquerade_bit;
  ctx.localhost_nodeports = config.localhost_nodeports;
  if (!config.node_port_addresses.empty()) {
    // NewProxier: localhost NodePorts only if --nodeport-addresses includes IPv4 loopback.
    const auto loopback = net::Ipv4Address::from_octets(127, 0, 0, 1);
    bool has_loopback = std::any_of(config.node_port_addresses.begin(), config.node_port_addresses.end(),
                                    [&](const net::Cidr& c) { return c.contains(loopback); });
    if (!has_loopback) ctx.localhost_nodeports = false;
  }

  // kube-proxy's svcPortMap holds only Services with a ClusterIP; order by ServicePortName.
  std::vector<std::tuple<std::string, net::Protocol, const kube::ServiceInfo*, const kube::ServicePortInfo*>> ports;
  std::size_t total_endpoints = 0;
  for (const auto& s : services.services) {
    if (!s.cluster_ip) continue;
    for (const auto& p : s.ports) {
      ports.emplace_back(service_port_name(s.namespace_, s.name, p.name), p.protocol, &s, &p);
      total_endpoints += p.endpoints.size();
    }
  }
  std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  ctx.large_cluster = total_endpoints > config.large_cluster_threshold;

  detail::write_fixed_chains(ctx);
  detail::write_jump_rules(ctx);
  for (const auto& [spn, protocol, service, port] : ports) {
    detail::PortPlan plan = detail::plan_port(*service, *port, ctx);
    detail::write_service_filter(ctx, plan);
    detail::write_service_nat(ctx, plan);
  }
  detail::write_nodeports_tail(ctx);

  // A resync drops the service chains nothing uses any more (kube-proxy: ":CHAIN" + "-X CHAIN").
  for (auto it = nf.nat.chains.begin(); it != nf.nat.chains.end();) {
    if (detail::is_service_chain(it->first) && !ctx.active_nat_chains.count(it->first)) it = nf.nat.chains.erase(it);
    else ++it;
  }
}

void program_iptables(const kube::ServiceState& services, const kube::NodeInfo& node, const ProxyConfig& config,
                      datapath::Netfilter& nf) {
  program_iptables(services, ProxyNode{node.name, node.internal_ip}, config, nf);
}

}  // namespace packetwalk::model::kubeproxy
