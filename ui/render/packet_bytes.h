#pragma once
// A model packet as the bytes a capture on that device would show: Ethernet II, IPv4, and TCP,
// UDP or ICMP with correct checksums; a VXLAN carrier as outer Ethernet/IPv4/UDP/VXLAN around the
// inner frame. The model keeps header fields, not bytes, so what it does not keep is filled in
// deterministically (IP ID from the packet id, TCP options sized to the packet's length, sequence
// numbers handed in by the caller, who sees the whole conversation).

#include <cstdint>
#include <span>
#include <vector>

#include "packetwalk/model/net/packet.h"

namespace packetwalk::ui::render {

// RFC 1071 one's-complement sum of `data` folded to 16 bits and complemented: the value to
// store in a checksum field (computed with that field zero). An odd trailing byte is padded.
std::uint16_t internet_checksum(std::span<const std::uint8_t> data);
// The TCP/UDP checksum: the RFC 793 pseudo-header (source, destination, zero, protocol, L4
// length) followed by `segment` (the L4 header with its checksum field zero, then the payload).
// UDP's result 0 is sent as 0xffff (RFC 768); TCP's is used as is.
std::uint16_t transport_checksum(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                                 std::span<const std::uint8_t> segment);

// What a TCP segment carries beyond the model's fields; one set per leg of a conversation.
struct TcpNumbers {
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t ts_val = 0;
  std::uint32_t ts_ecr = 0;
};

// The Ethernet frame for `p` (outermost headers first; a carrier's inner packet gets `tcp` too,
// since encapsulation does not touch the inner segment).
std::vector<std::uint8_t> ethernet_frame(const model::net::Packet& p, const TcpNumbers& tcp);

}  // namespace packetwalk::ui::render
