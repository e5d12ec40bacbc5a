#include "time_axis.h"

#include <algorithm>
#include <cmath>

namespace packetwalk::ui::gui {

TimeAxis TimeAxis::build(std::vector<std::int64_t> times, std::int64_t max_gap_ns) {
  TimeAxis axis;
  axis.max_gap_ = std::max<std::int64_t>(1, max_gap_ns);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  double removed = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const std::int64_t len = times[i] - times[i - 1];
    if (len <= axis.max_gap_) continue;
    axis.gaps_.push_back({times[i - 1], times[i], static_cast<double>(times[i - 1]) - removed});
    removed += static_cast<double>(len - axis.max_gap_);
  }
  return axis;
}

double TimeAxis::to_display(std::int64_t t) const {
  // The last gap starting at or before t.
  auto it = std::upper_bound(gaps_.begin(), gaps_.end(), t, [](std::int64_t v, const Gap& g) { return v < g.from; });
  if (it == gaps_.begin()) return static_cast<double>(t);
  const Gap& g = *(it - 1);
  const double squeezed = static_cast<double>(max_gap_);
  if (t < g.to) {
    return g.display_from + static_cast<double>(t - g.from) * squeezed / static_cast<double>(g.to - g.from);
  }
  return g.display_from + squeezed + static_cast<double>(t - g.to);
}

std::int64_t TimeAxis::to_time(double d) const {
  auto it = std::upper_bound(gaps_.begin(), gaps_.end(), d, [](double v, const Gap& g) { return v < g.display_from; });
  if (it == gaps_.begin()) return static_cast<std::int64_t>(std::llround(d));
  const Gap& g = *(it - 1);
  const double squeezed = static_cast<double>(max_gap_);
  const double into = d - g.display_from;
  if (into < squeezed) {
    return g.from + static_cast<std::int64_t>(std::llround(into * static_cast<double>(g.to - g.from) / squeezed));
  }
  return g.to + static_cast<std::int64_t>(std::llround(into - squeezed));
}

}  // namespace packetwalk::ui::gui
