// Endpoints of a Service: what the EndpointSlice controller (staging/src/k8s.io/endpointslice)
// writes for a Service with a selector, merged the way kube-proxy's EndpointSliceCache merges
// every slice labelled with the Service's name (pkg/proxy/endpointslicecache.go).

#include <algorithm>
#include <map>

#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/services.h"

namespace packetwalk::model::kube {

namespace {

// podutil.FindPort: a named targetPort is the first container port with that name and the
// Service port's protocol; restartable init containers (native sidecars) count too.
std::optional<int> resolve_target_port(const PodInfo& pod, const ServicePortInfo& port) {
  if (!port.target_port.is_string) return port.target_port.number != 0 ? port.target_port.number : port.port;
  auto search = [&](const std::vector<Container>& containers, bool sidecars_only) -> std::optional<int> {
    for (const auto& c : containers) {
      if (sidecars_only && c.restart_policy != "Always") continue;
      for (const auto& cp : c.ports)
        if (cp.name == port.target_port.text && cp.protocol == port.protocol) return cp.container_port;
    }
    return std::nullopt;
  };
  if (auto p = search(pod.containers, false)) return p;
  return search(pod.init_containers, true);
}

// Adds `e` to `set` unless an endpoint with the same "ip:port" is there and `e` is terminating:
// a running pod wins over a terminating one that had the same IP.
void add_endpoint(std::map<std::string, EndpointInfo>& set, EndpointInfo e) {
  std::string key = e.to_string();
  auto it = set.find(key);
  if (it == set.end()) set.emplace(std::move(key), std::move(e));
  else if (!e.terminating) it->second = std::move(e);
}

}  // namespace

std::string EndpointInfo::to_string() const { return ip.to_string() + ":" + std::to_string(port); }

void fill_endpoints(ServiceInfo& service, const Service* spec, const std::vector<EndpointSlice>& slices,
                    const Inventory& inventory) {
  if (service.type == ServiceType::ExternalName) return;
  std::vector<std::map<std::string, EndpointInfo>> sets(service.ports.size());

  // The EndpointSlice controller: pods of the Service's namespace matching its selector. Every
  // pod in the inventory has a node and an IP (hostNetwork pods: the node's) and none is being
  // deleted, so none is terminating.
  if (spec && !spec->selector.empty()) {
    for (const auto& pod : inventory.pods) {
      if (pod.namespace_ != service.namespace_ || !labels_match(spec->selector, pod.labels)) continue;
      const bool serving = pod.ready;
      const bool ready = service.publish_not_ready_addresses || serving;
      for (std::size_t k = 0; k < service.ports.size(); ++k) {
        auto port = resolve_target_port(pod, service.ports[k]);
        if (!port) continue;  // this pod lacks the named port: left out of this Service port only
        add_endpoint(sets[k], EndpointInfo{pod.ip, *port, pod.node, ready, serving, false,
                                           ObjectReference{"Pod", pod.namespace_, pod.name}});
      }
    }
  }

  // Hand-written slices (and any dumped ones): matched to Service ports by name and protocol.
  for (const auto& slice : slices) {
    if (slice.meta.namespace_ != service.namespace_ || slice.service_name != service.name) continue;
    if (slice.address_type != "IPv4") continue;
    for (const auto& sp : slice.ports) {
      if (!sp.port || *sp.port == 0) continue;  // kube-proxy ignores ports without a number
      for (std::size_t k = 0; k < service.ports.size(); ++k) {
        if (service.ports[k].name != sp.name || service.ports[k].protocol != sp.protocol) continue;
        for (const auto& e : slice.endpoints) {
          if (e.addresses.empty()) continue;
          auto ip = net::Ipv4Address::parse(e.addresses.front());
          if (!ip) continue;  // validate.h has reported it
          add_endpoint(sets[k], EndpointInfo{*ip, *sp.port, e.node_name, e.conditions.is_ready(),
                                             e.conditions.is_serving(), e.conditions.is_terminating(), e.target_ref});
        }
      }
    }
  }

  // std::map iterates in key order: the endpoint string order kube-proxy sorts by.
  for (std::size_t k = 0; k < service.ports.size(); ++k) {
    auto& out = service.ports[k].endpoints;
    out.clear();
    for (auto& [key, e] : sets[k]) out.push_back(std::move(e));
  }
}

}  // namespace packetwalk::model::kube
