// kubeadm's CoreDNS addon (cmd/kubeadm/app/phases/addons/dns/manifests.go) as kube objects.
#include <algorithm>

#include "packetwalk/model/dns/cluster_dns.h"
#include "packetwalk/model/dns/corefile.h"

namespace packetwalk::model::dns {

namespace {

constexpr const char* kNamespace = "kube-system";

kube::ObjectMeta meta(std::string kind, std::string api_version, std::string name) {
  kube::ObjectMeta m;
  m.kind = std::move(kind);
  m.api_version = std::move(api_version);
  m.name = std::move(name);
  m.namespace_ = kNamespace;
  // No position: diagnostics about these objects name them without a file.
  return m;
}

template <typename List>
bool defined(const List& list, std::string_view name) {
  return std::any_of(list.begin(), list.end(),
                     [&](const auto& o) { return o.meta.namespace_ == kNamespace && o.meta.name == name; });
}

kube::ContainerPort port(std::string name, int number, net::Protocol proto) {
  kube::ContainerPort p;
  p.name = std::move(name);
  p.container_port = number;
  p.protocol = proto;
  return p;
}

kube::Deployment deployment() {
  kube::Deployment d;
  d.meta = meta("Deployment", "apps/v1", "coredns");
  d.meta.labels = {{"k8s-app", "kube-dns"}};
  d.replicas = 2;
  d.selector.match_labels = {{"k8s-app", "kube-dns"}};
  d.pod_template.labels = {{"k8s-app", "kube-dns"}};
  kube::Container c;
  c.name = "coredns";
  c.image = kCoreDnsImage;
  c.ports = {port("dns", 53, net::Protocol::Udp), port("dns-tcp", 53, net::Protocol::Tcp),
             port("metrics", 9153, net::Protocol::Tcp), port("liveness-probe", 8080, net::Protocol::Tcp),
             port("readiness-probe", 8181, net::Protocol::Tcp)};
  d.pod_template.spec.containers = {c};
  d.pod_template.spec.node_selector = {{"kubernetes.io/os", "linux"}};
  // CoreDNS must not ask itself: its resolv.conf is the node's, which `forward . /etc/resolv.conf` uses.
  d.pod_template.spec.dns_policy = "Default";
  return d;
}

kube::Service service(const load::ClusterSpec& spec) {
  kube::Service s;
  s.meta = meta("Service", "v1", "kube-dns");
  s.meta.labels = {{"k8s-app", "kube-dns"}, {"kubernetes.io/cluster-service", "true"}, {"kubernetes.io/name", "CoreDNS"}};
  s.meta.annotations = {{"prometheus.io/port", "9153"}, {"prometheus.io/scrape", "true"}};
  if (spec.dns.cluster_dns) s.cluster_ip = spec.dns.cluster_dns->to_string();
  s.selector = {{"k8s-app", "kube-dns"}};
  auto sp = [](std::string name, net::Protocol proto, int number) {
    kube::ServicePort p;
    p.name = std::move(name);
    p.protocol = proto;
    p.port = number;
    p.target_port = kube::IntOrString::of(number);
    return p;
  };
  s.ports = {sp("dns", net::Protocol::Udp, 53), sp("dns-tcp", net::Protocol::Tcp, 53), sp("metrics", net::Protocol::Tcp, 9153)};
  return s;
}

}  // namespace

void add_coredns_addon(const load::ClusterSpec& spec, load::ManifestSet& manifests) {
  if (!spec.dns.enabled) return;
  if (!defined(manifests.deployments, "coredns")) manifests.deployments.push_back(deployment());
  if (!defined(manifests.services, "kube-dns")) manifests.services.push_back(service(spec));
  if (!defined(manifests.config_maps, "coredns")) {
    kube::ConfigMap cm;
    cm.meta = meta("ConfigMap", "v1", "coredns");
    cm.data["Corefile"] = kubeadm_corefile(spec.cluster_domain);
    manifests.config_maps.push_back(std::move(cm));
  }
  manifests.sort();
}

bool is_coredns_pod(const kube::PodInfo& pod) {
  auto it = pod.labels.find("k8s-app");
  return pod.namespace_ == kNamespace && it != pod.labels.end() && it->second == "kube-dns";
}

}  // namespace packetwalk::model::dns
