#include "packetwalk/model/net/packet.h"

#include <cstdio>

namespace packetwalk::model::net {

std::string MacAddress::to_string() const {
  // Hand-rolled rather than snprintf: traces name MACs on every VXLAN hop.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(17, ':');
  for (int i = 0; i < 6; ++i) {
    const auto octet = static_cast<unsigned>((value >> (40 - 8 * i)) & 0xff);
    out[3 * i] = kHex[octet >> 4];
    out[3 * i + 1] = kHex[octet & 0xf];
  }
  return out;
}

std::string tcp_flags_text(std::uint8_t flags) {
  // tcpdump's notation: S=SYN F=FIN R=RST P=PSH and '.' for ACK.
  std::string out;
  if (flags & kSyn) out += 'S';
  if (flags & kFin) out += 'F';
  if (flags & kRst) out += 'R';
  if (flags & kPsh) out += 'P';
  if (flags & kAck) out += '.';
  return out.empty() ? "none" : out;
}

std::string_view icmp_kind_name(IcmpKind k) {
  switch (k) {
    case IcmpKind::None: return "none";
    case IcmpKind::EchoRequest: return "echo request";
    case IcmpKind::EchoReply: return "echo reply";
    case IcmpKind::PortUnreachable: return "port unreachable";
    case IcmpKind::HostUnreachable: return "host unreachable";
    case IcmpKind::NetUnreachable: return "net unreachable";
    case IcmpKind::AdminProhibited: return "admin prohibited";
    case IcmpKind::FragmentationNeeded: return "fragmentation needed";
    case IcmpKind::TimeExceeded: return "time exceeded";
  }
  return "?";
}

std::string FiveTuple::to_string() const {
  return std::string(kube_name(protocol)) + " " + src.to_string() + ":" + std::to_string(sport) + " -> " +
         dst.to_string() + ":" + std::to_string(dport);
}

std::string Packet::summary() const {
  std::string out;
  if (protocol == Protocol::Icmp) {
    out = src.to_string() + " > " + dst.to_string() + " ICMP " + std::string(icmp_kind_name(icmp));
    if (icmp_quoted) out += " (for " + icmp_quoted->to_string() + ")";
  } else {
    out = src.to_string() + ":" + std::to_string(sport) + " > " + dst.to_string() + ":" + std::to_string(dport) +
          " " + std::string(kube_name(protocol));
    if (protocol == Protocol::Tcp) out += " [" + tcp_flags_text(tcp_flags) + "]";
  }
  out += " ttl " + std::to_string(ttl) + " len " + std::to_string(length);
  if (!inner.empty()) out += " VXLAN vni " + std::to_string(vxlan_vni) + " { " + inner.front().summary() + " }";
  return out;
}

}  // namespace packetwalk::model::net
