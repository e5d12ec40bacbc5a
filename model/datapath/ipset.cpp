#include "packetwalk/model/datapath/ipset.h"

#include <atomic>

namespace packetwalk::model::datapath {

std::string_view ipset_type_name(IpSetType t) {
  switch (t) {
    case IpSetType::HashIp: return "hash:ip";
    case IpSetType::HashIpPort: return "hash:ip,port";
    case IpSetType::HashIpPortIp: return "hash:ip,port,ip";
    case IpSetType::HashIpPortNet: return "hash:ip,port,net";
    case IpSetType::BitmapPort: return "bitmap:port";
  }
  return "?";
}

IpSet::IpSet(std::vector<net::Ipv4Address> members) {
  for (auto a : members) add_ip(a);
}

namespace {

// The dimensions of each type, and the flags that fill them.
int dimensions(IpSetType t) {
  switch (t) {
    case IpSetType::HashIp: return 1;
    case IpSetType::BitmapPort: return 1;
    case IpSetType::HashIpPort: return 2;
    case IpSetType::HashIpPortIp: return 3;
    case IpSetType::HashIpPortNet: return 3;
  }
  return 1;
}

// Parses "dst,dst,src" into up to three booleans (true = source).
int parse_flags(std::string_view flags, bool (&source)[3]) {
  int n = 0;
  while (!flags.empty() && n < 3) {
    auto comma = flags.find(',');
    auto word = flags.substr(0, comma);
    source[n++] = word == "src";
    if (comma == std::string_view::npos) break;
    flags.remove_prefix(comma + 1);
  }
  return n;
}

}  // namespace

std::uint64_t IpSets::next_generation() {
  static std::atomic<std::uint64_t> next{1};  // tables are built on several threads (`packetwalk test`)
  return next.fetch_add(1, std::memory_order_relaxed);
}

const IpSet* IpSets::resolve_by_name(const SetMatch& m) const {
  auto it = sets_.find(m.set_name);
  if (it == sets_.end()) return nullptr;
  m.resolved = {this, generation_, &it->second};
  return &it->second;
}

bool IpSet::matches(std::string_view flags, const net::Packet& p) const {
  bool src[3] = {false, false, false};
  const int n = parse_flags(flags, src);
  if (n < dimensions(type)) return false;
  auto addr = [&](int i) { return src[i] ? p.src : p.dst; };
  auto port = [&](int i) { return src[i] ? p.sport : p.dport; };
  switch (type) {
    case IpSetType::HashIp:
      return entries.count(IpSetEntry{addr(0)}) > 0;
    case IpSetType::BitmapPort:
      return entries.count(IpSetEntry{{}, net::Protocol::Tcp, port(0)}) > 0;
    case IpSetType::HashIpPort:
      return entries.count(IpSetEntry{addr(0), p.protocol, port(1)}) > 0;
    case IpSetType::HashIpPortIp:
      return entries.count(IpSetEntry{addr(0), p.protocol, port(1), addr(2), 32}) > 0;
    case IpSetType::HashIpPortNet: {
      // Entries sharing (ip, proto, port) are adjacent; test each prefix.
      auto it = entries.lower_bound(IpSetEntry{addr(0), p.protocol, port(1), {}, 0});
      for (; it != entries.end() && it->ip == addr(0) && it->protocol == p.protocol && it->port == port(1); ++it) {
        if (net::Cidr(it->ip2, it->prefix2).contains(addr(2))) return true;
      }
      return false;
    }
  }
  return false;
}

std::string IpSet::entry_text(const IpSetEntry& e) const {
  auto ip_port = [&]() { return e.ip.to_string() + "," + std::string(net::lower_name(e.protocol)) + ":" + std::to_string(e.port); };
  switch (type) {
    case IpSetType::HashIp: return e.ip.to_string();
    case IpSetType::BitmapPort: return std::to_string(e.port);
    case IpSetType::HashIpPort: return ip_port();
    case IpSetType::HashIpPortIp: return ip_port() + "," + e.ip2.to_string();
    case IpSetType::HashIpPortNet: return ip_port() + "," + net::Cidr(e.ip2, e.prefix2).to_string();
  }
  return "?";
}

std::string ipset_list_text(const std::string& name, const IpSet& set, std::size_t references) {
  std::string out = "Name: " + name + "\nType: " + std::string(ipset_type_name(set.type)) + "\nHeader: ";
  out += set.type == IpSetType::BitmapPort ? "range 0-65535" : "family inet hashsize 1024 maxelem 65536";
  out += "\nReferences: " + std::to_string(references) + "\nNumber of entries: " + std::to_string(set.entries.size()) +
         "\nMembers:\n";
  for (const auto& e : set.entries) out += set.entry_text(e) + "\n";
  return out;
}

}  // namespace packetwalk::model::datapath
