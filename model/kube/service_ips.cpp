// ClusterIP and NodePort allocation, as the API server's allocators do it (pkg/registry/core/
// service/ipallocator and portallocator), made deterministic: where the API server picks a random
// free value, we hash the Service's name and probe forward. Also builds the whole ServiceState.

#include "packetwalk/model/kube/services.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>

#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::model::kube {

namespace {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Both allocators reserve the low part of their range for values users ask for
// (ServiceIPStaticSubrange, ServiceNodePortStaticSubrange): size/step clamped to [lo, hi].
std::uint64_t static_band(std::uint64_t size, std::uint64_t lo, std::uint64_t hi, std::uint64_t step) {
  if (size < lo) return 0;
  return std::clamp(size / step, lo, hi);
}

// A range of integers [first, last] with owners; dynamic picks prefer [first + band, last].
class Allocator {
public:
  Allocator(std::uint64_t first, std::uint64_t last, std::uint64_t band) : first_(first), last_(last), band_(band) {}

  bool in_range(std::uint64_t v) const { return v >= first_ && v <= last_; }
  const std::string* owner(std::uint64_t v) const {
    auto it = used_.find(v);
    return it == used_.end() ? nullptr : &it->second;
  }
  void take(std::uint64_t v, const std::string& who) { used_.emplace(v, who); }

  // Hash into the upper band, probing forward (wrapping inside it); then the lower band.
  std::optional<std::uint64_t> pick(std::string_view key, const std::string& who) {
    const std::uint64_t split = std::min(first_ + band_, last_ + 1);
    for (auto [lo, hi] : {std::pair{split, last_}, std::pair{first_, split - 1}}) {
      if (hi < lo || (lo == first_ && split == first_)) continue;
      const std::uint64_t n = hi - lo + 1;
      const std::uint64_t start = fnv1a(key) % n;
      for (std::uint64_t i = 0; i < n; ++i) {
        std::uint64_t v = lo + (start + i) % n;
        if (!used_.count(v)) {
          take(v, who);
          return v;
        }
      }
    }
    return std::nullopt;
  }

private:
  std::uint64_t first_, last_, band_;
  std::map<std::uint64_t, std::string> used_;
};

using FieldPos = std::function<load::SourcePos(std::size_t service, const std::string& field)>;

void allocate_cluster_ips(const ServiceNetwork& net, std::vector<ServiceInfo>& services, const FieldPos& pos,
                          load::Diagnostics& diags) {
  const net::Cidr& cidr = net.service_cidr;
  const std::uint64_t size = cidr.size();
  // Offsets inside the CIDR; the network and broadcast addresses are never handed out.
  Allocator alloc(1, size >= 2 ? size - 2 : 0, static_band(size, 16, 256, 16));
  const std::string range_text = cidr.network().to_string() + "/" + std::to_string(cidr.prefix_length());
  auto offset_of = [&](net::Ipv4Address a) { return std::uint64_t{a.value() - cidr.network().value()}; };

  std::vector<bool> done(services.size(), false);
  std::vector<std::optional<net::Ipv4Address>> requested(services.size());
  for (std::size_t i = 0; i < services.size(); ++i) {
    auto& s = services[i];
    requested[i] = s.cluster_ip;
    s.cluster_ip.reset();
    if (s.headless || s.type == ServiceType::ExternalName) done[i] = true;
  }
  auto grant = [&](std::size_t i, std::uint64_t offset) {
    services[i].cluster_ip = cidr.nth(static_cast<std::uint32_t>(offset));
    alloc.take(offset, services[i].ref());
    done[i] = true;
  };
  auto find = [&](std::string_view ns, std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < services.size(); ++i)
      if (services[i].namespace_ == ns && services[i].name == name) return i;
    return std::nullopt;
  };

