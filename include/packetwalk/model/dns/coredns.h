#pragma once
// A CoreDNS server as configured by its Corefile: picks the server block for a query (longest
// matching zone on port 53; none -> REFUSED), runs the modelled plugins in CoreDNS's compiled order
// — rewrite, hosts, kubernetes, forward — and applies cache's TTL cap. Also the DNS servers outside
// the cluster, whose answers come from records the scenario lists.
//
// `forward` is modelled, not simulated: CoreDNS's query to its upstream is not sent as packets (the
// pods' own queries are); the answer is the upstream's, as if it had been asked. TTLs of modelled
// upstream records are 300 s before cache caps them; their negative answers carry no SOA.
// Replies larger than 512 bytes to a query without EDNS0 are truncated (TC set, sections emptied)
// so the client retries over TCP, as CoreDNS does.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/dns/corefile.h"
#include "packetwalk/model/dns/kubernetes_plugin.h"
#include "packetwalk/model/dns/message.h"
#include "packetwalk/model/load/dns_spec.h"

namespace packetwalk::model::dns {

inline constexpr std::uint32_t kUpstreamTtl = 300;

// DNS servers outside the cluster (load::DnsServerSpec), answering from their records.
class UpstreamServers {
public:
  UpstreamServers() = default;
  explicit UpstreamServers(std::vector<load::DnsServerSpec> servers) : servers_(std::move(servers)) {}

  const load::DnsServerSpec* find(net::Ipv4Address address) const;
  const std::vector<load::DnsServerSpec>& all() const { return servers_; }
  // A recursive resolver's answer from `server`'s records: A records, a CNAME chased through its
  // own records, NODATA for other types of a known name, NXDOMAIN for the rest. Flags qr rd ra.
  Message answer(const load::DnsServerSpec& server, const Message& query) const;

private:
  std::vector<load::DnsServerSpec> servers_;
};

class CoreDnsServer {
public:
  // `resolv_conf` holds the nameservers of the CoreDNS pods' /etc/resolv.conf (dnsPolicy Default:
  // the nodes'), which `forward . /etc/resolv.conf` sends to. `data` and `upstreams` must outlive
  // the server.
  CoreDnsServer(Corefile corefile, KubeData data, const UpstreamServers* upstreams,
                std::vector<net::Ipv4Address> resolv_conf);

  const Corefile& corefile() const { return corefile_; }

  // Answers `query` as the CoreDNS pod owning `local_ip` would (UDP replies over 512 bytes are
  // truncated; TCP ones are not). `note` says which plugin answered and how ("kubernetes",
  // "forward to 192.168.0.1 (...)", "hosts"), for traces.
  Message handle(const Message& query, net::Ipv4Address local_ip, bool over_tcp, std::string& note) const;

private:
  struct Outcome;
  Outcome serve_block(const ServerBlock& block, std::size_t index, const Question& q, net::Ipv4Address local_ip,
                      int depth) const;
  Outcome serve(const Question& q, net::Ipv4Address local_ip, int depth) const;
  Outcome forward(const ForwardConfig& f, const Question& q) const;

  Corefile corefile_;
  std::vector<std::optional<KubernetesPlugin>> kubernetes_;  // per block
  const UpstreamServers* upstreams_;
  std::vector<net::Ipv4Address> resolv_conf_;
};

}  // namespace packetwalk::model::dns
