// Installing the default ingress-nginx controller and Gateway data planes into a ManifestSet.
#include <algorithm>
#include <functional>
#include <set>

#include "packetwalk/model/ingress/controller.h"
#include "packetwalk/model/ingress/objects.h"

namespace packetwalk::model::ingress {

namespace {

const kube::Labels kControllerSelector = {{"app.kubernetes.io/component", "controller"},
                                          {"app.kubernetes.io/instance", "ingress-nginx"},
                                          {"app.kubernetes.io/name", "ingress-nginx"}};

bool is_nginx_controller(const kube::Labels& labels) {
  auto has = [&](const char* k, const char* v) {
    auto it = labels.find(k);
    return it != labels.end() && it->second == v;
  };
  return has("app.kubernetes.io/name", "ingress-nginx") && has("app.kubernetes.io/component", "controller");
}

bool any_pod_labels(const load::ManifestSet& m, const std::function<bool(const std::string& ns, const kube::Labels&)>& f) {
  for (const auto& p : m.pods)
    if (f(p.meta.namespace_, p.meta.labels)) return true;
  auto scan = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const auto& w) { return f(w.meta.namespace_, w.pod_template.labels); });
  };
  return scan(m.deployments) || scan(m.replica_sets) || scan(m.stateful_sets) || scan(m.daemon_sets);
}

kube::ObjectMeta installed_meta(std::string kind, std::string api_version, std::string ns, std::string name,
                                kube::Labels labels) {
  kube::ObjectMeta m;
  m.kind = std::move(kind);
  m.api_version = std::move(api_version);
  m.namespace_ = std::move(ns);
  m.name = std::move(name);
  m.labels = std::move(labels);
  m.pos = load::SourcePos{std::string(kInstalledFile), 0, 0};
  return m;
}

kube::ContainerPort port(std::string name, int number) {
  kube::ContainerPort p;
  p.name = std::move(name);
  p.container_port = number;
  return p;
}

kube::ServicePort service_port(std::string name, int number, kube::IntOrString target, std::string app_protocol) {
  kube::ServicePort p;
  p.name = std::move(name);
  p.port = number;
  p.target_port = std::move(target);
  p.app_protocol = std::move(app_protocol);
  return p;
}

void ensure_namespace(load::ManifestSet& m, const std::string& name) {
  for (const auto& n : m.namespaces)
    if (n.meta.name == name) return;
  kube::Namespace n;
  n.meta = installed_meta("Namespace", "v1", "", name, {{"app.kubernetes.io/name", name}, {"kubernetes.io/metadata.name", name}});
  m.namespaces.push_back(std::move(n));
}

bool wants_nginx(const RoutingObjects& objects) {
  const IngressClass* default_class = nullptr;
  for (const auto& c : objects.ingress_classes)
    if (c.is_default) default_class = &c;
  for (const auto& ing : objects.ingresses) {
    std::string cls = ing.class_name.value_or(ing.annotation("kubernetes.io/ingress.class"));
    if (cls.empty() && default_class) cls = default_class->meta.name;
    if (cls == "nginx") return true;
    if (const auto* c = objects.find_ingress_class(cls); c && c->controller == kNginxController) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> install_default_controllers(load::ManifestSet& manifests, load::Diagnostics& diags) {
  (void)diags;
  std::vector<std::string> installed;
  load::Diagnostics scratch;  // the objects are parsed again, with reporting, when the cluster is built
  RoutingObjects objects = parse_routing_objects(manifests, scratch);

  if (wants_nginx(objects) &&
      !any_pod_labels(manifests, [](const std::string&, const kube::Labels& l) { return is_nginx_controller(l); })) {
    const std::string ns(kNginxNamespace), name(kNginxName);
    ensure_namespace(manifests, ns);
    kube::Labels labels = kControllerSelector;
    labels["app.kubernetes.io/part-of"] = "ingress-nginx";

    kube::Deployment d;
    d.meta = installed_meta("Deployment", "apps/v1", ns, name, labels);
    d.replicas = 1;
    d.selector.match_labels = kControllerSelector;
    d.pod_template.labels = labels;
    d.pod_template.pos = d.meta.pos;
    kube::Container c;
    c.name = "controller";
    c.image = "registry.k8s.io/ingress-nginx/controller:v1.12.1";
    c.ports = {port("http", 80), port("https", 443), port("webhook", 8443)};
    d.pod_template.spec.containers.push_back(c);
    d.pod_template.spec.node_selector = {{"kubernetes.io/os", "linux"}};
    manifests.deployments.push_back(std::move(d));

    kube::Service s;
    s.meta = installed_meta("Service", "v1", ns, name, labels);
    s.type = kube::ServiceType::LoadBalancer;
    s.selector = kControllerSelector;
    s.external_traffic_policy = kube::TrafficPolicy::Local;
    s.ports = {service_port("http", 80, kube::IntOrString::of("http"), "http"),
               service_port("https", 443, kube::IntOrString::of("https"), "https")};
    manifests.services.push_back(std::move(s));

    if (!objects.find_ingress_class("nginx")) {
      kube::GenericObject cls;
      cls.meta = installed_meta("IngressClass", "networking.k8s.io/v1", "", "nginx", labels);
      cls.yaml = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\n";
      manifests.others.push_back(std::move(cls));
    }
    installed.push_back("ingress-nginx controller: Deployment and LoadBalancer Service " + ns + "/" + name +
                        " (externalTrafficPolicy Local), IngressClass nginx");
  }

  for (const auto& g : objects.gateways) {
    const auto* cls = objects.find_gateway_class(g.class_name);
    if (!cls || g.listeners.empty()) continue;
    const std::string& ns = g.meta.namespace_;
    if (any_pod_labels(manifests, [&](const std::string& pns, const kube::Labels& l) {
          auto it = l.find(std::string(kGatewayNameLabel));
          return pns == ns && it != l.end() && it->second == g.meta.name;
        }))
      continue;
    const std::string name = g.meta.name + "-" + g.class_name;
    kube::Labels selector = {{std::string(kGatewayNameLabel), g.meta.name}};
    kube::Labels labels = selector;
    labels["gateway.networking.k8s.io/gateway-class-name"] = g.class_name;
    std::set<int> ports;
    for (const auto& l : g.listeners)
      if (l.port > 0) ports.insert(l.port);

    kube::Deployment d;
    d.meta = installed_meta("Deployment", "apps/v1", ns, name, labels);
    d.replicas = 1;
    d.selector.match_labels = selector;
    d.pod_template.labels = labels;
    d.pod_template.pos = d.meta.pos;
    kube::Container c;
    c.name = "proxy";
    c.image = "gateway-data-plane (" + cls->controller_name + ")";
    for (int p : ports) c.ports.push_back(port("", p));
    d.pod_template.spec.containers.push_back(c);
    manifests.deployments.push_back(std::move(d));

    kube::Service s;
    s.meta = installed_meta("Service", "v1", ns, name, labels);
    s.type = kube::ServiceType::LoadBalancer;
    s.selector = selector;
    for (int p : ports) s.ports.push_back(service_port("port-" + std::to_string(p), p, kube::IntOrString::of(p), ""));
    s.load_balancer_ingress_ips = g.addresses;
    manifests.services.push_back(std::move(s));
    installed.push_back("data plane of Gateway " + ns + "/" + g.meta.name + ": Deployment and LoadBalancer Service " + ns +
                        "/" + name);
  }
  if (!installed.empty()) manifests.sort();
  return installed;
}

}  // namespace packetwalk::model::ingress
