#pragma once
// Destinations that are DNS names: `--to api-server:80`, `--to api-server.default.svc.cluster.local:80`,
// a probe's `to: example.com:443`. The source's resolver looks the name up first (getaddrinfo with
// AF_UNSPEC: A and AAAA per candidate), every query a packet through the datapath; the connection
// then goes to the first address.
//
// Which forms are names: a host without '/' that is not an address, not "localhost" and not a pod
// of the default namespace (the POD:PORT form keeps its meaning). NS/NAME, node/NODE, IP and
// localhost forms resolve without DNS, as query/target.h describes.

#include <optional>
#include <string>
#include <string_view>

#include "packetwalk/model/dns/lookup.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/query/expectation.h"

namespace packetwalk::model::dns {

struct ResolvedTarget {
  std::optional<query::Destination> destination;  // nullopt: the name did not resolve
  std::optional<NameLookup> dns;                  // the lookup, when the destination was a name
};

// nullopt and `error` set for input that is neither a known form nor a valid name.
std::optional<ResolvedTarget> resolve_target(cluster::Cluster& c, query::ProbeRunner& runner, std::string_view text,
                                             const query::Source& from, std::string_view default_ns, std::string& error);

// The outcome word of a lookup that found no address: "nxdomain" (NXDOMAIN, NODATA), "timeout",
// "refused" (ICMP port unreachable from every nameserver) or "unreachable" (SERVFAIL); "" on success.
std::string failed_lookup_outcome(const LookupResult& r);

// The result of a connection that never started because its name did not resolve: no legs, the
// disposition closest to the failure, the reason naming the DNS failure.
query::ProbeResult unresolved_result(const NameLookup& lookup);

// query::check_expectation, knowing the DNS lookup before the connection: when the name did not
// resolve, the outcome compared is failed_lookup_outcome(); `via` entries may also match the DNS
// exchanges' hops (e.g. a CoreDNS pod, "KUBE-SVC-TCOU7JCQXEZGVUNU").
query::ExpectationCheck check_expectation(const load::Expectation& expected, const std::optional<NameLookup>& dns,
                                          const query::ProbeResult& result);

}  // namespace packetwalk::model::dns
