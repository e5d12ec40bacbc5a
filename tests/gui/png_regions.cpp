#include "png_regions.h"

#include <stb_image.h>  // implemented in libstb

#include <algorithm>
#include <cstdlib>

namespace packetwalk::tests::gui {

std::optional<Image> Image::load(const std::string& path) {
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 3);
  if (!data) return std::nullopt;
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.assign(data, data + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  stbi_image_free(data);
  return img;
}

namespace {

template <class F>
void for_each_match(const Image& img, const ui::gui::PaneRect& r, ui::gui::theme::Rgb c, int tol, F&& f) {
  const int x0 = std::max(0, static_cast<int>(r.x)), y0 = std::max(0, static_cast<int>(r.y));
  const int x1 = std::min(img.width, static_cast<int>(r.x + r.w)), y1 = std::min(img.height, static_cast<int>(r.y + r.h));
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const unsigned char* p = &img.rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)) * 3];
      if (std::abs(p[0] - c.r) <= tol && std::abs(p[1] - c.g) <= tol && std::abs(p[2] - c.b) <= tol) f(x, y);
    }
  }
}

}  // namespace

std::size_t Image::count(const ui::gui::PaneRect& r, ui::gui::theme::Rgb c, int tolerance) const {
  std::size_t n = 0;
  for_each_match(*this, r, c, tolerance, [&](int, int) { ++n; });
  return n;
}

std::optional<double> Image::centroid_x(const ui::gui::PaneRect& r, ui::gui::theme::Rgb c) const {
  double sum = 0;
  std::size_t n = 0;
  for_each_match(*this, r, c, 0, [&](int x, int) {
    sum += x;
    ++n;
  });
  if (n == 0) return std::nullopt;
  return sum / static_cast<double>(n);
}

}  // namespace packetwalk::tests::gui
