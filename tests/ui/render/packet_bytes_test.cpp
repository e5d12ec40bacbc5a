// Checksums against known values, and frames that hold together (lengths, VXLAN layout).
#include <gtest/gtest.h>

#include "../../../ui/render/packet_bytes.h"

namespace packetwalk::ui::render {
namespace {

using Bytes = std::vector<std::uint8_t>;
using model::net::Ipv4Address;

Bytes hex(const std::string& h) {
  Bytes b;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) b.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return b;
}

std::uint16_t at16(const Bytes& b, std::size_t i) { return static_cast<std::uint16_t>(b[i] << 8 | b[i + 1]); }

TEST(Checksum, Rfc1071Example) { EXPECT_EQ(internet_checksum(hex("0001f203f4f5f6f7")), 0x220d); }

TEST(Checksum, Ipv4HeaderKnownValue) {
  // The classic worked example: 192.168.0.1 -> 192.168.0.199, UDP, total length 115.
  EXPECT_EQ(internet_checksum(hex("450000730000400040110000c0a80001c0a800c7")), 0xb861);
  // A header holding its checksum sums to zero.
  EXPECT_EQ(internet_checksum(hex("45000073000040004011b861c0a80001c0a800c7")), 0);
}

TEST(Checksum, OddLengthPadsWithZero) { EXPECT_EQ(internet_checksum(hex("01")), internet_checksum(hex("0100"))); }

TEST(Checksum, UdpPseudoHeaderKnownValue) {
  // 10.244.0.2:40000 -> 10.96.0.10:53, payload "abc".
  const Bytes udp = hex("9c400035000b0000616263");
  EXPECT_EQ(transport_checksum(0x0af40002, 0x0a60000a, 17, udp), 0x89a0);
}

TEST(Checksum, TcpPseudoHeaderKnownValue) {
  // 10.244.0.2:40000 -> 10.244.1.2:8080 SYN, seq 0x12345678, window 64240, no options.
  const Bytes tcp = hex("9c401f90123456780000000050020fb000000000");
  // 0x64ca, computed independently (RFC 1071 sum over pseudo-header + segment, in Python).
  EXPECT_EQ(transport_checksum(0x0af40002, 0x0af40102, 6, tcp), 0x64ca);
}

model::net::Packet syn() {
  model::net::Packet p;
  p.id = 7;
  p.src = *Ipv4Address::parse("10.244.0.2");
  p.dst = *Ipv4Address::parse("10.244.1.2");
  p.sport = 40000;
  p.dport = 8080;
  p.tcp_flags = model::net::kSyn;
  p.length = 60;
  p.src_mac.value = 0x0a5800000001;
  p.dst_mac.value = 0x0a5800000002;
  return p;
}

TEST(EthernetFrame, TcpSynHasModelLengthAndValidChecksums) {
  const Bytes f = ethernet_frame(syn(), {0x01020304, 0, 1000, 0});
  ASSERT_EQ(f.size(), 14u + 60u);
  EXPECT_EQ(at16(f, 12), 0x0800);
  const Bytes ip(f.begin() + 14, f.begin() + 34);
  EXPECT_EQ(internet_checksum(ip), 0);
  EXPECT_EQ(at16(f, 16), 60);       // total length
  EXPECT_EQ(f[14 + 20 + 12] >> 4, 10);  // data offset: 40-byte header (MSS, SACK, TS, WS)
  const Bytes tcp(f.begin() + 34, f.end());
  EXPECT_EQ(transport_checksum(0x0af40002, 0x0af40102, 6, tcp), 0);  // verifying sums to zero
}

TEST(EthernetFrame, VxlanCarrierWrapsInnerFrame) {
  model::net::Packet carrier;
  carrier.protocol = model::net::Protocol::Udp;
  carrier.src = *Ipv4Address::parse("192.168.0.11");
  carrier.dst = *Ipv4Address::parse("192.168.0.12");
  carrier.sport = 40001;
  carrier.dport = 8472;
  carrier.vxlan_vni = 1;
  carrier.inner.push_back(syn());
  const Bytes f = ethernet_frame(carrier, {});
  ASSERT_EQ(f.size(), 14u + 20u + 8u + 8u + 14u + 60u);
  EXPECT_EQ(f[14 + 9], 17);
  EXPECT_EQ(at16(f, 14 + 20 + 2), 8472);
  EXPECT_EQ(at16(f, 14 + 20 + 4), 8 + 8 + 14 + 60);  // UDP length
  EXPECT_EQ(at16(f, 14 + 20 + 6), 0);                // outer checksum: zero, as Linux's vxlan sends
  EXPECT_EQ(f[42], 0x08);                            // VXLAN I flag
  EXPECT_EQ(f[46] << 16 | f[47] << 8 | f[48], 1);    // VNI
  EXPECT_EQ(at16(f, 50 + 12), 0x0800);               // inner Ethernet type
}

TEST(EthernetFrame, IcmpErrorQuotesHeaderAndEightBytes) {
  model::net::Packet p;
  p.protocol = model::net::Protocol::Icmp;
  p.icmp = model::net::IcmpKind::PortUnreachable;
  p.src = *Ipv4Address::parse("10.244.1.2");
  p.dst = *Ipv4Address::parse("10.244.0.2");
  p.icmp_quoted = model::net::FiveTuple{model::net::Protocol::Udp, p.dst, p.src, 40000, 53};
  p.length = 56;
  const Bytes f = ethernet_frame(p, {});
  ASSERT_EQ(f.size(), 14u + 56u);
  EXPECT_EQ(f[34], 3);
  EXPECT_EQ(f[35], 3);
  const Bytes icmp(f.begin() + 34, f.end());
  EXPECT_EQ(internet_checksum(icmp), 0);
  const Bytes quoted_ip(f.begin() + 42, f.begin() + 62);
  EXPECT_EQ(internet_checksum(quoted_ip), 0);
  EXPECT_EQ(at16(f, 62), 40000);
  EXPECT_EQ(at16(f, 64), 53);
}

}  // namespace
}  // namespace packetwalk::ui::render
