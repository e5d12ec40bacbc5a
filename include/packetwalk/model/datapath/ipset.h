#pragma once
// ipsets as the kernel's ip_set types hold them (hash:ip, hash:ip,port, hash:ip,port,ip,
// hash:ip,port,net, bitmap:port), and the `-m set --match-set NAME FLAGS` test: each flag names
// which packet field ("src" or "dst") fills the next dimension of the entry — for hash:ip,port
// "dst,dst" looks up (destination address, protocol:destination port); the protocol always comes
// from the packet. Lookups are ordered-set lookups, so large sets (IPVS mode puts every Service
// in KUBE-CLUSTER-IP) stay cheap.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/datapath/netfilter.h"
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

// A network namespace's ipsets by name, in `ipset list` order. A rule's `--match-set NAME` is
// resolved to its set when a packet first meets the rule and kept, as the kernel keeps the set's
// index in the rule (see SetMatch::resolved). The generation says whether a kept resolution still
// holds: it changes whenever a set may have gone (erase_if, or the table copied, moved or
// assigned), and no two tables ever share a value, so a table built where an old one was is never
// mistaken for it. Adding a set or changing one's entries keeps every set where it was.
class IpSets {
 public:
  using Map = std::map<std::string, IpSet, std::less<>>;

  IpSets() = default;
  IpSets(const IpSets& other) : sets_(other.sets_) {}
  IpSets(IpSets&& other) noexcept : sets_(std::move(other.sets_)) { other.renew(); }
  IpSets& operator=(const IpSets& other) {
    sets_ = other.sets_;
    renew();
    return *this;
  }
  IpSets& operator=(IpSets&& other) noexcept {
    sets_ = std::move(other.sets_);
    renew();
    other.renew();
    return *this;
  }

  IpSet& operator[](const std::string& name) { return sets_[name]; }  // created empty when new
  Map::const_iterator find(std::string_view name) const { return sets_.find(name); }
  std::size_t count(std::string_view name) const { return sets_.count(name); }
  const IpSet& at(std::string_view name) const {
    auto it = sets_.find(name);
    if (it == sets_.end()) throw std::out_of_range("no ipset " + std::string(name));
    return it->second;
  }
  Map::const_iterator begin() const { return sets_.begin(); }
  Map::const_iterator end() const { return sets_.end(); }
  bool empty() const { return sets_.empty(); }
  template <class Pred>
  std::size_t erase_if(Pred pred) {
    renew();
    return std::erase_if(sets_, pred);
  }
  // The set `m` names, or null when there is none: found by name the first time, then from what
  // `m` kept, while this table's generation stays the same. A missing set is not kept, so a set
  // created later is found.
  const IpSet* resolve(const SetMatch& m) const {
    const SetMatch::Resolved& r = m.resolved;
    if (r.ipsets == this && r.generation == generation_) return r.set;
    return resolve_by_name(m);
  }

 private:
  const IpSet* resolve_by_name(const SetMatch& m) const;
  static std::uint64_t next_generation();
  void renew() { generation_ = next_generation(); }
  Map sets_;
  std::uint64_t generation_ = next_generation();
};

// `ipset list NAME`-like text: Name, Type, Header, References, Number of entries, Members.
// (The kernel-specific "Revision" and "Size in memory" lines are left out.)
std::string ipset_list_text(const std::string& name, const IpSet& set, std::size_t references);

}  // namespace packetwalk::model::datapath