  // 1. The API server creates default/kubernetes on the first address before anything else.
  if (auto k = find("default", "kubernetes"); k && !done[*k] && size > 2) {
    if (requested[*k] && *requested[*k] != cidr.nth(1))
      diags.warning(pos(*k, "spec.clusterIP"), services[*k].ref(),
                    "spec.clusterIP: the API server always gives this Service the first address of the service "
                    "CIDR; using " + cidr.nth(1).to_string());
    grant(*k, 1);
  }
  // 2. kubeadm creates kube-dns on the tenth address (its clusterDNS) unless it asks otherwise.
  if (auto d = find("kube-system", "kube-dns"); d && !done[*d] && !requested[*d] && size > 11 && !alloc.owner(10))
    grant(*d, 10);
  // 3. Requested addresses, in (namespace, name) order, kube-dns first (kubeadm creates it before
  //    any user object exists).
  std::vector<std::size_t> order;
  if (auto d = find("kube-system", "kube-dns")) order.push_back(*d);
  for (std::size_t i = 0; i < services.size(); ++i)
    if (order.empty() || order.front() != i) order.push_back(i);
  for (std::size_t i : order) {
    if (done[i] || !requested[i]) continue;
    const std::string text = requested[i]->to_string();
    const std::string prefix = "spec.clusterIP: Invalid value: \"" + text + "\": failed to allocate IP " + text + ": ";
    const bool inside = cidr.contains(*requested[i]);
    if (!inside || !alloc.in_range(offset_of(*requested[i]))) {
      diags.error(pos(i, "spec.clusterIP"), services[i].ref(),
                  prefix + "the provided IP (" + text + ") is not in the valid range. The range of valid IPs is " +
                      range_text);
    } else if (const std::string* owner = alloc.owner(offset_of(*requested[i]))) {
      diags.error(pos(i, "spec.clusterIP"), services[i].ref(),
                  prefix + "provided IP is already allocated (to " + *owner + ")");
    } else {
      grant(i, offset_of(*requested[i]));
      continue;
    }
    // Best effort after the error: give it an address so later stages still see the Service.
  }
  // 4. Everything else from a hash of its name.
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (done[i]) continue;
    auto offset = alloc.pick(services[i].namespace_ + "/" + services[i].name, services[i].ref());
    if (offset) {
      services[i].cluster_ip = cidr.nth(static_cast<std::uint32_t>(*offset));
    } else {
      diags.error(pos(i, "spec.clusterIP"), services[i].ref(),
                  "spec.clusterIP: failed to allocate a service IP: range " + range_text + " is full");
    }
    done[i] = true;
  }
}

