#pragma once
// Handle to a scheduled event: a slot index in the simulator's pool plus that slot's generation.
// Like ns-3's EventId it is a plain value that may outlive its event: cancelling or querying a
// default-constructed id, or one whose event already ran or was cancelled, is safe and reports
// "not pending". Slots bump their generation whenever an event leaves them, so a stale id never
// matches the slot's next occupant (the 32-bit generation would have to wrap first).

#include <cstdint>

namespace packetwalk::sim {

class Simulator;

class EventId {
public:
  constexpr EventId() = default;

  // True if this id came from schedule_*(), whether or not the event is still pending.
  // Use Simulator::is_pending() for liveness.
  constexpr bool valid() const { return generation_ != 0; }

  constexpr std::uint32_t slot() const { return slot_; }
  constexpr std::uint32_t generation() const { return generation_; }

  constexpr bool operator==(const EventId&) const = default;

private:
  friend class Simulator;
  constexpr EventId(std::uint32_t slot, std::uint32_t generation) : slot_(slot), generation_(generation) {}

  std::uint32_t slot_ = 0;
  std::uint32_t generation_ = 0;  // 0 is never issued: it marks the default id
};

}  // namespace packetwalk::sim
