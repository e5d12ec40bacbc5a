#include "replay.h"

#include <algorithm>
#include <cmath>

namespace packetwalk::ui::gui {

double step_seconds(std::int64_t gap_ns) {
  const double us = static_cast<double>(std::max<std::int64_t>(0, gap_ns)) / 1000.0;
  return std::min(1.2, 0.15 + 0.25 * std::log10(1.0 + us));
}

double advance_cursor(const ProbeView& p, double cursor, double wall_seconds, double speed) {
  if (p.hops.size() < 2) return 0;
  const double last = static_cast<double>(p.hops.size() - 1);
  double budget = std::max(0.0, wall_seconds * speed);
  cursor = std::clamp(cursor, 0.0, last);
  while (budget > 0 && cursor < last) {
    const auto i = static_cast<std::size_t>(cursor);
    const double frac = cursor - static_cast<double>(i);
    const double seg = step_seconds(p.hops[i + 1].t_ns - p.hops[i].t_ns);
    const double remaining = (1.0 - frac) * seg;
    if (budget >= remaining) {
      cursor = static_cast<double>(i + 1);
      budget -= remaining;
    } else {
      cursor += budget / seg;
      budget = 0;
    }
  }
  return std::min(cursor, last);
}

std::size_t hop_at(const ProbeView& p, double cursor) {
  if (p.hops.empty()) return 0;
  // A hair of tolerance so that floating steps landing at 4.9999999 count as hop 5.
  const double c = std::clamp(cursor + 1e-9, 0.0, static_cast<double>(p.hops.size() - 1));
  return static_cast<std::size_t>(c);
}

std::int64_t time_at(const ProbeView& p, double cursor) {
  if (p.hops.empty()) return 0;
  const std::size_t i = hop_at(p, cursor);
  if (i + 1 >= p.hops.size()) return p.hops[i].t_ns;
  const double frac = std::clamp(cursor - static_cast<double>(i), 0.0, 1.0);
  const auto a = p.hops[i].t_ns, b = p.hops[i + 1].t_ns;
  return a + static_cast<std::int64_t>(std::llround(frac * static_cast<double>(b - a)));
}

Vec2 point_along(const std::vector<Vec2>& path, double fraction) {
  if (path.empty()) return {};
  if (path.size() == 1 || fraction <= 0) return path.front();
  double total = 0;
  for (std::size_t k = 1; k < path.size(); ++k) total += std::hypot(path[k].x - path[k - 1].x, path[k].y - path[k - 1].y);
  if (total <= 0 || fraction >= 1) return path.back();
  double want = fraction * total;
  for (std::size_t k = 1; k < path.size(); ++k) {
    const double len = std::hypot(path[k].x - path[k - 1].x, path[k].y - path[k - 1].y);
    if (want <= len && len > 0) {
      const double t = want / len;
      return {static_cast<float>(path[k - 1].x + t * (path[k].x - path[k - 1].x)),
              static_cast<float>(path[k - 1].y + t * (path[k].y - path[k - 1].y))};
    }
    want -= len;
  }
  return path.back();
}

Vec2 marker_at(const ProbeView& p, double cursor) {
  if (p.hops.empty()) return {};
  const std::size_t i = hop_at(p, cursor);
  const double frac = cursor - static_cast<double>(i);
  if (i + 1 < p.hops.size() && frac > 1e-6 && p.hops[i + 1].leg == p.hops[i].leg)
    return point_along(p.hops[i + 1].path_in, frac);
  return p.hops[i].anchor.at;
}

}  // namespace packetwalk::ui::gui
