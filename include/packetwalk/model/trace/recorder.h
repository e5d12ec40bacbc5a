#pragma once
// Subscribes to the engine's hop hook and groups hops into legs (one leg per packet id, in the
// order packets first appear). Formats nothing.

#include <map>

#include "packetwalk/model/trace/trace.h"

namespace packetwalk::model::trace {

class Recorder {
public:
  void record(const Hop& hop) { record(Hop(hop)); }
  void record(Hop&& hop);
  // The legs recorded so far, each named after its first hop's packet note (or its TCP flags).
  std::vector<Leg> take_legs();

private:
  std::vector<Leg> legs_;
  std::map<std::uint64_t, std::size_t> leg_of_packet_;
  std::uint64_t last_packet_ = 0;  // hops come in runs of one packet: skip the map lookup for those
  std::size_t last_leg_ = 0;
};

}  // namespace packetwalk::model::trace
