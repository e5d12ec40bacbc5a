#pragma once
// ipsets as the kernel's ip_set types hold them (hash:ip, hash:ip,port, hash:ip,port,ip,
// hash:ip,port,net, bitmap:port), and the `-m set --match-set NAME FLAGS` test: each flag names
// which packet field ("src" or "dst") fills the next dimension of the entry — for hash:ip,port
// "dst,dst" looks up (destination address, protocol:destination port); the protocol always comes
// from the packet. Lookups are ordered-set lookups, so large sets (IPVS mode puts every Service
// in KUBE-CLUSTER-IP) stay cheap.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/net/ip.h"
#include "packetwalk/model/net/packet.h"

namespace packetwalk::model::datapath {

enum class IpSetType : std::uint8_t { HashIp, HashIpPort, HashIpPortIp, HashIpPortNet, BitmapPort };
std::string_view ipset_type_name(IpSetType t);  // "hash:ip,port"

struct IpSetEntry {
  net::Ipv4Address ip;                          // hash:* first dimension
  net::Protocol protocol = net::Protocol::Tcp;  // ,port dimensions
  net::Port port = 0;                           // ,port / bitmap:port
  net::Ipv4Address ip2;                         // ,ip / ,net third dimension
  std::uint8_t prefix2 = 32;                    // ,net prefix length
  auto operator<=>(const IpSetEntry&) const = default;
};

struct IpSet {
  IpSetType type = IpSetType::HashIp;
  std::string comment;           // kube-proxy's description (it goes into the iptables rule comment)
  std::set<IpSetEntry> entries;  // sorted: `ipset list` order here, and O(log n) lookups

  IpSet() = default;
  IpSet(IpSetType t, std::string c) : type(t), comment(std::move(c)) {}
  // A hash:ip set of these addresses (what a CNI's selector sets hold).
  IpSet(std::vector<net::Ipv4Address> members);  // NOLINT: implicit on purpose, builders assign address lists

  void add(const IpSetEntry& e) { entries.insert(e); }
  void add_ip(net::Ipv4Address a) { entries.insert(IpSetEntry{a}); }
  void add_ip_port(net::Ipv4Address a, net::Protocol p, net::Port port) { entries.insert(IpSetEntry{a, p, port}); }
  void add_ip_port_ip(net::Ipv4Address a, net::Protocol p, net::Port port, net::Ipv4Address b) {
    entries.insert(IpSetEntry{a, p, port, b, 32});
  }
  void add_port(net::Port port) { entries.insert(IpSetEntry{{}, net::Protocol::Tcp, port}); }
  bool empty() const { return entries.empty(); }

  // --match-set NAME flags ("dst", "dst,dst", "dst,dst,src", ...). Too few flags for the set's
  // dimensions never match, as the kernel's ip_set_match rejects them at rule load.
  bool matches(std::string_view flags, const net::Packet& packet) const;

  // Entry text as `ipset list` prints it: "10.96.0.10,udp:53", "10.244.1.5,tcp:8080,10.244.1.5",
  // "30080".
  std::string entry_text(const IpSetEntry& e) const;
};

// `ipset list NAME`-like text: Name, Type, Header, References, Number of entries, Members.
// (The kernel-specific "Revision" and "Size in memory" lines are left out.)
std::string ipset_list_text(const std::string& name, const IpSet& set, std::size_t references);

}  // namespace packetwalk::model::datapath
