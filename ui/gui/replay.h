#pragma once
// The replay cursor's arithmetic, kept free of ImGui so it can be tested: a cursor is a real
// number over a probe's hops (3.25 = a quarter of the way from hop 3 to hop 4).
//
// Pacing follows simulated time on a logarithmic scale: a step between two hops lasts
//   0.15 s + 0.25 s * log10(1 + gap in us)   (at speed 1, at most 1.2 s)
// so hops in the same instant (a route decision and the netfilter walk after it) still show one
// by one, a 50 us wire crossing visibly takes longer than a 1 us veth, and a 3 s ARP timeout does
// not stall the room. The timeline shows the true simulated time of the cursor.

#include <cstdint>

#include "snapshot.h"

namespace packetwalk::ui::gui {

// Seconds of wall time, at speed 1, for a step of `gap_ns` simulated nanoseconds.
double step_seconds(std::int64_t gap_ns);

// The cursor after `wall_seconds` of playing at `speed`; stops at the last hop.
double advance_cursor(const ProbeView& p, double cursor, double wall_seconds, double speed);

// The hop the cursor is on (its integer part), clamped to the probe's hops.
std::size_t hop_at(const ProbeView& p, double cursor);

// Simulated time at the cursor, interpolated between hops.
std::int64_t time_at(const ProbeView& p, double cursor);

// Where the packet marker is: along the path into the next hop when both are in the same leg,
// else at the current hop's anchor.
Vec2 marker_at(const ProbeView& p, double cursor);

// A point `fraction` (0..1) of the way along a polyline, by length.
Vec2 point_along(const std::vector<Vec2>& path, double fraction);

}  // namespace packetwalk::ui::gui
