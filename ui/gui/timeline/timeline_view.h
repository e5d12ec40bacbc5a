#pragma once
// One struct per frame that every lane paints against (the Tracy TimelineContext idea): which
// part of the time axis is visible and where it lands on screen. Time runs downwards, like a
// sequence diagram; lanes sit side by side.

#include "time_axis.h"

namespace packetwalk::ui::gui {

struct TimelineView {
  const TimeAxis* axis = nullptr;
  double from = 0, to = 1;     // visible range on the axis (display units)
  float top = 0, bottom = 1;   // screen y of `from` and `to`
  float left = 0, right = 1;   // screen x of the lanes' visible area, for culling

  float y_of(double d) const { return top + static_cast<float>((d - from) / (to - from)) * (bottom - top); }
  double d_of(float y) const { return from + static_cast<double>((y - top) / (bottom - top)) * (to - from); }
  float y_of_time(std::int64_t t_ns) const { return y_of(axis->to_display(t_ns)); }
};

}  // namespace packetwalk::ui::gui
