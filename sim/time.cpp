#include "packetwalk/sim/time.h"

#include <cstdio>

namespace packetwalk::sim {

std::string format_time(Time t) {
  const std::int64_t ns = t.count_ns();
  // Magnitude in unsigned arithmetic so INT64_MIN does not overflow on negation.
  const std::uint64_t magnitude =
      ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%s%llu.%03lluus", ns < 0 ? "-" : "",
                              static_cast<unsigned long long>(magnitude / 1000),
                              static_cast<unsigned long long>(magnitude % 1000));
  return std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace packetwalk::sim