void allocate_node_ports(const ServiceNetwork& net, std::vector<ServiceInfo>& services, const FieldPos& pos,
                         load::Diagnostics& diags) {
  const auto first = static_cast<std::uint64_t>(net.node_port_min);
  const auto last = static_cast<std::uint64_t>(net.node_port_max);
  const std::uint64_t size = last >= first ? last - first + 1 : 0;
  Allocator alloc(first, last, static_band(size, 16, 128, 32));
  const std::string range_text = std::to_string(net.node_port_min) + "-" + std::to_string(net.node_port_max);

  auto wants_node_ports = [](const ServiceInfo& s) {
    return s.type == ServiceType::NodePort || s.type == ServiceType::LoadBalancer;
  };
  auto wants_health_check = [](const ServiceInfo& s) {
    return s.type == ServiceType::LoadBalancer && s.external_traffic_policy_local;
  };
  // Requested ports first. One Service may use the same nodePort for several protocols.
  auto request = [&](std::size_t i, int& port, const std::string& field) {
    auto& s = services[i];
    const auto v = static_cast<std::uint64_t>(port);
    const std::string* owner = alloc.owner(v);
    if (!alloc.in_range(v)) {
      // validate.h reports the fixed 30000-32767 range; only a custom range gets here.
      diags.error(pos(i, field), s.ref(),
                  field + ": Invalid value: " + std::to_string(port) + ": provided port is not in the valid range. "
                  "The range of valid ports is " + range_text);
      port = 0;
    } else if (owner && *owner != s.ref()) {
      diags.error(pos(i, field), s.ref(),
                  field + ": Invalid value: " + std::to_string(port) + ": provided port is already allocated (to " +
                      *owner + ")");
      port = 0;
    } else {
      alloc.take(v, s.ref());
    }
  };
  for (std::size_t i = 0; i < services.size(); ++i) {
    auto& s = services[i];
    if (!wants_node_ports(s)) {
      for (auto& p : s.ports) p.node_port = 0;
    } else {
      for (std::size_t k = 0; k < s.ports.size(); ++k)
        if (s.ports[k].node_port != 0) request(i, s.ports[k].node_port, "spec.ports[" + std::to_string(k) + "].nodePort");
    }
    if (!wants_health_check(s)) s.health_check_node_port = 0;
    else if (s.health_check_node_port != 0) request(i, s.health_check_node_port, "spec.healthCheckNodePort");
  }
  auto dynamic = [&](std::size_t i, int& port, const std::string& key, const std::string& field) {
    if (port != 0) return;
    if (auto v = alloc.pick(key, services[i].ref())) {
      port = static_cast<int>(*v);
    } else {
      diags.error(pos(i, field), services[i].ref(), field + ": failed to allocate a node port: range " + range_text + " is full");
    }
  };
  for (std::size_t i = 0; i < services.size(); ++i) {
    auto& s = services[i];
    const std::string base = s.namespace_ + "/" + s.name;
    if (wants_node_ports(s))
      for (std::size_t k = 0; k < s.ports.size(); ++k) {
        auto& p = s.ports[k];
        dynamic(i, p.node_port, base + ":" + p.name + "/" + std::string(net::lower_name(p.protocol)),
                "spec.ports[" + std::to_string(k) + "].nodePort");
      }
    if (wants_health_check(s)) dynamic(i, s.health_check_node_port, base + "/healthCheckNodePort", "spec.healthCheckNodePort");
  }
}

void allocate(const ServiceNetwork& net, std::vector<ServiceInfo>& services, const FieldPos& pos,
              load::Diagnostics& diags) {
  allocate_cluster_ips(net, services, pos, diags);
  allocate_node_ports(net, services, pos, diags);
}

ServiceInfo info_from_spec(const Service& s) {
  ServiceInfo out;
  out.namespace_ = s.meta.namespace_;
  out.name = s.meta.name;
  out.type = s.type;
  out.headless = s.headless();
  if (!s.headless()) out.cluster_ip = net::Ipv4Address::parse(s.cluster_ip);  // unparsable: validate.h said so
  for (const auto& p : s.ports) {
    ServicePortInfo port;
    port.name = p.name;
    port.protocol = p.protocol;
    port.port = p.port;
    port.node_port = p.node_port;
    port.target_port = p.target_port;
    out.ports.push_back(std::move(port));
  }
  out.session_affinity_client_ip = s.session_affinity == SessionAffinity::ClientIP;
  out.affinity_timeout_seconds = s.session_affinity_timeout_seconds;
  const bool external_type = s.type == ServiceType::NodePort || s.type == ServiceType::LoadBalancer;
  out.external_traffic_policy_local = external_type && s.external_traffic_policy == TrafficPolicy::Local;
  out.internal_traffic_policy_local = s.internal_traffic_policy == TrafficPolicy::Local;
  for (const auto& text : s.external_ips)
    if (auto a = net::Ipv4Address::parse(text)) out.external_ips.push_back(*a);
  if (s.type == ServiceType::LoadBalancer)
    for (const auto& text : s.load_balancer_ingress_ips)
      if (auto a = net::Ipv4Address::parse(text)) out.load_balancer_ips.push_back(*a);
  for (const auto& text : s.load_balancer_source_ranges)
    if (auto c = net::Cidr::parse(text)) out.load_balancer_source_ranges.push_back(*c);
  out.health_check_node_port = s.health_check_node_port;
  out.external_name = s.external_name;
  out.publish_not_ready_addresses = s.publish_not_ready_addresses;
  out.has_selector = !s.selector.empty();
  out.pos = s.meta.pos;
  return out;
}

