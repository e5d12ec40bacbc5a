#pragma once
// The timeline's time axis. Simulated time is linear, but a probe's story mixes microsecond hops
// with second-long silences (ARP retries, timeouts); drawn linearly, the hops would collapse into
// one line. The axis keeps every stretch up to `max_gap` linear and squeezes each longer idle
// stretch (no hop of any probe inside it) to `max_gap`, so every hop stays visible while order
// and the length of short intervals stay true. Display units are nanoseconds-like doubles.

#include <cstdint>
#include <vector>

namespace packetwalk::ui::gui {

class TimeAxis {
public:
  struct Gap {
    std::int64_t from = 0, to = 0;  // simulated ns: no hop strictly inside (from, to)
    double display_from = 0;        // where `from` lands on the axis
  };

  TimeAxis() = default;
  // `times` in any order, duplicates allowed.
  static TimeAxis build(std::vector<std::int64_t> times, std::int64_t max_gap_ns);

  double to_display(std::int64_t t_ns) const;  // monotonic non-decreasing
  std::int64_t to_time(double display) const;  // inverse (rounded) of to_display
  const std::vector<Gap>& gaps() const { return gaps_; }
  std::int64_t max_gap() const { return max_gap_; }

private:
  std::vector<Gap> gaps_;  // sorted by `from`
  std::int64_t max_gap_ = 1;
};

}  // namespace packetwalk::ui::gui
