#pragma once
// Query layer: one device's transmit side under load (`links:` in a scenario). Linux queues a
// device's outgoing frames in its qdisc — pfifo_fast, or pfifo with `limit` = txqueuelen — and the
// NIC sends them one after the other at the line rate. A frame arriving when txqueuelen frames are
// already waiting is dropped at the tail. Frames being transmitted have left the qdisc and do not
// count against the limit.
//
// Times are milliseconds of simulated time; offers must come in non-decreasing time order (the
// load run's event queue guarantees it), which is what makes a single "free at" time exact FIFO.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace packetwalk::model::ingress {

// Bytes a frame takes on an Ethernet wire beyond its IP packet: header 14, FCS 4, preamble 8 and
// inter-frame gap 12. They cost line time like payload does.
inline constexpr int kEthernetWireOverhead = 38;
// Outer IP, UDP, VXLAN and inner Ethernet headers of a Flannel VXLAN carrier.
inline constexpr int kVxlanOverhead = 50;
// IPv4 and TCP headers without options.
inline constexpr int kTcpIpHeaders = 40;

// The wire sizes of the frames carrying `message_bytes` of TCP payload in segments of at most
// `mss` bytes, each with `per_frame_overhead` bytes of headers and framing.
std::vector<int> message_frames(int message_bytes, int mss, int per_frame_overhead);

struct LinkStats {
  std::string device;         // "external/router/eth0"
  double bandwidth_bps = 0;
  int txqueuelen = 0;
  std::uint64_t frames = 0;   // sent
  std::uint64_t bytes = 0;    // sent, wire bytes
  std::uint64_t drops = 0;    // tail drops
  double busy_ms = 0;         // time spent transmitting
  double last_ms = 0;         // when its last frame left
  int max_backlog = 0;        // most frames waiting in the qdisc at once
};

class LinkQueue {
public:
  LinkQueue(std::string device, double bandwidth_bps, int txqueuelen);

  struct Result {
    double done_ms = 0;  // when the last accepted frame has left the device (the offer time if none)
    int accepted = 0;    // frames queued or sent, in order from the first
    int dropped = 0;     // the last `dropped` frames of the offer were refused (tail drop)
  };
  // Frames (wire sizes) arriving together at `at_ms`, in order.
  Result offer(double at_ms, const std::vector<int>& frames);
  // Line time of `wire_bytes` at this bandwidth, in milliseconds.
  double transmit_ms(int wire_bytes) const { return static_cast<double>(wire_bytes) * 8.0 / stats_.bandwidth_bps * 1000.0; }

  const LinkStats& stats() const { return stats_; }

private:
  LinkStats stats_;
  double free_ms_ = 0;             // when the line is idle again
  std::deque<double> waiting_;     // start times of frames still in the qdisc (ascending)
};

}  // namespace packetwalk::model::ingress
