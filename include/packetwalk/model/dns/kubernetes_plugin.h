#pragma once
// CoreDNS's `kubernetes` plugin over a built cluster: the records of the Kubernetes DNS spec
// (kubernetes/dns docs/specification.md) answered exactly as CoreDNS answers them — which names
// exist, NXDOMAIN vs NODATA, SOA in negative answers, SRV weights, PTR order, ExternalName CNAMEs.
//
// Names (zone "cluster.local." shown):
//   <svc>.<ns>.svc.<zone>            A: the ClusterIP; headless: every ready endpoint (none -> NXDOMAIN);
//                                    ExternalName: CNAME <externalName> (+ its addresses, resolved upstream)
//   <ep>.<svc>.<ns>.svc.<zone>       A: the endpoint whose hostname (pod spec.hostname when its subdomain is
//                                    the Service, slice hostname) or dashed IP is <ep>; any Service type
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV 0 <w> <port> <target>; `_` optional; no port/proto = all ports
//   <a-b-c-d>.<ns>.pod.<zone>        A a.b.c.d with `pods insecure`; only for an existing pod with `pods verified`
//   <d.c.b.a>.in-addr.arpa.          PTR: the Service owning ClusterIP a.b.c.d, else every ready endpoint
//   dns-version.<zone>               TXT "1.1.0"
//   ns.dns.<zone>                    A: the ClusterIP of the Services fronting the answering CoreDNS pod
// Negative answers carry `<zone> SOA ns.dns.<zone> hostmaster.<zone> <serial> 7200 1800 86400 <ttl>`
// with TTL min(ttl, 300). The serial is CoreDNS's last API change time; packetwalk uses a fixed one.
// A/AAAA record order: ascending address (CoreDNS's `loadbalance` would shuffle it per answer).

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "packetwalk/model/dns/corefile.h"
#include "packetwalk/model/dns/message.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/kube/services.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::dns {

inline constexpr std::uint32_t kSoaSerial = 1;  // fixed: real CoreDNS uses the API's last change time

// What the plugin watches. Must outlive the plugin.
struct KubeData {
  const kube::ServiceState* services = nullptr;
  const kube::Inventory* inventory = nullptr;
  const load::ManifestSet* manifests = nullptr;  // Service selectors, hand-written EndpointSlice hostnames
};

// One plugin's verdict on a question.
struct PluginResult {
  enum class Kind { Answer, NoData, NameError, ServerFailure, Next } kind = Kind::Next;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> extra;
  bool authoritative = true;
  std::string note;  // why, for traces ("no Service web in namespace default")
};

// Resolves a name through the whole server (CoreDNS's upstream), for targets outside the zones.
using UpstreamLookup = std::function<Message(const std::string& name, std::uint16_t type)>;

class KubernetesPlugin {
public:
  KubernetesPlugin(KubernetesConfig config, KubeData data);

  const KubernetesConfig& config() const { return config_; }
  // The plugin's zone holding `qname` ("" when none): the plugin only sees such names.
  std::string zone_for(std::string_view qname) const;
  // Answers `q` as the CoreDNS pod at `local_ip` would. Next: fallthrough to the next plugin.
  PluginResult serve(const Question& q, net::Ipv4Address local_ip, const UpstreamLookup& upstream) const;

  // An endpoint as CoreDNS's Endpoints cache holds it: one address with the ports it serves.
  struct EndpointPort {
    std::string name;
    net::Protocol protocol = net::Protocol::Tcp;
    int port = -1;  // -1: the Service has no ports (CoreDNS's sentinel; no SRV)
  };
  struct Endpoint {
    net::Ipv4Address ip;
    std::string hostname;  // "" when neither the pod nor the slice names one
    std::string pod_name;  // targetRef name, for endpoint_pod_names
    std::vector<EndpointPort> ports;
  };

private:
  struct Entry;    // one msg.Service of CoreDNS: a host (address or name) with a port and an owner
  struct Request;  // a name below the zone, split as parse.go splits it
  enum class Err { None, NameError };

  Err records(const Request& r, const std::string& zone, std::vector<Entry>& out) const;
  Err services(const Question& q, const std::string& zone, net::Ipv4Address local_ip, std::vector<Entry>& out) const;
  Err reverse(const Question& q, std::vector<Entry>& out) const;
  std::vector<ResourceRecord> address_records(const Question& q, const std::string& zone, net::Ipv4Address local_ip,
                                              const UpstreamLookup& upstream, std::vector<ResourceRecord> previous,
                                              Err& err) const;
  static void srv_records(const Question& q, const std::vector<Entry>& entries, std::vector<ResourceRecord>& answers,
                          std::vector<ResourceRecord>& extra);
  std::string endpoint_name(const Endpoint& e) const;
  std::string primary_zone() const;
  ResourceRecord soa(const std::string& zone) const;
  bool namespace_exposed(const std::string& ns) const;
  std::vector<const kube::ServiceInfo*> services_fronting(net::Ipv4Address ip) const;

  KubernetesConfig config_;
  KubeData data_;
  std::set<std::string> namespaces_;  // existing namespaces
  std::map<std::pair<std::string, std::string>, std::vector<Endpoint>> endpoints_;  // (ns, svc) -> ready endpoints
};

}  // namespace packetwalk::model::dns
