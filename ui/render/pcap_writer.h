#pragma once
// Captures of a probe as pcapng (the format tcpdump -w and Wireshark write), so a trace can be
// opened in Wireshark or read with tshark next to a capture from a real cluster.
//
// One file per probe: a Section Header Block; one Interface Description Block per device a
// packet crossed, named "<netns>/<device>" ("node-1/cni0", "default/web-app/eth0"), linktype
// Ethernet, timestamps in nanoseconds; then one Enhanced Packet Block per Transmit and Receive
// hop, at the hop's simulated time (nanoseconds since the probe started), flagged inbound or
// outbound, with the hop as a comment. Packets are written as the device saw them
// (render/packet_bytes.h): post-NAT where NAT had happened, VXLAN carriers whole on the underlay.
// Blocks are in (time, leg, hop) order; the same trace always gives the same bytes.

#include <cstdint>
#include <string>
#include <vector>

#include "packetwalk/model/trace/trace.h"

namespace packetwalk::ui::render {

// The pcapng file for `trace` as bytes.
std::vector<std::uint8_t> pcapng_bytes(const model::trace::Trace& trace);

// Writes pcapng_bytes(trace) to `path` through a temporary file in the same directory that is
// renamed into place, so a reader never sees half a capture. False with `error` set on failure.
bool write_pcapng(const model::trace::Trace& trace, const std::string& path, std::string& error);

// A file name for a probe's capture in a directory: its name with characters other than
// letters, digits, '-', '_' and '.' replaced by '_', else "probe-N" (N from 1), plus ".pcapng".
std::string capture_file_name(const std::string& probe_name, std::size_t index);

}  // namespace packetwalk::ui::render
