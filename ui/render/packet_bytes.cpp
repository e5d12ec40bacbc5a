#include "packet_bytes.h"

#include <algorithm>

namespace packetwalk::ui::render {

using model::net::IcmpKind;
using model::net::Packet;
using model::net::Protocol;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kIpHeader = 20;
constexpr std::size_t kTcpHeader = 20;
constexpr std::size_t kUdpHeader = 8;
// flanneld sets the pod MTU to the node's 1500 less VXLAN's 50 bytes, so a pod's SYN offers
// 1450 - 40 as MSS.
constexpr std::uint16_t kPodMss = 1410;

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
void set16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
void put_mac(Bytes& b, const model::net::MacAddress& m) {
  for (int shift = 40; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(m.value >> shift));
}

std::uint32_t sum16(std::span<const std::uint8_t> data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) sum += (std::uint32_t{data[i]} << 8) | data[i + 1];
  if (data.size() % 2) sum += std::uint32_t{data.back()} << 8;
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// A 20-byte IPv4 header (no options) with its checksum.
Bytes ipv4_header(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol, std::uint8_t ttl, std::uint16_t id,
                  bool dont_fragment, std::size_t total_length) {
  Bytes h;
  h.reserve(kIpHeader);
  h.push_back(0x45);  // version 4, IHL 5
  h.push_back(0);     // DSCP/ECN
  put16(h, static_cast<std::uint16_t>(std::min<std::size_t>(total_length, 0xffff)));
  put16(h, id);
  put16(h, dont_fragment ? 0x4000 : 0);
  h.push_back(ttl);
  h.push_back(protocol);
  put16(h, 0);
  put32(h, src);
  put32(h, dst);
  set16(h, 10, internet_checksum(h));
  return h;
}

// TCP options filling `room` bytes: a SYN offers what Linux offers (MSS, SACK permitted,
// timestamps, window scale); other segments carry timestamps; the rest is end-of-list padding.
void tcp_options(Bytes& b, std::size_t room, bool syn, const TcpNumbers& n) {
  const std::size_t start = b.size();
  auto timestamps = [&] {
    b.push_back(8);
    b.push_back(10);
    put32(b, n.ts_val);
    put32(b, n.ts_ecr);
  };
  if (syn && room >= 20) {
    b.insert(b.end(), {2, 4});
    put16(b, kPodMss);
    b.insert(b.end(), {4, 2});
    timestamps();
    b.insert(b.end(), {1, 3, 3, 7});
  } else if (room >= 12) {
    b.insert(b.end(), {1, 1});
    timestamps();
  }
  b.resize(start + room, 0);
}

Bytes tcp_segment(const Packet& p, const TcpNumbers& n) {
  const bool syn = p.tcp_flags & model::net::kSyn;
  // Size the header so that the IP total length is the model's: 60 for a SYN (20 bytes of
  // options), 52 for later segments (timestamps). Lengths that no header fits get the plain form.
  std::size_t header = syn ? 40 : 32;
  const std::size_t data = p.payload.size();
  if (p.length >= kIpHeader + kTcpHeader + data) {
    const std::size_t room = p.length - kIpHeader - data;
    if (room <= 60 && room % 4 == 0) header = room;
  }
  Bytes b;
  put16(b, p.sport);
  put16(b, p.dport);
  put32(b, n.seq);
  put32(b, (p.tcp_flags & model::net::kAck) ? n.ack : 0);
  b.push_back(static_cast<std::uint8_t>((header / 4) << 4));
  b.push_back(p.tcp_flags);
  put16(b, 64240);  // Linux's initial window for a 1460-byte MSS; a stand-in, the model has none
  put16(b, 0);      // checksum, below
  put16(b, 0);      // urgent pointer
  tcp_options(b, header - kTcpHeader, syn, n);
  b.insert(b.end(), p.payload.begin(), p.payload.end());
  // A probe sized beyond its headers (an MTU test) carries zeros, so the frame has the length
  // the datapath judged.
  if (p.payload.empty() && p.length > kIpHeader + b.size()) b.resize(p.length - kIpHeader, 0);
  set16(b, 16, transport_checksum(p.src.value(), p.dst.value(), 6, b));
  return b;
}

Bytes udp_datagram(std::uint16_t sport, std::uint16_t dport, const Bytes& payload, std::size_t pad_to,
                   std::uint32_t src, std::uint32_t dst, bool checksum) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  const std::size_t len = std::max(kUdpHeader + payload.size(), pad_to);
  put16(b, static_cast<std::uint16_t>(std::min<std::size_t>(len, 0xffff)));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  b.resize(len, 0);
  if (checksum) set16(b, 6, transport_checksum(src, dst, 17, b));
  return b;
}

