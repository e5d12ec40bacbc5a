// NetworkPolicy (networking.k8s.io/v1), keeping "absent" apart from "empty list" everywhere.
#include "parsers.h"

namespace packetwalk::model::load::detail {

namespace {

kube::NetworkPolicyPeer parse_peer(ParseContext& ctx, const Field& f) {
  kube::NetworkPolicyPeer peer;
  MapReader m(ctx, f, {"podSelector", "namespaceSelector", "ipBlock"});
  if (auto s = m.get("podSelector")) peer.pod_selector = parse_label_selector(ctx, *s);
  if (auto s = m.get("namespaceSelector")) peer.namespace_selector = parse_label_selector(ctx, *s);
  if (auto b = m.get("ipBlock")) {
    MapReader block(ctx, *b, {"cidr", "except"});
    kube::IpBlock ip_block;
    ip_block.cidr = block.string("cidr").value_or("");
    if (auto except = block.get("except")) ip_block.except = read_string_list(ctx, *except);
    peer.ip_block = std::move(ip_block);
  }
  return peer;
}

kube::NetworkPolicyPort parse_policy_port(ParseContext& ctx, const Field& f) {
  kube::NetworkPolicyPort port;
  MapReader m(ctx, f, {"protocol", "port", "endPort"});
  port.protocol = parse_protocol(ctx, m);
  if (auto p = m.get("port")) port.port = parse_int_or_string(ctx, *p);
  port.end_port = m.integer("endPort");
  return port;
}

// `peers_key` is "from" for ingress rules, "to" for egress rules.
std::optional<std::vector<kube::NetworkPolicyRule>> parse_rules(ParseContext& ctx, const MapReader& spec,
                                                                std::string_view key, std::string_view peers_key) {
  auto f = spec.get(key);
  if (!f) return std::nullopt;
  std::vector<kube::NetworkPolicyRule> rules;
  read_list(ctx, *f, [&](const Field& item) {
    MapReader r(ctx, item, {peers_key, "ports"});
    kube::NetworkPolicyRule rule;
    if (auto peers = r.get(peers_key)) {
      rule.peers.emplace();
      read_list(ctx, *peers, [&](const Field& p) { rule.peers->push_back(parse_peer(ctx, p)); });
    }
    if (auto ports = r.get("ports")) {
      rule.ports.emplace();
      read_list(ctx, *ports, [&](const Field& p) { rule.ports->push_back(parse_policy_port(ctx, p)); });
    }
    rules.push_back(std::move(rule));
  });
  return rules;
}

}  // namespace

void parse_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::NetworkPolicy np;
  if (auto spec_field = root.get("spec")) {
    MapReader spec(ctx, *spec_field, {"podSelector", "policyTypes", "ingress", "egress"});
    if (auto selector = spec.get("podSelector")) np.pod_selector = parse_label_selector(ctx, *selector);
    if (auto types = spec.get("policyTypes")) np.policy_types = read_string_list(ctx, *types);
    np.ingress = parse_rules(ctx, spec, "ingress", "from");
    np.egress = parse_rules(ctx, spec, "egress", "to");
  }
  finish_object(ctx, np, std::move(meta));
  out.network_policies.push_back(std::move(np));
}

}  // namespace packetwalk::model::load::detail
