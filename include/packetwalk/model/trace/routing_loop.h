#pragma once
// Names the routing loop in a trace, for the message a user reads when a packet's TTL ran out or
// a probe hit the simulation's event budget: which hosts kept handing the packet to each other
// and by which routes, rather than just "TTL expired".
#include <string>

#include "packetwalk/model/trace/trace.h"

namespace packetwalk::model::trace {

// "routing loop: node-1 (default via 192.168.0.1 dev eth0) -> external/router (10.244.0.0/16 via
// 192.168.0.11 dev eth1) -> node-1": the first cycle of routing decisions in a leg, i.e. the
// route hops from a host's decision to the next time the same host takes the same route for the
// same destination. Empty when no leg repeats a routing decision.
std::string routing_loop(const Trace& trace);

}  // namespace packetwalk::model::trace
