#pragma once
// Query layer: where an HTTP request goes. `to` is a URL ("http://api.example.com/v1/users") or a
// destination of query/target.h (IP:PORT, node/NODE:PORT, NS/SERVICE:PORT) with an explicit request.
//
// A URL's host becomes an address, first found wins:
//   1. an IP address literal;
//   2. the scenario's `hosts:` map (like /etc/hosts, read before DNS);
//   3. DNS: the source's resolver asks the scenario's DNS (cluster.dns records), every query a probe;
//   4. otherwise the router it is meant for: the LoadBalancer address of a Gateway whose listener
//      hostname matches, else of the ingress-nginx controller Service — as if a DNS record pointed
//      there (the note says so).

#include <optional>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/dns/lookup.h"
#include "packetwalk/model/ingress/http_flow.h"
#include "packetwalk/model/load/http_spec.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::model::ingress {

struct ResolvedHttp {
  HttpTarget target;
  std::string from_label;  // "external/client"
  std::string to_label;    // "198.51.100.1:80"
  std::string url;         // the request as a URL ("http://api.example.com/v1/users")
  std::string resolution;  // how the host became the address ("hosts: entry", "DNS A record", ...)
  std::optional<dns::NameLookup> dns;  // the lookup, when DNS was asked
};

// Builds the request: method GET, the URL's host, path and query, then `http` overrides (method,
// host, path, headers). `to` without a URL needs `http` (or `force_http`) to carry HTTP at all.
std::optional<ResolvedHttp> resolve_http(cluster::Cluster& c, query::ProbeRunner& runner, const std::string& from,
                                         const std::string& to, const load::HttpProbeSpec& http,
                                         const std::string& default_ns, std::string& error);

}  // namespace packetwalk::model::ingress
