// Service and EndpointSlice.
#include "parsers.h"

namespace packetwalk::model::load::detail {

namespace {

kube::ServicePort parse_service_port(ParseContext& ctx, const Field& f) {
  kube::ServicePort port;
  MapReader m(ctx, f, {"appProtocol", "name", "nodePort", "port", "protocol", "targetPort"});
  port.name = m.string("name").value_or("");
  port.protocol = parse_protocol(ctx, m);
  if (auto value = m.get("port")) port.port = read_int(ctx, *value).value_or(0);
  else if (m.is_map()) ctx.missing(f.pos, child_path(f.path, "port"));
  // The API server defaults targetPort to the port number when it is absent, 0 or "".
  if (auto target = m.get("targetPort")) port.target_port = parse_int_or_string(ctx, *target);
  if (port.target_port == kube::IntOrString{} || port.target_port == kube::IntOrString::of(std::string()))
    port.target_port = kube::IntOrString::of(port.port);
  port.node_port = m.integer("nodePort").value_or(0);
  port.app_protocol = m.string("appProtocol").value_or("");
  return port;
}

template <typename E>
E read_choice(ParseContext& ctx, const MapReader& m, std::string_view key, E fallback,
              std::initializer_list<std::pair<std::string_view, E>> choices) {
  auto f = m.get(key);
  if (!f) return fallback;
  auto text = read_string(ctx, *f);
  if (!text) return fallback;
  for (const auto& [name, value] : choices)
    if (*text == name) return value;
  std::string list;
  for (const auto& [name, value] : choices) list += std::string(list.empty() ? "" : ", ") + "\"" + std::string(name) + "\"";
  ctx.error(f->pos, f->path, "Unsupported value: \"" + *text + "\": supported values: " + list);
  return fallback;
}

void parse_service_status(ParseContext& ctx, const Field& f, kube::Service& svc) {
  MapReader status(ctx, f, {"*"});
  auto lb_field = status.get("loadBalancer");
  if (!lb_field) return;
  MapReader lb(ctx, *lb_field, {"ingress"});
  if (auto ingress = lb.get("ingress")) {
    read_list(ctx, *ingress, [&](const Field& item) {
      MapReader i(ctx, item, {"ip", "hostname", "ipMode", "ports"});
      if (auto ip = i.string("ip")) svc.load_balancer_ingress_ips.push_back(*ip);
    });
  }
}

}  // namespace

void parse_service(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::Service svc;
  if (auto spec_field = root.get("spec")) {
    MapReader spec(ctx, *spec_field,
                   {"allocateLoadBalancerNodePorts", "clusterIP", "clusterIPs", "externalIPs", "externalName",
                    "externalTrafficPolicy", "healthCheckNodePort", "internalTrafficPolicy", "ipFamilies",
                    "ipFamilyPolicy", "loadBalancerClass", "loadBalancerIP", "loadBalancerSourceRanges", "ports",
                    "publishNotReadyAddresses", "selector", "sessionAffinity", "sessionAffinityConfig",
                    "trafficDistribution", "type"});
    using kube::ServiceType;
    using kube::TrafficPolicy;
    svc.type = read_choice(ctx, spec, "type", ServiceType::ClusterIP,
                           {{"ClusterIP", ServiceType::ClusterIP},
                            {"ExternalName", ServiceType::ExternalName},
                            {"LoadBalancer", ServiceType::LoadBalancer},
                            {"NodePort", ServiceType::NodePort}});
    svc.cluster_ip = spec.string("clusterIP").value_or("");
    if (auto clusterIPs = spec.get("clusterIPs")) {
      auto ips = read_string_list(ctx, *clusterIPs);
      if (svc.cluster_ip.empty() && !ips.empty()) svc.cluster_ip = ips.front();
    }
    if (auto selector = spec.get("selector")) svc.selector = read_string_map(ctx, *selector);
    if (auto ports = spec.get("ports"))
      read_list(ctx, *ports, [&](const Field& item) { svc.ports.push_back(parse_service_port(ctx, item)); });
    svc.session_affinity = read_choice(ctx, spec, "sessionAffinity", kube::SessionAffinity::None,
                                       {{"ClientIP", kube::SessionAffinity::ClientIP},
                                        {"None", kube::SessionAffinity::None}});
    if (auto config = spec.get("sessionAffinityConfig")) {
      MapReader c(ctx, *config, {"clientIP"});
      if (auto client_ip = c.get("clientIP")) {
        MapReader ci(ctx, *client_ip, {"timeoutSeconds"});
        svc.session_affinity_timeout_seconds = ci.integer("timeoutSeconds").value_or(10800);
      }
    }
    svc.external_traffic_policy = read_choice(ctx, spec, "externalTrafficPolicy", TrafficPolicy::Cluster,
                                              {{"Cluster", TrafficPolicy::Cluster}, {"Local", TrafficPolicy::Local}});
    svc.internal_traffic_policy = read_choice(ctx, spec, "internalTrafficPolicy", TrafficPolicy::Cluster,
                                              {{"Cluster", TrafficPolicy::Cluster}, {"Local", TrafficPolicy::Local}});
    if (auto ips = spec.get("externalIPs")) svc.external_ips = read_string_list(ctx, *ips);
    svc.load_balancer_ip = spec.string("loadBalancerIP").value_or("");
    if (auto ranges = spec.get("loadBalancerSourceRanges"))
      svc.load_balancer_source_ranges = read_string_list(ctx, *ranges);
    svc.external_name = spec.string("externalName").value_or("");
    svc.publish_not_ready_addresses = spec.boolean("publishNotReadyAddresses").value_or(false);
    svc.health_check_node_port = spec.integer("healthCheckNodePort").value_or(0);
    // Read so that their types are checked; packetwalk models IPv4 single-stack Services only.
    spec.string("ipFamilyPolicy");
    if (auto families = spec.get("ipFamilies")) read_string_list(ctx, *families);
  } else {
    ctx.missing(root.pos(), "spec");
  }
  if (auto status = root.get("status")) parse_service_status(ctx, *status, svc);
  finish_object(ctx, svc, std::move(meta));
  out.services.push_back(std::move(svc));
}

namespace {

kube::Endpoint parse_endpoint(ParseContext& ctx, const Field& f) {
  kube::Endpoint e;
  MapReader m(ctx, f, {"addresses", "conditions", "hints", "hostname", "nodeName", "targetRef", "zone",
                       "deprecatedTopology"});
  if (auto addresses = m.get("addresses")) e.addresses = read_string_list(ctx, *addresses);
  if (auto conditions = m.get("conditions")) {
    MapReader c(ctx, *conditions, {"ready", "serving", "terminating"});
    e.conditions.ready = c.boolean("ready");
    e.conditions.serving = c.boolean("serving");
    e.conditions.terminating = c.boolean("terminating");
  }
  e.hostname = m.string("hostname").value_or("");
  e.node_name = m.string("nodeName").value_or("");
  e.zone = m.string("zone").value_or("");
  if (auto ref = m.get("targetRef")) {
    MapReader r(ctx, *ref, {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"});
    e.target_ref = kube::ObjectReference{r.string("kind").value_or(""), r.string("namespace").value_or(""),
                                         r.string("name").value_or("")};
  }
  return e;
}

}  // namespace

void parse_endpoint_slice(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::EndpointSlice slice;
  if (auto type = root.get("addressType")) slice.address_type = read_enum(ctx, *type, {"FQDN", "IPv4", "IPv6"}).value_or("");
  else ctx.missing(root.pos(), "addressType");
  if (auto endpoints = root.get("endpoints"))
    read_list(ctx, *endpoints, [&](const Field& item) { slice.endpoints.push_back(parse_endpoint(ctx, item)); });
  if (auto ports = root.get("ports")) {
    read_list(ctx, *ports, [&](const Field& item) {
      MapReader p(ctx, item, {"name", "protocol", "port", "appProtocol"});
      kube::EndpointPort port;
      port.name = p.string("name").value_or("");
      port.protocol = parse_protocol(ctx, p);
      port.port = p.integer("port");
      port.app_protocol = p.string("appProtocol").value_or("");
      slice.ports.push_back(std::move(port));
    });
  }
  if (auto it = meta.labels.find("kubernetes.io/service-name"); it != meta.labels.end()) slice.service_name = it->second;
  finish_object(ctx, slice, std::move(meta));
  out.endpoint_slices.push_back(std::move(slice));
}

}  // namespace packetwalk::model::load::detail