std::pair<std::uint8_t, std::uint8_t> icmp_type_code(IcmpKind k) {
  switch (k) {
    case IcmpKind::EchoRequest: return {8, 0};
    case IcmpKind::EchoReply: return {0, 0};
    case IcmpKind::NetUnreachable: return {3, 0};
    case IcmpKind::HostUnreachable: return {3, 1};
    case IcmpKind::PortUnreachable: return {3, 3};
    case IcmpKind::FragmentationNeeded: return {3, 4};
    case IcmpKind::AdminProhibited: return {3, 13};
    case IcmpKind::TimeExceeded: return {11, 0};
    case IcmpKind::None: break;
  }
  return {0, 0};
}

// RFC 792: an error quotes the offending datagram's IP header and its first 8 data bytes. The
// model keeps the offending five-tuple, from which both are rebuilt.
Bytes icmp_quote(const model::net::FiveTuple& q, IcmpKind kind) {
  const auto proto = static_cast<std::uint8_t>(q.protocol);
  const std::size_t total = q.protocol == Protocol::Tcp ? 60 : 28;
  const std::uint8_t ttl = kind == IcmpKind::TimeExceeded ? 1 : 64;
  Bytes b = ipv4_header(q.src.value(), q.dst.value(), proto, ttl, 0, true, total);
  put16(b, q.sport);
  put16(b, q.dport);
  if (q.protocol == Protocol::Udp) {
    put16(b, static_cast<std::uint16_t>(total - kIpHeader));
    put16(b, 0);  // the quoted checksum is not recomputable from 8 bytes; 0 = "none" for UDP
  } else {
    put32(b, 0);  // TCP: the sequence number
  }
  return b;
}

Bytes icmp_message(const Packet& p) {
  const auto [type, code] = icmp_type_code(p.icmp);
  Bytes b{type, code, 0, 0};
  if (p.icmp == IcmpKind::EchoRequest || p.icmp == IcmpKind::EchoReply) {
    put16(b, p.sport);  // identifier
    put16(b, p.dport);  // sequence
  } else {
    put32(b, 0);  // unused (fragmentation needed: the next-hop MTU, which the model does not keep)
    if (p.icmp_quoted) {
      Bytes q = icmp_quote(*p.icmp_quoted, p.icmp);
      b.insert(b.end(), q.begin(), q.end());
    }
  }
  b.insert(b.end(), p.payload.begin(), p.payload.end());
  if (p.length > kIpHeader + b.size()) b.resize(p.length - kIpHeader, 0);
  set16(b, 2, internet_checksum(b));
  return b;
}

Bytes ip_payload(const Packet& p, const TcpNumbers& n) {
  if (!p.inner.empty()) {
    // VXLAN (RFC 7348): flags with the I bit, 24-bit VNI, then the inner Ethernet frame. Linux's
    // vxlan driver sends the outer UDP checksum as zero unless udpcsum is set, and Flannel does
    // not set it, so the wire carries zero.
    Bytes vx{0x08, 0, 0, 0};
    put32(vx, p.vxlan_vni << 8);
    Bytes inner = ethernet_frame(p.inner.front(), n);
    vx.insert(vx.end(), inner.begin(), inner.end());
    return udp_datagram(p.sport, p.dport, vx, 0, p.src.value(), p.dst.value(), false);
  }
  switch (p.protocol) {
    case Protocol::Tcp: return tcp_segment(p, n);
    case Protocol::Udp: {
      const std::size_t pad = p.payload.empty() && p.length > kIpHeader ? p.length - kIpHeader : 0;
      return udp_datagram(p.sport, p.dport, p.payload, pad, p.src.value(), p.dst.value(), true);
    }
    case Protocol::Icmp: return icmp_message(p);
    case Protocol::Sctp: {
      // Only the common header's ports; no chunks are modelled (verification tag and CRC32c zero).
      Bytes b;
      put16(b, p.sport);
      put16(b, p.dport);
      put32(b, 0);
      put32(b, 0);
      return b;
    }
  }
  return {};
}

}  // namespace

std::uint16_t internet_checksum(std::span<const std::uint8_t> data) { return fold(sum16(data)); }

std::uint16_t transport_checksum(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                                 std::span<const std::uint8_t> segment) {
  std::uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol +
                      static_cast<std::uint32_t>(segment.size());
  std::uint16_t c = fold(sum16(segment, sum));
  if (protocol == 17 && c == 0) c = 0xffff;
  return c;
}

std::vector<std::uint8_t> ethernet_frame(const Packet& p, const TcpNumbers& n) {
  Bytes l4 = ip_payload(p, n);
  Bytes frame;
  frame.reserve(14 + kIpHeader + l4.size());
  put_mac(frame, p.dst_mac);
  put_mac(frame, p.src_mac);
  put16(frame, 0x0800);
  // The IP ID is not modelled; the packet id is stable along the path and differs per packet.
  Bytes ip = ipv4_header(p.src.value(), p.dst.value(), static_cast<std::uint8_t>(p.protocol), p.ttl,
                         static_cast<std::uint16_t>(p.id), p.dont_fragment, kIpHeader + l4.size());
  frame.insert(frame.end(), ip.begin(), ip.end());
  frame.insert(frame.end(), l4.begin(), l4.end());
  return frame;
}

}  // namespace packetwalk::ui::render
