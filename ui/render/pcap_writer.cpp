#include "pcap_writer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "atomic_file.h"
#include "packet_bytes.h"
#include "packetwalk/version.h"

namespace packetwalk::ui::render {

using model::trace::HopAction;
using model::trace::Trace;

namespace {

using Bytes = std::vector<std::uint8_t>;

// pcapng is written little-endian; the byte-order magic tells readers so.
void le16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void le32(Bytes& b, std::uint32_t v) {
  le16(b, static_cast<std::uint16_t>(v));
  le16(b, static_cast<std::uint16_t>(v >> 16));
}
void pad4(Bytes& b) {
  while (b.size() % 4) b.push_back(0);
}
void option(Bytes& b, std::uint16_t code, const Bytes& value) {
  le16(b, code);
  le16(b, static_cast<std::uint16_t>(value.size()));
  b.insert(b.end(), value.begin(), value.end());
  pad4(b);
}
void option(Bytes& b, std::uint16_t code, const std::string& text) { option(b, code, Bytes(text.begin(), text.end())); }
void end_of_options(Bytes& b) { le32(b, 0); }

// A block: type, total length, body, total length again.
void block(Bytes& out, std::uint32_t type, const Bytes& body) {
  const auto total = static_cast<std::uint32_t>(12 + body.size());
  le32(out, type);
  le32(out, total);
  out.insert(out.end(), body.begin(), body.end());
  le32(out, total);
}

constexpr std::uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr std::uint32_t kInterfaceDescription = 1;
constexpr std::uint32_t kEnhancedPacket = 6;
constexpr std::uint16_t kLinktypeEthernet = 1;
constexpr std::uint32_t kSnapLen = 262144;

// Sequence numbers and timestamps for each TCP leg. The model has connections but not sequence
// space, so each side's ISN is a hash of the connection and every leg moves it on as TCP would
// (SYN and FIN count one, data its length), with ACKs acknowledging the other side's next byte:
// Wireshark's conversation analysis then reads a clean handshake.
std::vector<TcpNumbers> tcp_numbers(const Trace& trace) {
  std::vector<TcpNumbers> out(trace.legs.size());
  if (trace.legs.empty() || trace.legs.front().hops.empty()) return out;
  const auto& f = trace.legs.front().hops.front();
  const auto& first = f.before ? *f.before : f.packet;
  auto isn = [](std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return static_cast<std::uint32_t>(x);
  };
  const std::uint64_t key = (std::uint64_t{first.src.value()} << 32 | first.dst.value()) ^
                            (std::uint64_t{first.sport} << 16 | first.dport);
  std::uint32_t next[2] = {isn(key), isn(~key)};  // [0] client, [1] server
  std::uint32_t last_ts[2] = {0, 0};
  for (std::size_t i = 0; i < trace.legs.size(); ++i) {
    const auto& leg = trace.legs[i];
    if (leg.hops.empty()) continue;
    const auto& h = leg.hops.front();
    const auto& p = (h.before ? *h.before : h.packet).innermost();
    if (p.protocol != model::net::Protocol::Tcp) continue;
    const int side = (p.src == first.src && p.sport == first.sport) ? 0 : 1;
    TcpNumbers& n = out[i];
    n.seq = next[side];
    n.ack = next[1 - side];
    // TSval ticks in milliseconds of simulated time from a per-side base, as Linux's does.
    n.ts_val = 1000u * (1 + static_cast<std::uint32_t>(side)) + static_cast<std::uint32_t>(h.time.count_ns() / 1000000);
    n.ts_ecr = (p.tcp_flags == model::net::kSyn) ? 0 : last_ts[1 - side];
    last_ts[side] = n.ts_val;
    next[side] += static_cast<std::uint32_t>(p.payload.size());
    if (p.tcp_flags & (model::net::kSyn | model::net::kFin)) next[side] += 1;
  }
  return out;
}

struct Captured {
  std::int64_t time_ns;
  std::size_t leg, hop;
  const model::trace::Hop* h;
};

}  // namespace

std::vector<std::uint8_t> pcapng_bytes(const Trace& trace) {
  Bytes out;
  {
    Bytes shb;
    le32(shb, 0x1A2B3C4D);
    le16(shb, 1);
    le16(shb, 0);
    le32(shb, 0xffffffffu);  // section length unknown (-1)
    le32(shb, 0xffffffffu);
    option(shb, 4, "packetwalk " + std::string(kVersion));  // shb_userappl
    end_of_options(shb);
    block(out, kSectionHeader, shb);
  }

  std::vector<Captured> packets;
  for (std::size_t l = 0; l < trace.legs.size(); ++l) {
    const auto& hops = trace.legs[l].hops;
    for (std::size_t i = 0; i < hops.size(); ++i) {
      const auto& h = hops[i];
      if ((h.action == HopAction::Transmit || h.action == HopAction::Receive) && !h.iface.empty()) {
        packets.push_back({h.time.count_ns(), l, i, &h});
      }
    }
  }
  std::stable_sort(packets.begin(), packets.end(), [](const Captured& a, const Captured& b) {
    return std::tie(a.time_ns, a.leg, a.hop) < std::tie(b.time_ns, b.leg, b.hop);
  });

  // Interfaces in order of first use, so ids follow the packet's path.
  std::map<std::string, std::uint32_t> iface_ids;
  for (const auto& c : packets) {
    const std::string name = c.h->netns + "/" + c.h->iface;
    if (iface_ids.count(name)) continue;
    iface_ids.emplace(name, static_cast<std::uint32_t>(iface_ids.size()));
    Bytes idb;
    le16(idb, kLinktypeEthernet);
    le16(idb, 0);
    le32(idb, kSnapLen);
    option(idb, 2, name);           // if_name
    option(idb, 9, Bytes{9});       // if_tsresol: 10^-9 s
    if (!c.h->node.empty()) option(idb, 3, "node " + c.h->node);  // if_description
    end_of_options(idb);
    block(out, kInterfaceDescription, idb);
  }

  const auto numbers = tcp_numbers(trace);
  for (const auto& c : packets) {
    const auto& h = *c.h;
    const Bytes frame = ethernet_frame(h.packet, numbers[c.leg]);
    Bytes epb;
    le32(epb, iface_ids.at(h.netns + "/" + h.iface));
    const auto ts = static_cast<std::uint64_t>(std::max<std::int64_t>(0, c.time_ns));
    le32(epb, static_cast<std::uint32_t>(ts >> 32));
    le32(epb, static_cast<std::uint32_t>(ts));
    le32(epb, static_cast<std::uint32_t>(frame.size()));
    le32(epb, static_cast<std::uint32_t>(frame.size()));
    epb.insert(epb.end(), frame.begin(), frame.end());
    pad4(epb);
    Bytes flags;
    le32(flags, h.action == HopAction::Receive ? 1u : 2u);  // epb_flags direction: inbound / outbound
    option(epb, 2, flags);
    const std::string what = h.action == HopAction::Receive ? "receive" : "transmit";
    option(epb, 1, trace.legs[c.leg].name + ": " + what + " at " + h.netns + " " + h.iface);  // opt_comment
    end_of_options(epb);
    block(out, kEnhancedPacket, epb);
  }
  return out;
}

bool write_pcapng(const Trace& trace, const std::string& path, std::string& error) {
  const Bytes bytes = pcapng_bytes(trace);
  return write_file_atomically(path, {reinterpret_cast<const char*>(bytes.data()), bytes.size()}, error);
}

std::string capture_file_name(const std::string& probe_name, std::size_t index) {
  std::string name = probe_name;
  for (char& ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                    ch == '_' || ch == '.';
    if (!ok) ch = '_';
  }
  if (name.empty() || name.front() == '.') name = "probe-" + std::to_string(index + 1);
  return name + ".pcapng";
}

}  // namespace packetwalk::ui::render
