#pragma once
// The `cluster.dns` section of a scenario: whether the cluster runs kubeadm's CoreDNS, the kubelet's
// --cluster-dns, the nodes' own resolver (their /etc/resolv.conf) and the DNS servers outside the
// cluster, whose answers are modelled from listed records.
//
//   cluster:
//     dns:
//       enabled: true               # kubeadm's coredns Deployment + kube-dns Service (default true)
//       clusterDNS: 10.96.0.10      # kubelet --cluster-dns; default the 10th address of serviceCIDR;
//                                   # "" = none (ClusterFirst pods then fall back to Default)
//       upstream:                   # the resolver the nodes' /etc/resolv.conf names
//         nameserver: 192.168.0.1   # default: the router (nodeNetwork's first address)
//         search: [corp.example]    # the nodes' search domains
//         records:                  # what it answers; anything else is NXDOMAIN
//           example.com: 93.184.216.34
//           www.example.com: example.com        # a name: CNAME
//           multi.example.com: [198.51.100.7, 198.51.100.8]
//       servers:                    # more resolvers (e.g. targets of Corefile stub domains)
//         - {address: 10.150.0.1, records: {db.consul.local: 10.150.0.20}}
//
// Documented for users in docs/scenario-format.md, section "DNS".

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::load {

// A DNS server outside the cluster. Its answers are modelled: the CoreDNS `forward` plugin consults
// it directly (no packets); pods whose resolv.conf names it send real packets to its address when
// a network namespace owns that address (the router, an external host).
struct DnsServerSpec {
  net::Ipv4Address address;
  // Lower-case absolute name ("example.com.") -> values: IPv4 addresses (A records) or exactly one
  // name (a CNAME).
  std::map<std::string, std::vector<std::string>> records;
  SourcePos pos;
};

struct DnsSpec {
  bool enabled = true;
  // kubelet --cluster-dns. nullopt: the 10th address of the service CIDR (kubeadm's choice).
  std::optional<net::Ipv4Address> cluster_dns;
  bool cluster_dns_none = false;  // written as "": the kubelet has no cluster DNS
  // The nodes' /etc/resolv.conf. An empty nameserver list means the default: the router.
  std::vector<net::Ipv4Address> node_nameservers;
  std::vector<std::string> node_search;
  std::vector<std::string> node_options;  // "ndots:2", "timeout:1"
  // Every modelled server: `upstream` adds one at its nameserver address, `servers` the others.
  // The default router nameserver, when nothing lists it, answers NXDOMAIN for every name.
  std::vector<DnsServerSpec> servers;
  SourcePos pos;  // of the `dns` section
};

}  // namespace packetwalk::model::load
