#pragma once
// A timeline lane (the Tracy TimelineItem idea): a small object with a stable key that first
// prepares what is visible in the current view, then paints it. Lanes own no model data; they
// point into the Snapshot, which outlives them.

#include <imgui.h>

#include <cstdint>
#include <string>

#include "timeline_view.h"

namespace packetwalk::ui::gui {

class Lane {
public:
  virtual ~Lane() = default;
  virtual std::uint64_t key() const = 0;       // stable across frames (and reloads)
  virtual std::string label() const = 0;       // header text
  virtual bool failed() const = 0;             // header colour
  virtual double range_from() const = 0;       // covered range on the axis
  virtual double range_to() const = 0;
  // Called once per frame before paint(), with the view that paint() will get.
  virtual void prepare(const TimelineView& view) = 0;
  virtual void paint(ImDrawList* dl, float x0, float x1, const TimelineView& view, bool selected) const = 0;
};

}  // namespace packetwalk::ui::gui
