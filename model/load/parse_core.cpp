// metadata, selectors and the small core kinds: Namespace, Node, ConfigMap.
#include "parsers.h"

namespace packetwalk::model::load::detail {

namespace {

kube::OwnerRef parse_owner_references(ParseContext& ctx, const Field& f) {
  kube::OwnerRef controller;
  read_list(ctx, f, [&](const Field& item) {
    MapReader ref(ctx, item, {"apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"});
    if (ref.boolean("controller").value_or(false)) {
      controller.kind = ref.string("kind").value_or("");
      controller.name = ref.string("name").value_or("");
    }
  });
  return controller;
}

}  // namespace

kube::ObjectMeta parse_metadata(ParseContext& ctx, const MapReader& root, bool cluster_scoped) {
  kube::ObjectMeta meta;
  meta.pos = root.pos();
  auto field = root.get("metadata");
  if (!field) return meta;
  MapReader m(ctx, *field,
              {"name", "generateName", "namespace", "labels", "annotations", "uid", "resourceVersion",
               "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
               "managedFields", "ownerReferences", "finalizers", "selfLink", "clusterName"});
  meta.name = m.string("name").value_or("");
  if (!cluster_scoped) meta.namespace_ = m.string("namespace").value_or("");
  if (auto labels = m.get("labels")) meta.labels = read_string_map(ctx, *labels);
  if (auto annotations = m.get("annotations")) meta.annotations = read_string_map(ctx, *annotations);
  if (auto owners = m.get("ownerReferences")) meta.owner = parse_owner_references(ctx, *owners);
  return meta;
}

kube::LabelSelector parse_label_selector(ParseContext& ctx, const Field& f) {
  kube::LabelSelector selector;
  MapReader m(ctx, f, {"matchLabels", "matchExpressions"});
  if (auto labels = m.get("matchLabels")) selector.match_labels = read_string_map(ctx, *labels);
  if (auto expressions = m.get("matchExpressions")) {
    read_list(ctx, *expressions, [&](const Field& item) {
      MapReader e(ctx, item, {"key", "operator", "values"});
      kube::LabelSelectorRequirement r;
      r.key = e.string("key").value_or("");
      r.op = e.string("operator").value_or("");
      if (auto values = e.get("values")) r.values = read_string_list(ctx, *values);
      selector.match_expressions.push_back(std::move(r));
    });
  }
  return selector;
}

net::Protocol parse_protocol(ParseContext& ctx, const MapReader& m) {
  auto field = m.get("protocol");
  if (!field) return net::Protocol::Tcp;
  auto name = read_enum(ctx, *field, {"SCTP", "TCP", "UDP"});
  return name ? *net::parse_kube_protocol(*name) : net::Protocol::Tcp;
}

kube::IntOrString parse_int_or_string(ParseContext& ctx, const Field& f) {
  auto value = read_int_or_string(ctx, f);
  if (!value) return {};
  if (auto* n = std::get_if<int>(&*value)) return kube::IntOrString::of(*n);
  return kube::IntOrString::of(std::get<std::string>(*value));
}

void parse_namespace(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  // Read only to check their fields: a Namespace carries nothing packetwalk uses beyond metadata.
  if (auto spec = root.get("spec")) [[maybe_unused]] MapReader check(ctx, *spec, {"finalizers"});
  kube::Namespace ns;
  finish_object(ctx, ns, std::move(meta));
  out.namespaces.push_back(std::move(ns));
}

namespace {

std::optional<net::Cidr> parse_cidr_field(ParseContext& ctx, const Field& f) {
  auto text = read_string(ctx, f);
  if (!text) return std::nullopt;
  if (auto cidr = net::Cidr::parse(*text)) return cidr;
  if (text->find(':') != std::string::npos) {
    ctx.error(f.pos, f.path, "IPv6 is not supported by packetwalk, got \"" + *text + "\"");
  } else {
    ctx.error(f.pos, f.path, "must be a valid IPv4 CIDR (e.g. 10.244.1.0/24), got \"" + *text + "\"");
  }
  return std::nullopt;
}

}  // namespace

void parse_node(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::Node node;
  if (auto spec_field = root.get("spec")) {
    MapReader spec(ctx, *spec_field,
                   {"podCIDR", "podCIDRs", "providerID", "taints", "unschedulable", "configSource", "externalID"});
    if (auto f = spec.get("podCIDR")) node.pod_cidr = parse_cidr_field(ctx, *f);
    if (auto f = spec.get("podCIDRs"); f && !node.pod_cidr) {
      // Dual-stack nodes list one CIDR per family; packetwalk models the IPv4 one.
      read_list(ctx, *f, [&](const Field& item) {
        if (!node.pod_cidr && item.node.IsScalar() && item.node.Scalar().find(':') == std::string::npos)
          node.pod_cidr = parse_cidr_field(ctx, item);
      });
    }
    node.unschedulable = spec.boolean("unschedulable").value_or(false);
  }
  if (auto status_field = root.get("status")) {
    MapReader status(ctx, *status_field, {"*"});
    if (auto addresses = status.get("addresses")) {
      read_list(ctx, *addresses, [&](const Field& item) {
        MapReader a(ctx, item, {"type", "address"});
        if (a.string("type").value_or("") != "InternalIP" || node.internal_ip) return;
        auto address_field = a.get("address");
        if (!address_field) return;
        auto text = read_string(ctx, *address_field);
        if (!text || text->find(':') != std::string::npos) return;  // IPv6 address of a dual-stack node
        node.internal_ip = net::Ipv4Address::parse(*text);
        if (!node.internal_ip)
          ctx.error(address_field->pos, address_field->path,
                    "must be a valid IPv4 address (e.g. 192.168.0.11), got \"" + *text + "\"");
      });
    }
  }
  finish_object(ctx, node, std::move(meta));
  out.nodes.push_back(std::move(node));
}

void parse_config_map(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::ConfigMap cm;
  if (auto data = root.get("data")) cm.data = read_string_map(ctx, *data);
  if (auto binary = root.get("binaryData")) read_string_map(ctx, *binary);
  root.boolean("immutable");
  finish_object(ctx, cm, std::move(meta));
  out.config_maps.push_back(std::move(cm));
}

}  // namespace packetwalk::model::load::detail