// What the API server itself publishes for default/kubernetes.
ServiceInfo implicit_kubernetes_service() {
  ServiceInfo out;
  out.namespace_ = "default";
  out.name = "kubernetes";
  out.type = ServiceType::ClusterIP;
  ServicePortInfo https;
  https.name = "https";
  https.protocol = net::Protocol::Tcp;
  https.port = 443;
  https.target_port = IntOrString::of(6443);
  out.ports.push_back(std::move(https));
  out.implicit = true;
  return out;
}

}  // namespace

const ServiceInfo* ServiceState::find(std::string_view namespace_, std::string_view name) const {
  auto it = std::lower_bound(services.begin(), services.end(), std::pair{namespace_, name},
                             [](const ServiceInfo& s, const auto& key) {
                               return std::pair<std::string_view, std::string_view>{s.namespace_, s.name} < key;
                             });
  return (it != services.end() && it->namespace_ == namespace_ && it->name == name) ? &*it : nullptr;
}

const ServiceInfo* ServiceState::find_by_cluster_ip(net::Ipv4Address ip) const {
  for (const auto& s : services)
    if (s.cluster_ip == ip) return &s;
  return nullptr;
}

void allocate_service_addresses(const ServiceNetwork& network, std::vector<ServiceInfo>& services,
                                load::Diagnostics& diags) {
  allocate(network, services, [&](std::size_t i, const std::string&) { return services[i].pos; }, diags);
}

ServiceState build_service_state(const ServiceNetwork& network, const std::vector<Service>& services,
                                 const std::vector<EndpointSlice>& slices, const Inventory& inventory,
                                 load::Diagnostics& diags) {
  std::vector<const Service*> specs;
  for (const auto& s : services) specs.push_back(&s);
  std::sort(specs.begin(), specs.end(), [](const Service* a, const Service* b) {
    return std::tie(a->meta.namespace_, a->meta.name) < std::tie(b->meta.namespace_, b->meta.name);
  });
  std::vector<ServiceInfo> infos;
  std::vector<const Service*> origin;
  for (const Service* s : specs) {
    infos.push_back(info_from_spec(*s));
    origin.push_back(s);
  }
  // Every cluster has default/kubernetes; add it where it sorts when the user did not write it.
  auto before = [](const ServiceInfo& s) { return std::tie(s.namespace_, s.name) < std::tuple("default", "kubernetes"); };
  auto at = std::find_if_not(infos.begin(), infos.end(), before);
  if (at == infos.end() || at->namespace_ != "default" || at->name != "kubernetes") {
    auto index = at - infos.begin();
    infos.insert(at, implicit_kubernetes_service());
    origin.insert(origin.begin() + index, nullptr);
  }

  allocate(network, infos,
           [&](std::size_t i, const std::string& field) {
             return origin[i] ? origin[i]->meta.pos_of(field) : load::SourcePos{};
           },
           diags);

  for (std::size_t i = 0; i < infos.size(); ++i) fill_endpoints(infos[i], origin[i], slices, inventory);

  // The API server's own endpoint when nothing else names one (the usual case).
  for (auto& s : infos) {
    if (s.namespace_ != "default" || s.name != "kubernetes") continue;
    for (auto& p : s.ports) {
      if (p.name != "https" || !p.endpoints.empty()) continue;
      std::optional<net::Ipv4Address> api = network.api_server_address;
      if (!api && !inventory.nodes.empty()) api = inventory.nodes.front().internal_ip;
      if (api) p.endpoints.push_back(EndpointInfo{*api, 6443, "", true, true, false, std::nullopt});
    }
  }
  return ServiceState{std::move(infos)};
}

ServiceState build_service_state(const load::ClusterSpec& spec, const load::ManifestSet& manifests,
                                 const Inventory& inventory, load::Diagnostics& diags) {
  ServiceNetwork network;
  network.service_cidr = spec.service_cidr;
  return build_service_state(network, manifests.services, manifests.endpoint_slices, inventory, diags);
}

}  // namespace packetwalk::model::kube
