#pragma once
// Private to model/dns: the kubernetes plugin's internal types, shared by its two source files.

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "packetwalk/model/dns/kubernetes_plugin.h"

namespace packetwalk::model::dns {

// CoreDNS's msg.Service: what a lookup found before it becomes records.
struct KubernetesPlugin::Entry {
  std::string host;         // an address's text, or a name (ExternalName target, PTR target)
  bool is_address = true;
  net::Ipv4Address ip;      // when is_address
  int port = -1;            // -1: none (A-only entries, port-less Services)
  std::string owner;        // the record's own domain: "web-0.web.default.svc.cluster.local."
  std::uint32_t ttl = 0;
  std::string text;         // TXT data
};

struct KubernetesPlugin::Request {
  std::string port, protocol, endpoint, service, namespace_, pod_or_svc;
  bool invalid = false;  // a shape CoreDNS calls an "invalid query name": NXDOMAIN
};

namespace detail {

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The ready endpoints of `svc` as CoreDNS's Endpoints cache holds them, sorted by address: one per
// address with the ports it serves and its hostname (the pod's spec.hostname when its subdomain
// names this Service — what the EndpointSlice controller copies — or a hand-written slice's).
std::vector<KubernetesPlugin::Endpoint> ready_endpoints(const kube::ServiceInfo& svc, const kube::Inventory& inventory,
                                                        const load::ManifestSet& manifests);

}  // namespace detail

}  // namespace packetwalk::model::dns
