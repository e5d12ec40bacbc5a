// Validation of Service, EndpointSlice and NetworkPolicy.
#include <set>
#include <tuple>

#include "packetwalk/model/kube/validate.h"
#include "validate_common.h"

namespace packetwalk::model::kube {

namespace {

using detail::Checker;
using detail::quoted;

std::string index_path(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

bool looks_ipv6(std::string_view s) { return s.find(':') != std::string_view::npos; }

void check_ipv4(Checker& c, const std::string& path, const std::string& value) {
  if (net::Ipv4Address::parse(value)) return;
  if (looks_ipv6(value)) c.error(path, "IPv6 is not supported by packetwalk, got " + quoted(value));
  else c.error(path, "must be a valid IPv4 address (e.g. 10.9.8.7), got " + quoted(value));
}

std::optional<net::Cidr> check_cidr(Checker& c, const std::string& path, const std::string& value) {
  if (auto cidr = net::Cidr::parse(value)) return cidr;
  if (looks_ipv6(value)) c.error(path, "IPv6 is not supported by packetwalk, got " + quoted(value));
  else c.error(path, "must be a valid IPv4 CIDR (e.g. 10.9.8.0/24), got " + quoted(value));
  return std::nullopt;
}

void check_int_or_name_port(Checker& c, const std::string& path, const IntOrString& port) {
  if (port.is_string) c.syntax(path, port.text, iana_svc_name_error(port.text));
  else c.port_number(path, port.number);
}

void validate_service_ports(Checker& c, const Service& svc) {
  std::set<std::string> names;
  std::set<std::pair<int, net::Protocol>> ports;
  std::set<std::pair<int, net::Protocol>> node_ports;
  for (std::size_t i = 0; i < svc.ports.size(); ++i) {
    const auto& p = svc.ports[i];
    std::string at = index_path("spec.ports", i);
    if (p.name.empty()) {
      if (svc.ports.size() > 1) c.error(at + ".name", "required value (Services with several ports must name each)");
    } else {
      c.syntax(at + ".name", p.name, dns1123_label_error(p.name));
      if (!names.insert(p.name).second) c.error(at + ".name", "duplicate port name " + quoted(p.name));
    }
    c.port_number(at + ".port", p.port);
    if (!ports.insert({p.port, p.protocol}).second)
      c.error(at, "duplicate port " + std::to_string(p.port) + "/" + std::string(net::kube_name(p.protocol)));
    // 0 is only left when `port` itself was missing or unreadable (the loader reported that).
    if (p.target_port.is_string || p.target_port.number != 0) check_int_or_name_port(c, at + ".targetPort", p.target_port);
    if (p.node_port != 0) {
      if (svc.type != ServiceType::NodePort && svc.type != ServiceType::LoadBalancer) {
        c.error(at + ".nodePort", "may not be used when `type` is '" + std::string(to_string(svc.type)) + "'");
      } else if (p.node_port < 30000 || p.node_port > 32767) {
        c.error(at + ".nodePort", "provided port is not in the valid range 30000-32767, got " +
                                      std::to_string(p.node_port));
      } else if (!node_ports.insert({p.node_port, p.protocol}).second) {
        c.error(at + ".nodePort", "duplicate nodePort " + std::to_string(p.node_port));
      }
    }
  }
}

}  // namespace

void validate_object(const Service& svc, load::Diagnostics& diags) {
  Checker c(svc.meta, diags);
  detail::validate_meta(c, detail::NameRule::Dns1035Label);
  detail::validate_labels(c, svc.selector, "spec.selector");
  if (svc.type == ServiceType::ExternalName) {
    if (svc.external_name.empty()) {
      c.error("spec.externalName", "required value for ExternalName services");
    } else {
      std::string_view name = svc.external_name;
      if (name.back() == '.') name.remove_suffix(1);
      c.syntax("spec.externalName", svc.external_name, dns1123_subdomain_error(name));
    }
    if (!svc.cluster_ip.empty()) c.error("spec.clusterIP", "may not be set for ExternalName services");
  } else {
    if (svc.ports.empty() && !svc.headless()) c.error("spec.ports", "required value");
    if (svc.headless() && (svc.type == ServiceType::NodePort || svc.type == ServiceType::LoadBalancer))
      c.error("spec.clusterIP", "may not be set to 'None' for " + std::string(to_string(svc.type)) + " services");
    if (!svc.cluster_ip.empty() && !svc.headless()) check_ipv4(c, "spec.clusterIP", svc.cluster_ip);
  }
  validate_service_ports(c, svc);
  if (svc.session_affinity == SessionAffinity::ClientIP &&
      (svc.session_affinity_timeout_seconds < 1 || svc.session_affinity_timeout_seconds > 86400))
    c.error("spec.sessionAffinityConfig.clientIP.timeoutSeconds",
            "must be between 1 and 86400, got " + std::to_string(svc.session_affinity_timeout_seconds));
  if (svc.external_traffic_policy == TrafficPolicy::Local && svc.type != ServiceType::NodePort &&
      svc.type != ServiceType::LoadBalancer)
    c.error("spec.externalTrafficPolicy", "may only be set when `type` is 'NodePort' or 'LoadBalancer'");
  for (std::size_t i = 0; i < svc.external_ips.size(); ++i)
    check_ipv4(c, index_path("spec.externalIPs", i), svc.external_ips[i]);
  if (!svc.load_balancer_ip.empty()) check_ipv4(c, "spec.loadBalancerIP", svc.load_balancer_ip);
  for (std::size_t i = 0; i < svc.load_balancer_source_ranges.size(); ++i)
    check_cidr(c, index_path("spec.loadBalancerSourceRanges", i), svc.load_balancer_source_ranges[i]);
  if (svc.health_check_node_port != 0) c.port_number("spec.healthCheckNodePort", svc.health_check_node_port);
}

void validate_object(const EndpointSlice& slice, load::Diagnostics& diags) {
  Checker c(slice.meta, diags);
  detail::validate_meta(c, detail::NameRule::Dns1123Subdomain);
  if (slice.service_name.empty())
    c.warning("metadata.labels", "no \"kubernetes.io/service-name\" label; kube-proxy ignores this EndpointSlice");
  for (std::size_t i = 0; i < slice.endpoints.size(); ++i) {
    const auto& e = slice.endpoints[i];
    std::string at = index_path("endpoints", i);
    if (e.addresses.empty() || e.addresses.size() > 100)
      c.error(at + ".addresses", "must contain at least 1 and at most 100 addresses");
    for (std::size_t a = 0; a < e.addresses.size(); ++a) {
      std::string path = index_path(at + ".addresses", a);
      if (slice.address_type == "IPv4") check_ipv4(c, path, e.addresses[a]);
      else if (slice.address_type == "FQDN") c.syntax(path, e.addresses[a], dns1123_subdomain_error(e.addresses[a]));
    }
    if (!e.hostname.empty()) c.syntax(at + ".hostname", e.hostname, dns1123_label_error(e.hostname));
    if (!e.node_name.empty()) c.syntax(at + ".nodeName", e.node_name, dns1123_subdomain_error(e.node_name));
  }
  if (slice.address_type == "IPv6")
    c.warning("addressType", "IPv6 is not supported by packetwalk; this EndpointSlice is ignored");
  std::set<std::string> names;
  for (std::size_t i = 0; i < slice.ports.size(); ++i) {
    const auto& p = slice.ports[i];
    std::string at = index_path("ports", i);
    if (!p.name.empty()) c.syntax(at + ".name", p.name, dns1123_label_error(p.name));
    if (!names.insert(p.name).second) c.error(at + ".name", "duplicate port name " + quoted(p.name));
    if (p.port) c.port_number(at + ".port", *p.port);
  }
}

namespace {

void validate_peer(Checker& c, const NetworkPolicyPeer& peer, const std::string& at) {
  int kinds = (peer.pod_selector || peer.namespace_selector ? 1 : 0) + (peer.ip_block ? 1 : 0);
  if (kinds == 0) c.error(at, "must specify a peer (podSelector, namespaceSelector or ipBlock)");
  if (kinds > 1) c.error(at, "may not specify both ipBlock and another peer");
  if (peer.pod_selector) detail::validate_selector(c, *peer.pod_selector, at + ".podSelector");
  if (peer.namespace_selector) detail::validate_selector(c, *peer.namespace_selector, at + ".namespaceSelector");
  if (!peer.ip_block) return;
  const auto& block = *peer.ip_block;
  if (block.cidr.empty()) {
    c.error(at + ".ipBlock.cidr", "required value");
    return;
  }
  auto cidr = check_cidr(c, at + ".ipBlock.cidr", block.cidr);
  // The API server accepts host bits here (it parses CIDRs "sloppily") and matches the network.
  if (cidr && cidr->has_host_bits())
    c.warning(at + ".ipBlock.cidr", "has host bits set; it means " +
                                        net::Cidr(cidr->network(), cidr->prefix_length()).to_string() + ", got " +
                                        quoted(block.cidr));
  for (std::size_t i = 0; i < block.except.size(); ++i) {
    std::string path = index_path(at + ".ipBlock.except", i);
    auto except = check_cidr(c, path, block.except[i]);
    if (cidr && except && !(cidr->contains(*except) && except->prefix_length() > cidr->prefix_length()))
      c.error(path, "must be a strict subset of `cidr` " + quoted(block.cidr) + ", got " + quoted(block.except[i]));
  }
}

void validate_policy_port(Checker& c, const NetworkPolicyPort& port, const std::string& at) {
  if (port.port) {
    if (port.port->is_string) c.syntax(at + ".port", port.port->text, iana_svc_name_error(port.port->text));
    else c.port_number(at + ".port", port.port->number);
  }
  if (!port.end_port) return;
  if (!port.port) c.error(at + ".endPort", "may not be specified when `port` is not specified");
  else if (port.port->is_string) c.error(at + ".endPort", "may not be specified when `port` is non-numeric");
  else if (*port.end_port < port.port->number)
    c.error(at + ".endPort", "must be greater than or equal to `port` (" + std::to_string(port.port->number) +
                                 "), got " + std::to_string(*port.end_port));
  else c.port_number(at + ".endPort", *port.end_port);
}

void validate_rules(Checker& c, const std::optional<std::vector<NetworkPolicyRule>>& rules, const std::string& key,
                    const std::string& peers_key) {
  if (!rules) return;
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const auto& rule = (*rules)[i];
    std::string at = index_path("spec." + key, i);
    if (rule.peers)
      for (std::size_t p = 0; p < rule.peers->size(); ++p)
        validate_peer(c, (*rule.peers)[p], index_path(at + "." + peers_key, p));
    if (rule.ports)
      for (std::size_t p = 0; p < rule.ports->size(); ++p)
        validate_policy_port(c, (*rule.ports)[p], index_path(at + ".ports", p));
  }
}

}  // namespace

void validate_object(const NetworkPolicy& np, load::Diagnostics& diags) {
  Checker c(np.meta, diags);
  detail::validate_meta(c, detail::NameRule::Dns1123Subdomain);
  detail::validate_selector(c, np.pod_selector, "spec.podSelector");
  if (np.policy_types) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < np.policy_types->size(); ++i) {
      const auto& t = (*np.policy_types)[i];
      std::string at = index_path("spec.policyTypes", i);
      if (t != "Ingress" && t != "Egress")
        c.error(at, "Unsupported value: " + quoted(t) + ": supported values: \"Egress\", \"Ingress\"");
      else if (!seen.insert(t).second)
        c.error(at, "duplicate value " + quoted(t));
    }
  }
  validate_rules(c, np.ingress, "ingress", "from");
  validate_rules(c, np.egress, "egress", "to");
}

}  // namespace packetwalk::model::kube
