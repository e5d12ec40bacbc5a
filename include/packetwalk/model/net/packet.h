#pragma once
// A packet as the datapath sees it: the outermost headers as plain fields, so routing, netfilter
// and conntrack always read what the kernel would read at that point. A VXLAN device pushes the
// original packet into `inner` and turns this one into the UDP carrier between node IPs.
// Packets are values: every hop records a copy, so NAT shows as a field diff.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "packetwalk/model/net/ip.h"
#include "packetwalk/model/text/shared_text.h"

namespace packetwalk::model::net {

struct MacAddress {
  std::uint64_t value = 0;  // low 48 bits
  std::string to_string() const;  // "aa:bb:cc:dd:ee:ff"
  auto operator<=>(const MacAddress&) const = default;
};

enum TcpFlag : std::uint8_t { kFin = 1, kSyn = 2, kRst = 4, kPsh = 8, kAck = 16 };
std::string tcp_flags_text(std::uint8_t flags);  // "S", "S.", ".", "R.", "F." as tcpdump prints them

enum class IcmpKind : std::uint8_t {
  None, EchoRequest, EchoReply, PortUnreachable, HostUnreachable, NetUnreachable,
  AdminProhibited, FragmentationNeeded, TimeExceeded
};
std::string_view icmp_kind_name(IcmpKind k);

struct FiveTuple {
  Protocol protocol = Protocol::Tcp;
  Ipv4Address src, dst;
  Port sport = 0, dport = 0;
  auto operator<=>(const FiveTuple&) const = default;
  FiveTuple reversed() const { return {protocol, dst, src, dport, sport}; }
  std::string to_string() const;  // "TCP 10.244.0.2:40000 -> 10.244.1.2:8080"
};

struct Packet;

// A VXLAN carrier's encapsulated packet (at most one). It is shared, not copied, when the carrier
// is copied into each hop of its trip across the underlay, and it never changes on that trip:
// decapsulation takes a copy. Reads like the one-element vector it replaced (empty, front, push_back).
class Encapsulated {
 public:
  bool empty() const { return !packet_; }
  const Packet& front() const { return *packet_; }
  void push_back(Packet p);  // replaces any packet already inside

 private:
  std::shared_ptr<const Packet> packet_;
};

struct Packet {
  std::uint64_t id = 0;
  MacAddress src_mac, dst_mac;
  Ipv4Address src, dst;
  Protocol protocol = Protocol::Tcp;
  Port sport = 0, dport = 0;  // for ICMP errors: the ports of the quoted packet
  std::uint8_t tcp_flags = 0;
  IcmpKind icmp = IcmpKind::None;
  std::optional<FiveTuple> icmp_quoted;  // the offending packet's tuple, for ICMP errors
  std::uint8_t ttl = 64;
  std::uint16_t length = 60;  // IP total length in bytes (inner packet)
  bool dont_fragment = true;
  std::uint32_t mark = 0;     // skb->mark; cleared when the packet crosses into another netns
  std::uint32_t vxlan_vni = 0;     // set on a VXLAN carrier (UDP to port 8472 for Flannel)
  Encapsulated inner;              // the encapsulated packet, when this is a carrier
  std::vector<std::uint8_t> payload;  // application bytes (a DNS message, an HTTP request), if modelled
  // What the application put in it (e.g. "DNS query A api-server..."), for humans. Shared, not
  // a string: every hop of a trace keeps a copy of the packet, and the fixed notes ("SYN",
  // "SYN-ACK") are interned, so copying a packet copies no characters.
  text::SharedText payload_note;

  FiveTuple tuple() const { return {protocol, src, dst, sport, dport}; }
  const Packet& innermost() const { return inner.empty() ? *this : inner.front().innermost(); }
  std::string summary() const;  // "10.244.0.2:40000 > 10.244.1.2:8080 TCP [S] ttl 64 len 60"
};

inline void Encapsulated::push_back(Packet p) { packet_ = std::make_shared<const Packet>(std::move(p)); }

}  // namespace packetwalk::model::net
