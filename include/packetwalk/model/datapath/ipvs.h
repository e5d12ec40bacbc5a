#pragma once
// IPVS (the kernel's L4 load balancer) as kube-proxy's IPVS mode programs it: virtual servers
// (VIP:port/protocol, scheduler, persistence) with real servers (masquerade forwarding), plus the
// run-time state the kernel keeps: the connection table, persistence templates and each virtual
// server's round-robin position. The packet engine consults it at LOCAL_IN (ip_vs_in) for packets
// to a local VIP, and at FORWARD (ip_vs_out) to restore the VIP on replies.
//
// Schedulers modelled: rr (the kube-proxy default). rr is deterministic: each virtual server on
// each node steps through its real servers in list order (sorted by address:port), as
// ip_vs_rr_schedule steps through its destination list.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/net/ip.h"
#include "packetwalk/model/net/packet.h"
#include "packetwalk/model/text/shared_text.h"
#include "packetwalk/model/trace/rule_hits.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::datapath {

struct IpvsRealServer {
  net::Ipv4Address address;
  net::Port port = 0;
  std::uint32_t weight = 1;  // 0 = quiescent (graceful termination): never scheduled
  auto operator<=>(const IpvsRealServer&) const = default;
};

struct IpvsVirtualServer {
  net::Protocol protocol = net::Protocol::Tcp;
  net::Ipv4Address address;
  net::Port port = 0;
  std::string scheduler = "rr";
  bool persistent = false;           // ClientIP session affinity
  std::uint32_t timeout_seconds = 0; // persistence timeout
  std::vector<IpvsRealServer> real_servers;  // "Masq" forwarding for all

  std::string name() const;  // "TCP  10.96.0.10:53" without the scheduler
};

// What ip_vs_in decided for one packet.
struct IpvsChoice {
  std::uint32_t service = 0;           // index into Ipvs::services()
  std::optional<std::uint32_t> real_server;  // nullopt: no usable real server (ICMP port unreachable)
  bool existing = false;                // an entry of the connection table (not a new schedule)
  bool persistence_hit = false;         // chosen by a persistence template
};

class Ipvs {
public:
  // --- configuration (kube-proxy's syncService / syncEndpoint) ---
  void add(IpvsVirtualServer vs);  // replaces a virtual server with the same (protocol, address, port)
  void assign(std::vector<IpvsVirtualServer> all);  // the whole table at once (one sort)
  const std::vector<IpvsVirtualServer>& services() const { return services_; }
  bool empty() const { return services_.empty(); }
  std::optional<std::uint32_t> find(net::Protocol p, net::Ipv4Address a, net::Port port) const;

  // --- datapath ---
  // ip_vs_in for a packet addressed to a local address: nullopt when no virtual server (and no
  // connection entry) matches; otherwise the real server, from the connection table for a known
  // connection, else from a persistence template, else from the scheduler (which records a new
  // connection). `now` ages persistence templates.
  std::optional<IpvsChoice> in(const net::Packet& p, sim::Time now);
  // Records the translated tuple of a new connection so replies can be recognised.
  void bind(const net::FiveTuple& original, const net::FiveTuple& translated, std::uint32_t service);
  // ip_vs_out for a reply (real server -> client): the VIP:port to put back as source, if the
  // packet belongs to an IPVS connection.
  std::optional<std::pair<net::Ipv4Address, net::Port>> out(const net::Packet& p) const;

  // Forgets connections and persistence templates (a fresh probe), keeping rr positions.
  void clear_connections();

  // What a trace shows for virtual server `service`: rendered (and interned) the first time a
  // packet reaches it, kept until add() or assign() changes the table. An IPVS hop names the same
  // few servers trace after trace; building these strings at every hop cost about 6% of a trace.
  enum class Reason : std::uint8_t { ConnectionTable, PersistenceTemplate, Scheduler };  // why this real server
  struct TraceTexts {
    text::SharedText service;                                   // "TCP  10.96.0.10:53 rr"
    std::vector<text::SharedText> real_servers;                 // "-> 10.244.1.5:53 Masq 1"
    std::vector<std::array<text::SharedText, 3>> dnat;          // by Reason: "IPVS ... Masq (rr)"
    std::vector<trace::RuleHits> chosen;  // per real server: the hop's one matched entry (table "ipvs")
  };
  const TraceTexts& trace_texts(std::uint32_t service) const;

private:
  struct Conn {
    std::uint32_t service;
    std::uint32_t real_server;
  };
  std::vector<IpvsVirtualServer> services_;  // sorted by (protocol, address, port)
  std::map<std::uint32_t, std::uint32_t> rr_next_;                          // service -> next real server
  std::map<std::pair<std::uint32_t, net::Ipv4Address>, std::pair<std::uint32_t, sim::Time>> templates_;
  std::map<net::FiveTuple, Conn> conns_;                  // by the client's original tuple
  std::map<net::FiveTuple, net::FiveTuple> replies_;      // reply tuple -> original tuple
  mutable std::vector<TraceTexts> trace_texts_;           // by service; empty `service` = not rendered
};

// `ipvsadm -Ln` output (ipvsadm 1.31 layout; connection counters are always 0 here).
std::string ipvsadm_list_text(const Ipvs& ipvs);

}  // namespace packetwalk::model::datapath
