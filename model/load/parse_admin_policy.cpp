// AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and
// ClusterNetworkPolicy (v1alpha2). The CRDs' OpenAPI and CEL validations are checked here, where
// the positions are, with messages in the API server's words: priority 0-1000, the BANP singleton
// named "default", exactly one field per subject / peer / port, start < end, CIDRs that parse.
#include "parsers.h"

namespace packetwalk::model::load::detail {

namespace {

// Exactly-one-of objects (subject, peers, ports): report a mapping with none or several set.
void exactly_one(ParseContext& ctx, const Field& f, const MapReader& m, std::initializer_list<std::string_view> keys) {
  if (!m.is_map()) return;
  std::size_t set = 0;
  for (auto k : keys) set += m.get(k) ? 1 : 0;
  if (set == 1) return;
  std::string names;
  for (auto k : keys) names += (names.empty() ? "" : ", ") + std::string(k);
  ctx.error(f.pos, f.path,
            set == 0 ? "Invalid value: must have exactly one of " + names + " set (it has none)"
                     : "Invalid value: must have exactly one of " + names + " set (it has " + std::to_string(set) + ")");
}

kube::NamespacedPodSelector parse_namespaced_pod(ParseContext& ctx, const Field& f) {
  kube::NamespacedPodSelector out;
  MapReader m(ctx, f, {"namespaceSelector", "podSelector"});
  if (auto s = m.get("namespaceSelector")) out.namespace_selector = parse_label_selector(ctx, *s);
  if (auto s = m.get("podSelector")) out.pod_selector = parse_label_selector(ctx, *s);
  else if (m.is_map()) ctx.missing(f.pos, child_path(f.path, "podSelector"));
  return out;
}

int port_number(ParseContext& ctx, const MapReader& m, std::string_view key, const Field& parent) {
  auto f = m.get(key);
  if (!f) {
    ctx.missing(parent.pos, child_path(parent.path, key));
    return 0;
  }
  auto n = read_int(ctx, *f);
  if (n && (*n < 1 || *n > 65535)) {
    ctx.error(f->pos, f->path, "Invalid value: " + std::to_string(*n) + ": should be between 1 and 65535");
  }
  return n.value_or(0);
}

void check_range(ParseContext& ctx, const Field& f, int start, int end) {
  if (start > 0 && end > 0 && start >= end)
    ctx.error(f.pos, f.path, "Invalid value: Start port must be less than End port (start " + std::to_string(start) +
                                 ", end " + std::to_string(end) + ")");
}

// v1alpha1: {portNumber: {protocol, port}} | {namedPort: name} | {portRange: {protocol, start, end}}
kube::AdminPort parse_v1alpha1_port(ParseContext& ctx, const Field& f) {
  kube::AdminPort port;
  MapReader m(ctx, f, {"portNumber", "namedPort", "portRange"});
  exactly_one(ctx, f, m, {"portNumber", "namedPort", "portRange"});
  if (auto n = m.get("portNumber")) {
    MapReader pm(ctx, *n, {"protocol", "port"});
    port.protocol = parse_protocol(ctx, pm);
    port.start = port.end = port_number(ctx, pm, "port", *n);
  } else if (auto name = m.get("namedPort")) {
    port.named_port = read_string(ctx, *name).value_or("");
  } else if (auto r = m.get("portRange")) {
    MapReader rm(ctx, *r, {"protocol", "start", "end"});
    port.protocol = parse_protocol(ctx, rm);
    port.start = port_number(ctx, rm, "start", *r);
    port.end = port_number(ctx, rm, "end", *r);
    check_range(ctx, *r, port.start, port.end);
  }
  return port;
}

// v1alpha2: {tcp|udp|sctp: {destinationPort: {number | range: {start, end}}}} | {destinationNamedPort}
kube::AdminPort parse_v1alpha2_protocol(ParseContext& ctx, const Field& f) {
  kube::AdminPort port;
  MapReader m(ctx, f, {"tcp", "udp", "sctp", "destinationNamedPort"});
  exactly_one(ctx, f, m, {"tcp", "udp", "sctp", "destinationNamedPort"});
  if (auto name = m.get("destinationNamedPort")) {
    port.named_port = read_string(ctx, *name).value_or("");
    return port;
  }
  for (auto [key, proto] : {std::pair{"tcp", net::Protocol::Tcp}, std::pair{"udp", net::Protocol::Udp},
                            std::pair{"sctp", net::Protocol::Sctp}}) {
    auto p = m.get(key);
    if (!p) continue;
    port.protocol = proto;
    MapReader pm(ctx, *p, {"destinationPort"});
    auto dst = pm.get("destinationPort");
    if (!dst) {
      // MinProperties=1 on the protocol object.
      if (pm.is_map()) ctx.missing(p->pos, child_path(p->path, "destinationPort"));
      port.start = 1;
      port.end = 65535;
      return port;
    }
    MapReader dm(ctx, *dst, {"number", "range"});
    exactly_one(ctx, *dst, dm, {"number", "range"});
    if (dm.get("number")) {
      port.start = port.end = port_number(ctx, dm, "number", *dst);
    } else if (auto r = dm.get("range")) {
      MapReader rm(ctx, *r, {"start", "end"});
      port.start = port_number(ctx, rm, "start", *r);
      port.end = port_number(ctx, rm, "end", *r);
      check_range(ctx, *r, port.start, port.end);
    }
  }
  return port;
}

kube::AdminPeer parse_peer(ParseContext& ctx, const Field& f, bool egress) {
  kube::AdminPeer peer;
  // Ingress peers are namespaces and pods only; nodes and networks are egress-only fields, so
  // an ingress peer using them is an unknown field (warned) and the peer fails closed.
  const std::initializer_list<std::string_view> egress_keys = {"namespaces", "pods", "nodes", "networks"};
  const std::initializer_list<std::string_view> ingress_keys = {"namespaces", "pods"};
  MapReader m(ctx, f, egress ? egress_keys : ingress_keys);
  if (!m.is_map()) return peer;
  std::size_t set = 0;
  for (auto k : egress ? egress_keys : ingress_keys) set += m.get(k) ? 1 : 0;
  if (set > 1) exactly_one(ctx, f, m, egress ? egress_keys : ingress_keys);
  if (auto s = m.get("namespaces")) peer.namespaces = parse_label_selector(ctx, *s);
  if (auto s = m.get("pods")) peer.pods = parse_namespaced_pod(ctx, *s);
  if (!egress) return peer;
  if (auto s = m.get("nodes")) peer.nodes = parse_label_selector(ctx, *s);
  if (auto n = m.get("networks")) {
    peer.networks = read_string_list(ctx, *n);
    for (std::size_t i = 0; i < peer.networks->size(); ++i) {
      const auto& text = (*peer.networks)[i];
      if (!net::Cidr::parse(text)) {
        const auto path = item_path(n->path, i);
        ctx.error(ctx.pos(n->node[i]), path, "Invalid value: \"" + text + "\": Invalid CIDR format provided");
      }
    }
    if (peer.networks->empty()) ctx.error(n->pos, n->path, "Invalid value: must have at least 1 item");
  }
  return peer;
}

struct KindRules {
  std::string_view ports_key;                          // "ports" (v1alpha1) or "protocols" (v1alpha2)
  std::vector<std::string_view> actions;               // the closed set of the kind
  bool v1alpha2 = false;
};

std::vector<kube::AdminRule> parse_rules(ParseContext& ctx, const MapReader& spec, std::string_view key, bool egress,
                                         const KindRules& kind) {
  std::vector<kube::AdminRule> rules;
  auto f = spec.get(key);
  if (!f) return rules;
  const std::string_view peers_key = egress ? "to" : "from";
  read_list(ctx, *f, [&](const Field& item) {
    MapReader r(ctx, item, {"name", "action", peers_key, kind.ports_key});
    kube::AdminRule rule;
    rule.name = r.string("name").value_or("");
    if (rule.name.size() > 100)
      ctx.error(item.pos, child_path(item.path, "name"), "Too long: may not be more than 100 bytes");
    if (auto a = r.get("action")) {
      rule.action_text = read_enum(ctx, *a, std::span<const std::string_view>(kind.actions)).value_or("");
      rule.action = rule.action_text == "Deny"   ? kube::AdminAction::Deny
                    : rule.action_text == "Pass" ? kube::AdminAction::Pass
                                                 : kube::AdminAction::Accept;
      if (rule.action_text.empty()) rule.action = kube::AdminAction::Deny;  // error reported; fail closed
    } else if (r.is_map()) {
      ctx.missing(item.pos, child_path(item.path, "action"));
    }
    if (auto peers = r.get(peers_key)) {
      read_list(ctx, *peers, [&](const Field& p) { rule.peers.push_back(parse_peer(ctx, p, egress)); });
      if (rule.peers.empty()) ctx.error(peers->pos, peers->path, "Invalid value: must have at least 1 item");
    } else if (r.is_map()) {
      ctx.missing(item.pos, child_path(item.path, peers_key));
    }
    if (auto ports = r.get(kind.ports_key)) {
      rule.ports.emplace();
      read_list(ctx, *ports, [&](const Field& p) {
        rule.ports->push_back(kind.v1alpha2 ? parse_v1alpha2_protocol(ctx, p) : parse_v1alpha1_port(ctx, p));
      });
      if (rule.ports->empty()) ctx.error(ports->pos, ports->path, "Invalid value: must have at least 1 item");
    }
    rules.push_back(std::move(rule));
  });
  const std::size_t max = kind.v1alpha2 ? 25 : 100;
  if (rules.size() > max)
    ctx.error(f->pos, f->path, "Too many: " + std::to_string(rules.size()) + ": must have at most " + std::to_string(max) + " items");
  return rules;
}

void parse_subject(ParseContext& ctx, const MapReader& spec, kube::AdminNetworkPolicy& p) {
  auto f = spec.get("subject");
  if (!f) {
    ctx.missing(spec.pos(), child_path(spec.path(), "subject"));
    return;
  }
  MapReader m(ctx, *f, {"namespaces", "pods"});
  exactly_one(ctx, *f, m, {"namespaces", "pods"});
  if (auto s = m.get("namespaces")) p.subject_namespaces = parse_label_selector(ctx, *s);
  if (auto s = m.get("pods")) p.subject_pods = parse_namespaced_pod(ctx, *s);
}

void parse_priority(ParseContext& ctx, const MapReader& spec, kube::AdminNetworkPolicy& p) {
  auto f = spec.get("priority");
  if (!f) {
    ctx.missing(spec.pos(), child_path(spec.path(), "priority"));
    return;
  }
  auto n = read_int(ctx, *f);
  if (!n) return;
  if (*n < 0 || *n > 1000)
    ctx.error(f->pos, f->path, "Invalid value: " + std::to_string(*n) + ": spec.priority in body should be " +
                                   (*n < 0 ? "greater than or equal to 0" : "less than or equal to 1000"));
  p.priority = *n;
}

void parse_admin(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out,
                 std::string_view kind) {
  kube::AdminNetworkPolicy p;
  const bool cnp = kind == "ClusterNetworkPolicy";
  const bool banp = kind == "BaselineAdminNetworkPolicy";
  KindRules rules{cnp ? "protocols" : "ports", {"Allow", "Deny", "Pass"}, cnp};
  if (cnp) rules.actions = {"Accept", "Deny", "Pass"};
  if (banp) rules.actions = {"Allow", "Deny"};
  if (banp && meta.name != "default") {
    // The CRD's CEL rule: the BANP is a singleton.
    ctx.error(meta.pos, "metadata.name", "Invalid value: \"" + meta.name + "\": Only one baseline admin network policy with metadata.name=\"default\" can be created in the cluster");
  }
  p.tier = banp ? kube::AdminTier::Baseline : kube::AdminTier::Admin;
  if (auto spec_field = root.get("spec")) {
    std::initializer_list<std::string_view> fields = {"priority", "subject", "ingress", "egress"};
    std::initializer_list<std::string_view> banp_fields = {"subject", "ingress", "egress"};
    std::initializer_list<std::string_view> cnp_fields = {"tier", "priority", "subject", "ingress", "egress"};
    MapReader spec(ctx, *spec_field, cnp ? cnp_fields : banp ? banp_fields : fields);
    if (cnp) {
      if (auto t = spec.get("tier")) {
        p.tier = read_enum(ctx, *t, {"Admin", "Baseline"}).value_or("Admin") == "Baseline" ? kube::AdminTier::Baseline
                                                                                           : kube::AdminTier::Admin;
      } else if (spec.is_map()) {
        ctx.missing(spec.pos(), child_path(spec.path(), "tier"));
      }
    }
    if (!banp && spec.is_map()) parse_priority(ctx, spec, p);
    if (spec.is_map()) parse_subject(ctx, spec, p);
    p.ingress = parse_rules(ctx, spec, "ingress", false, rules);
    p.egress = parse_rules(ctx, spec, "egress", true, rules);
  } else {
    ctx.missing(root.pos(), "spec");
  }
  finish_object(ctx, p, std::move(meta));
  out.admin_policies.push_back(std::move(p));
}

}  // namespace

void parse_admin_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  parse_admin(ctx, root, std::move(meta), out, "AdminNetworkPolicy");
}

void parse_baseline_admin_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta,
                                         ManifestSet& out) {
  parse_admin(ctx, root, std::move(meta), out, "BaselineAdminNetworkPolicy");
}

void parse_cluster_network_policy(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  parse_admin(ctx, root, std::move(meta), out, "ClusterNetworkPolicy");
}

}  // namespace packetwalk::model::load::detail
