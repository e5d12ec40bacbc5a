#include "packetwalk/model/net/ip.h"

#include <charconv>

namespace packetwalk::model::net {

namespace {
// Parses a decimal number in [0, max] occupying all of `text`; rejects signs, spaces and leading zeros.
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::uint32_t max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}
}  // namespace

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    auto dot = text.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return std::nullopt;
    auto part = parse_decimal(text.substr(0, dot), 255);
    if (!part) return std::nullopt;
    value = (value << 8) | *part;
    text = (dot == std::string_view::npos) ? std::string_view{} : text.substr(dot + 1);
  }
  return Ipv4Address(value);
}

std::string Ipv4Address::to_string() const {
  // Digits written straight into one buffer (no temporary strings): addresses appear in most hops.
  char buf[15];
  std::size_t n = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned octet = (value_ >> shift) & 0xff;
    if (octet >= 100) buf[n++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) buf[n++] = static_cast<char>('0' + octet / 10 % 10);
    buf[n++] = static_cast<char>('0' + octet % 10);
    if (shift) buf[n++] = '.';
  }
  return std::string(buf, n);
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = Ipv4Address::parse(text.substr(0, slash));
  auto length = parse_decimal(text.substr(slash + 1), 32);
  if (!address || !length) return std::nullopt;
  return Cidr(*address, static_cast<int>(*length));
}

std::string Cidr::to_string() const { return address_.to_string() + "/" + std::to_string(length_); }

std::optional<Protocol> parse_kube_protocol(std::string_view text) {
  if (text == "TCP") return Protocol::Tcp;
  if (text == "UDP") return Protocol::Udp;
  if (text == "SCTP") return Protocol::Sctp;
  return std::nullopt;
}

std::string_view kube_name(Protocol p) {
  switch (p) {
    case Protocol::Tcp: return "TCP";
    case Protocol::Udp: return "UDP";
    case Protocol::Sctp: return "SCTP";
    case Protocol::Icmp: return "ICMP";
  }
  return "?";
}

std::string_view lower_name(Protocol p) {
  switch (p) {
    case Protocol::Tcp: return "tcp";
    case Protocol::Udp: return "udp";
    case Protocol::Sctp: return "sctp";
    case Protocol::Icmp: return "icmp";
  }
  return "?";
}

}  // namespace packetwalk::model::net
