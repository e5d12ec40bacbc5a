#pragma once
// Name lookups through the simulated datapath. The source's resolver (resolver.h, with the pod's
// resolv.conf) sends every query as a real DNS message in a UDP datagram (TCP after truncation)
// through a ProbeRunner: from the pod's eth0, through kube-proxy's DNAT of the kube-dns ClusterIP
// to a CoreDNS pod, whose "coredns" application answers; the reply comes back un-NATed.
//
// Queries of one socket (A and AAAA of one candidate, and their retries) leave from one source
// port and keep conntrack between them, so they take the same DNAT decision and reach the same
// CoreDNS pod, as in a real cluster; each new socket starts from empty conntrack tables.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/dns/resolver.h"
#include "packetwalk/model/query/probe.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::model::dns {

struct NameLookup {
  std::string source;       // "default/pod-a", "node/node-1"
  ResolvConf resolv_conf;   // what the source's resolver read
  LookupResult result;
  std::vector<query::ProbeResult> probes;  // result.exchanges[i] travelled as probes[i]
};

// The resolver configuration of a source: a pod's resolv.conf as the kubelet wrote it; nodes and
// hosts outside the cluster use the nodes' resolver.
ResolvConf resolv_conf_for(const cluster::Cluster& c, const query::Source& from);

NameLookup lookup_name(cluster::Cluster& c, query::ProbeRunner& runner, const query::Source& from, std::string_view name,
                       const std::vector<std::uint16_t>& types);

// Where one exchange went: kube-proxy's DNAT (if any) and who answered.
struct ExchangePath {
  std::string dnat_node;    // "node-1"
  std::string dnat_before;  // "10.96.0.10:53"
  std::string dnat_after;   // "10.244.2.2:53"
  std::string dnat_rule;    // "KUBE-SEP-XXXX" or "conntrack"
  std::string answered_by;  // "kube-system/coredns-7b9c8d5f4-abcde"
};
ExchangePath exchange_path(const query::ProbeResult& r);

}  // namespace packetwalk::model::dns
