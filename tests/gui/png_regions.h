#pragma once
// Reads a screenshot back (stbi_load from libstb) and answers questions about its regions: how
// many pixels of exactly one colour a rectangle holds, and where they are.

#include <optional>
#include <string>
#include <vector>

#include "gui/pane_layout.h"
#include "gui/theme.h"

namespace packetwalk::tests::gui {

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;  // width * height * 3

  static std::optional<Image> load(const std::string& path);
  // Pixels inside `r` (clipped to the image) that are exactly `c` (within `tolerance` per channel).
  std::size_t count(const ui::gui::PaneRect& r, ui::gui::theme::Rgb c, int tolerance = 0) const;
  // Mean x of those pixels; nullopt when there are none.
  std::optional<double> centroid_x(const ui::gui::PaneRect& r, ui::gui::theme::Rgb c) const;
};

}  // namespace packetwalk::tests::gui
