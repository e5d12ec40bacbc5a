// Pod, PodSpec, containers and pod templates.
#include "parsers.h"

namespace packetwalk::model::load::detail {

namespace {

kube::ContainerPort parse_container_port(ParseContext& ctx, const Field& f) {
  kube::ContainerPort port;
  MapReader m(ctx, f, {"containerPort", "hostIP", "hostPort", "name", "protocol"});
  port.name = m.string("name").value_or("");
  if (auto value = m.get("containerPort")) port.container_port = read_int(ctx, *value).value_or(0);
  else if (m.is_map()) ctx.missing(f.pos, child_path(f.path, "containerPort"));
  port.protocol = parse_protocol(ctx, m);
  port.host_port = m.integer("hostPort").value_or(0);
  port.host_ip = m.string("hostIP").value_or("");
  return port;
}

kube::Container parse_container(ParseContext& ctx, const Field& f) {
  kube::Container c;
  MapReader m(ctx, f,
              {"args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "name",
               "ports", "readinessProbe", "resizePolicy", "resources", "restartPolicy", "restartPolicyRules",
               "securityContext", "startupProbe", "stdin", "stdinOnce", "terminationMessagePath",
               "terminationMessagePolicy", "tty", "volumeDevices", "volumeMounts", "workingDir"});
  c.name = m.string("name").value_or("");
  c.image = m.string("image").value_or("");
  c.restart_policy = m.string("restartPolicy").value_or("");
  if (auto ports = m.get("ports"))
    read_list(ctx, *ports, [&](const Field& item) { c.ports.push_back(parse_container_port(ctx, item)); });
  return c;
}

kube::PodDnsConfig parse_dns_config(ParseContext& ctx, const Field& f) {
  kube::PodDnsConfig config;
  MapReader m(ctx, f, {"nameservers", "searches", "options"});
  if (auto ns = m.get("nameservers")) config.nameservers = read_string_list(ctx, *ns);
  if (auto searches = m.get("searches")) config.searches = read_string_list(ctx, *searches);
  if (auto options = m.get("options")) {
    read_list(ctx, *options, [&](const Field& item) {
      MapReader o(ctx, item, {"name", "value"});
      config.options.push_back({o.string("name").value_or(""), o.string("value")});
    });
  }
  return config;
}

}  // namespace

kube::PodSpec parse_pod_spec(ParseContext& ctx, const Field& f) {
  kube::PodSpec spec;
  MapReader m(ctx, f,
              {"activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers", "dnsConfig",
               "dnsPolicy", "enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork",
               "hostPID", "hostUsers", "hostname", "hostnameOverride", "imagePullSecrets", "initContainers",
               "nodeName", "nodeSelector", "os", "overhead", "preemptionPolicy", "priority", "priorityClassName",
               "readinessGates", "resourceClaims", "resources", "restartPolicy", "runtimeClassName",
               "schedulerName", "schedulingGates", "securityContext", "serviceAccount", "serviceAccountName",
               "setHostnameAsFQDN", "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds",
               "tolerations", "topologySpreadConstraints", "volumes"});
  if (!m.is_map()) return spec;
  if (auto containers = m.get("containers"))
    read_list(ctx, *containers, [&](const Field& item) { spec.containers.push_back(parse_container(ctx, item)); });
  if (auto init = m.get("initContainers"))
    read_list(ctx, *init, [&](const Field& item) { spec.init_containers.push_back(parse_container(ctx, item)); });
  spec.node_name = m.string("nodeName").value_or("");
  if (auto selector = m.get("nodeSelector")) spec.node_selector = read_string_map(ctx, *selector);
  spec.host_network = m.boolean("hostNetwork").value_or(false);
  spec.hostname = m.string("hostname").value_or("");
  spec.subdomain = m.string("subdomain").value_or("");
  if (auto policy = m.get("dnsPolicy")) {
    spec.dns_policy = read_enum(ctx, *policy, {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"})
                          .value_or(spec.dns_policy);
  }
  if (auto dns = m.get("dnsConfig")) spec.dns_config = parse_dns_config(ctx, *dns);
  return spec;
}

kube::PodTemplate parse_pod_template(ParseContext& ctx, const Field& f) {
  kube::PodTemplate t;
  t.pos = f.pos;
  MapReader m(ctx, f, {"metadata", "spec"});
  if (auto meta_field = m.get("metadata")) {
    // kubectl dumps templates with `creationTimestamp: null`; names and namespaces are ignored by
    // the controllers, so they are accepted and dropped.
    MapReader meta(ctx, *meta_field,
                   {"labels", "annotations", "name", "generateName", "namespace", "creationTimestamp",
                    "finalizers"});
    if (auto labels = meta.get("labels")) t.labels = read_string_map(ctx, *labels);
    if (auto annotations = meta.get("annotations")) t.annotations = read_string_map(ctx, *annotations);
  }
  if (auto spec = m.get("spec")) t.spec = parse_pod_spec(ctx, *spec);
  else if (m.is_map()) ctx.missing(f.pos, child_path(f.path, "spec"));
  return t;
}

void parse_pod(ParseContext& ctx, const MapReader& root, kube::ObjectMeta meta, ManifestSet& out) {
  kube::Pod pod;
  if (auto spec = root.get("spec")) pod.spec = parse_pod_spec(ctx, *spec);
  else ctx.missing(root.pos(), "spec");
  if (auto status_field = root.get("status")) {
    MapReader status(ctx, *status_field, {"*"});
    if (auto ip_field = status.get("podIP")) {
      if (auto text = read_string(ctx, *ip_field); text && text->find(':') == std::string::npos) {
        pod.status_pod_ip = net::Ipv4Address::parse(*text);
        if (!pod.status_pod_ip)
          ctx.error(ip_field->pos, ip_field->path, "must be a valid IPv4 address (e.g. 10.244.1.5), got \"" + *text + "\"");
      }
    }
    if (auto conditions = status.get("conditions")) {
      read_list(ctx, *conditions, [&](const Field& item) {
        MapReader c(ctx, item, {"*"});
        if (c.string("type").value_or("") == "Ready") pod.ready = c.string("status").value_or("True") == "True";
      });
    }
  }
  finish_object(ctx, pod, std::move(meta));
  out.pods.push_back(std::move(pod));
}

}  // namespace packetwalk::model::load::detail
