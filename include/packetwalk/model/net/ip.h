#pragma once
// IPv4 addresses, prefixes, ports and protocols: the value types every layer of the model shares.
// Parsing never throws; it returns std::nullopt so callers can report the input's position.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace packetwalk::model::net {

class Ipv4Address {
public:
  constexpr Ipv4Address() = default;
  constexpr explicit Ipv4Address(std::uint32_t host_order) : value_(host_order) {}
  static constexpr Ipv4Address from_octets(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Ipv4Address((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d);
  }
  // Dotted quad only ("10.244.1.5"); no leading zeros beyond a single "0", no trailing text.
  static std::optional<Ipv4Address> parse(std::string_view text);

  constexpr std::uint32_t value() const { return value_; }
  constexpr bool is_unspecified() const { return value_ == 0; }
  constexpr bool is_loopback() const { return (value_ >> 24) == 127; }
  std::string to_string() const;

  constexpr auto operator<=>(const Ipv4Address&) const = default;

private:
  std::uint32_t value_ = 0;
};

// A prefix such as 10.244.0.0/16. The stored address keeps whatever host bits the user wrote;
// network() gives the masked address. Kubernetes rejects CIDRs with host bits set in most fields,
// so validators call has_host_bits() to say so.
class Cidr {
public:
  constexpr Cidr() = default;
  constexpr Cidr(Ipv4Address address, int prefix_length) : address_(address), length_(prefix_length) {}
  // "a.b.c.d/n" with 0 <= n <= 32. A bare address is rejected (use host()).
  static std::optional<Cidr> parse(std::string_view text);
  static constexpr Cidr host(Ipv4Address a) { return Cidr(a, 32); }

  constexpr Ipv4Address address() const { return address_; }
  constexpr int prefix_length() const { return length_; }
  constexpr std::uint32_t mask() const { return length_ == 0 ? 0u : ~std::uint32_t{0} << (32 - length_); }
  constexpr Ipv4Address network() const { return Ipv4Address(address_.value() & mask()); }
  constexpr Ipv4Address broadcast() const { return Ipv4Address(network().value() | ~mask()); }
  constexpr bool has_host_bits() const { return (address_.value() & ~mask()) != 0; }
  constexpr bool contains(Ipv4Address a) const { return (a.value() & mask()) == network().value(); }
  constexpr bool contains(const Cidr& other) const {
    return other.length_ >= length_ && contains(other.address_);
  }
  constexpr bool overlaps(const Cidr& other) const { return contains(other.address_) || other.contains(address_); }
  // The n-th address inside the prefix (0 = network address).
  constexpr Ipv4Address nth(std::uint32_t n) const { return Ipv4Address(network().value() + n); }
  constexpr std::uint64_t size() const { return std::uint64_t{1} << (32 - length_); }
  std::string to_string() const;  // "10.244.0.0/16" (as written, host bits kept)

  constexpr auto operator<=>(const Cidr&) const = default;

private:
  Ipv4Address address_;
  int length_ = 32;
};

enum class Protocol : std::uint8_t { Tcp = 6, Udp = 17, Sctp = 132, Icmp = 1 };

// "TCP", "UDP", "SCTP" as the Kubernetes API spells them (case-sensitive, like the API server).
std::optional<Protocol> parse_kube_protocol(std::string_view text);
std::string_view kube_name(Protocol p);   // "TCP"
std::string_view lower_name(Protocol p);  // "tcp" (iptables, nftables, chain-name hashes)

using Port = std::uint16_t;

}  // namespace packetwalk::model::net
