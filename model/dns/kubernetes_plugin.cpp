// The kubernetes plugin: CoreDNS's plugin/kubernetes (parse.go, kubernetes.go, reverse.go,
// handler.go) and plugin/backend_lookup.go, re-expressed over packetwalk's cluster model.
#include "packetwalk/model/dns/kubernetes_plugin.h"

#include <algorithm>
#include <cctype>

#include "kubernetes_parts.h"

namespace packetwalk::model::dns {

using detail::lower;

namespace detail {

std::vector<KubernetesPlugin::Endpoint> ready_endpoints(const kube::ServiceInfo& svc, const kube::Inventory& inventory,
                                                        const load::ManifestSet& manifests) {
  using Endpoint = KubernetesPlugin::Endpoint;
  std::map<net::Ipv4Address, Endpoint> by_ip;
  auto hostname_of = [&](net::Ipv4Address ip, const std::optional<kube::ObjectReference>& ref) -> std::string {
    if (ref && ref->kind == "Pod") {
      const auto* pod = inventory.find_pod(ref->namespace_.empty() ? svc.namespace_ : ref->namespace_, ref->name);
      if (pod && !pod->hostname.empty() && pod->subdomain == svc.name && pod->namespace_ == svc.namespace_)
        return pod->hostname;
    }
    for (const auto& slice : manifests.endpoint_slices) {
      if (slice.meta.namespace_ != svc.namespace_ || slice.service_name != svc.name) continue;
      for (const auto& e : slice.endpoints) {
        if (e.hostname.empty()) continue;
        for (const auto& a : e.addresses)
          if (net::Ipv4Address::parse(a) == ip) return e.hostname;
      }
    }
    return "";
  };
  for (const auto& port : svc.ports) {
    for (const auto& ep : port.endpoints) {
      if (!ep.ready) continue;
      auto [it, fresh] = by_ip.try_emplace(ep.ip);
      Endpoint& e = it->second;
      if (fresh) {
        e.ip = ep.ip;
        e.hostname = hostname_of(ep.ip, ep.target_ref);
        if (ep.target_ref) e.pod_name = ep.target_ref->name;
      }
      e.ports.push_back({port.name, port.protocol, ep.port});
    }
  }
  // A Service without ports still has endpoints (CoreDNS marks them with port -1): headless
  // Services are often written that way, and their A records must not vanish.
  if (svc.ports.empty() && svc.has_selector) {
    const kube::Service* spec = nullptr;
    for (const auto& s : manifests.services)
      if (s.meta.namespace_ == svc.namespace_ && s.meta.name == svc.name) spec = &s;
    for (const auto& pod : inventory.pods) {
      if (!spec || pod.namespace_ != svc.namespace_ || !kube::labels_match(spec->selector, pod.labels)) continue;
      if (!pod.ready && !svc.publish_not_ready_addresses) continue;
      Endpoint e;
      e.ip = pod.ip;
      e.pod_name = pod.name;
      e.hostname = hostname_of(pod.ip, kube::ObjectReference{"Pod", pod.namespace_, pod.name});
      e.ports.push_back({"", net::Protocol::Tcp, -1});
      by_ip.emplace(pod.ip, std::move(e));
    }
  }
  std::vector<Endpoint> out;
  for (auto& [ip, e] : by_ip) out.push_back(std::move(e));
  return out;
}

}  // namespace detail

KubernetesPlugin::KubernetesPlugin(KubernetesConfig config, KubeData data) : config_(std::move(config)), data_(data) {
  for (const auto& ns : data_.inventory->namespaces) namespaces_.insert(ns.meta.name);
  for (const auto& svc : data_.services->services) {
    endpoints_[{svc.namespace_, svc.name}] = detail::ready_endpoints(svc, *data_.inventory, *data_.manifests);
  }
}

std::string KubernetesPlugin::zone_for(std::string_view qname) const {
  std::string best;
  for (const auto& z : config_.zones) {
    if (in_zone(qname, z) && (best.empty() || z.size() > best.size())) best = z;
  }
  return best;
}

bool KubernetesPlugin::namespace_exposed(const std::string& ns) const {
  if (!namespaces_.count(ns)) return false;
  return config_.namespaces.empty() ||
         std::find(config_.namespaces.begin(), config_.namespaces.end(), ns) != config_.namespaces.end();
}

std::string KubernetesPlugin::endpoint_name(const Endpoint& e) const {
  if (!e.hostname.empty()) return e.hostname;
  if (config_.endpoint_pod_names && !e.pod_name.empty()) return e.pod_name;
  std::string dashed = e.ip.to_string();
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  return dashed;
}

ResourceRecord KubernetesPlugin::soa(const std::string& zone) const {
  SoaData d{"ns.dns." + zone, "hostmaster." + zone, kSoaSerial, 7200, 1800, 86400, config_.ttl};
  return ResourceRecord::make_soa(zone, std::min<std::uint32_t>(config_.ttl, 300), d);
}

std::string KubernetesPlugin::primary_zone() const {
  for (const auto& z : config_.zones)
    if (!in_zone(z, "in-addr.arpa.") && !in_zone(z, "ip6.arpa.")) return z;
  return config_.zones.empty() ? "." : config_.zones.front();
}

std::vector<const kube::ServiceInfo*> KubernetesPlugin::services_fronting(net::Ipv4Address ip) const {
  std::vector<const kube::ServiceInfo*> out;
  for (const auto& svc : data_.services->services) {
    auto it = endpoints_.find({svc.namespace_, svc.name});
    if (it == endpoints_.end()) continue;
    if (std::any_of(it->second.begin(), it->second.end(), [&](const Endpoint& e) { return e.ip == ip; }))
      out.push_back(&svc);
  }
  return out;
}

namespace {

std::string strip_underscore(const std::string& s) { return !s.empty() && s[0] == '_' ? s.substr(1) : s; }

bool match_port_and_protocol(const std::string& a_port, const std::string& b_port, const std::string& a_proto,
                             const std::string& b_proto) {
  return (a_port.empty() || lower(a_port) == lower(b_port)) && (a_proto.empty() || lower(a_proto) == lower(b_proto));
}

}  // namespace

KubernetesPlugin::Err KubernetesPlugin::records(const Request& r, const std::string& zone, std::vector<Entry>& out) const {
  if (r.invalid) return Err::NameError;
  if (r.pod_or_svc.empty()) return Err::None;
  if (in_zone(zone, "in-addr.arpa.") || in_zone(zone, "ip6.arpa.")) return Err::NameError;
  if (!namespace_exposed(r.namespace_)) return Err::NameError;
  const std::uint32_t ttl = config_.ttl;

  if (r.pod_or_svc == "pod") {
    if (config_.pods == PodsMode::Disabled) return Err::NameError;
    if (r.service.empty()) return Err::None;  // "<ns>.pod.<zone>": NODATA
    const std::string& podname = r.service;
    std::string dotted = podname;
    std::replace(dotted.begin(), dotted.end(), '-', '.');
    bool four_parts = std::count(podname.begin(), podname.end(), '-') == 3 && podname.find("--") == std::string::npos;
    auto ip = four_parts ? net::Ipv4Address::parse(dotted) : std::nullopt;
    if (!ip) return Err::NameError;
    std::string owner = podname + "." + r.namespace_ + ".pod." + zone;
    if (config_.pods == PodsMode::Insecure) {
      out.push_back(Entry{ip->to_string(), true, *ip, -1, owner, ttl, ""});
      return Err::None;
    }
    Err err = Err::NameError;
    for (const auto& p : data_.inventory->pods) {
      if (p.ip == *ip && p.namespace_ == r.namespace_) {
        out.push_back(Entry{ip->to_string(), true, *ip, -1, owner, ttl, ""});
        err = Err::None;
      }
    }
    return err;
  }

  if (r.service.empty()) return Err::None;  // "<ns>.svc.<zone>": NODATA
  const kube::ServiceInfo* svc = data_.services->find(r.namespace_, r.service);
  if (!svc) return Err::NameError;
  const auto& eps = endpoints_.at({svc->namespace_, svc->name});
  const std::string svc_domain = svc->name + "." + svc->namespace_ + ".svc." + zone;
  if (config_.ignore_empty_service && svc->type != kube::ServiceType::ExternalName && !svc->headless && eps.empty())
    return Err::NameError;
  if (svc->type == kube::ServiceType::ExternalName) {
    // Only a name becomes a CNAME; an address written as externalName answers nothing.
    if (!r.endpoint.empty() || net::Ipv4Address::parse(svc->external_name)) return Err::NameError;
    out.push_back(Entry{absolute(svc->external_name), false, {}, -1, svc_domain, ttl, ""});
    return Err::None;
  }
  Err err = Err::NameError;
  if (svc->headless || !r.endpoint.empty()) {
    for (const auto& e : eps) {
      std::string name = endpoint_name(e);
      if (!r.endpoint.empty() && lower(r.endpoint) != lower(name)) continue;
      for (const auto& p : e.ports) {
        if (!match_port_and_protocol(r.port, p.name, r.protocol, std::string(net::kube_name(p.protocol)))) continue;
        out.push_back(Entry{e.ip.to_string(), true, e.ip, p.port, name + "." + svc_domain, ttl, ""});
        err = Err::None;
      }
    }
    return err;
  }
  for (const auto& p : svc->ports) {
    if (!match_port_and_protocol(r.port, p.name, r.protocol, std::string(net::kube_name(p.protocol)))) continue;
    err = Err::None;
    if (svc->cluster_ip) out.push_back(Entry{svc->cluster_ip->to_string(), true, *svc->cluster_ip, p.port, svc_domain, ttl, ""});
  }
  return err;
}

KubernetesPlugin::Err KubernetesPlugin::services(const Question& q, const std::string& zone, net::Ipv4Address local_ip,
                                                 std::vector<Entry>& out) const {
  const std::string name = canonical(q.name);
  std::string base;  // the labels below the zone, without a trailing dot ("" at the apex)
  if (zone == ".") base = name.substr(0, name.size() - 1);
  else if (name.size() > zone.size()) base = name.substr(0, name.size() - zone.size() - 1);
  if (q.type == rr::TXT) {
    if (lower(base) == "dns-version") out.push_back(Entry{"", false, {}, -1, q.name, 28800, "1.1.0"});
    return Err::None;
  }
  auto ns_addrs = [&](const std::string& owner) {
    auto fronting = services_fronting(local_ip);
    for (const auto* s : fronting) {
      auto ip = s->cluster_ip.value_or(local_ip);
      out.push_back(Entry{ip.to_string(), true, ip, -1, owner, config_.ttl, ""});
    }
    if (fronting.empty()) out.push_back(Entry{local_ip.to_string(), true, local_ip, -1, owner, config_.ttl, ""});
  };
  if (q.type == rr::NS) {
    ns_addrs("ns.dns." + zone);
    return Err::None;
  }
  if (base == "ns.dns") {
    if (q.type == rr::A) ns_addrs(q.name);
    return Err::None;
  }
  Request r;
  if (!base.empty() && base != "svc" && base != "pod") {
    auto segs = labels(base);
    std::ptrdiff_t last = static_cast<std::ptrdiff_t>(segs.size()) - 1;
    r.pod_or_svc = segs[static_cast<std::size_t>(last)];
    if (r.pod_or_svc != "pod" && r.pod_or_svc != "svc") {
      r.invalid = true;
    } else if (--last >= 0) {
      r.namespace_ = segs[static_cast<std::size_t>(last)];
      if (--last >= 0) {
        r.service = segs[static_cast<std::size_t>(last)];
        --last;
        if (last == 0) {
          r.endpoint = segs[0];
        } else if (last == 1) {
          r.protocol = strip_underscore(segs[1]);
          r.port = strip_underscore(segs[0]);
        } else if (last > 1) {
          r.invalid = true;  // too many labels: "invalid query name"
        }
      }
    }
  }
  Err err = records(r, zone, out);
  if (q.type == rr::SRV) {  // SRV for ExternalName Services is not served
    out.erase(std::remove_if(out.begin(), out.end(), [](const Entry& e) { return !e.is_address; }), out.end());
  }
  return err;
}

}  // namespace packetwalk::model::dns
