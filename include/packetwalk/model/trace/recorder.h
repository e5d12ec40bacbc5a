#pragma once
// Subscribes to the engine's hop hook and groups hops into legs (one leg per packet id, in the
// order packets first appear). Formats nothing.

#include <vector>

#include "packetwalk/model/trace/trace.h"

namespace packetwalk::model::trace {

class Recorder {
public:
  void record(const Hop& hop) { record(Hop(hop)); }
  void record(Hop&& hop);
  // A hop built in place, where it is kept: open() appends an empty hop to the leg of packet
  // `packet_id` and returns it; the caller fills it (its packet must carry that id) and calls
  // close(), which names a new leg after its first hop. A hop is a few hundred bytes, so building
  // it here instead of moving it in saves a tenth of a trace's cost. The reference is valid until
  // the next open() or record(); nothing may be recorded between open() and close().
  Hop& open(std::uint64_t packet_id);
  void close(Hop& hop);
  // The legs recorded so far, each named after its first hop's packet note (or its TCP flags).
  std::vector<Leg> take_legs();

private:
  // The leg of a packet id is found by searching legs_ from the newest: a trace has a handful of
  // legs, and hops come in runs of one packet, so this is rarer and cheaper than a map's nodes.
  std::size_t leg_of(std::uint64_t packet_id) const;
  std::vector<Leg> legs_;
  std::uint64_t last_packet_ = 0;  // hops come in runs of one packet: skip the map lookup for those
  std::size_t last_leg_ = 0;
};

}  // namespace packetwalk::model::trace
