#pragma once
// Small bridges between the GUI's plain data (theme colours, scene coordinates) and ImGui.

#include <imgui.h>

#include "layout/graph_layout.h"
#include "theme.h"

namespace packetwalk::ui::gui {

inline ImU32 to_u32(theme::Rgb c, int alpha = 255) { return IM_COL32(c.r, c.g, c.b, alpha); }
inline ImVec4 to_vec4(theme::Rgb c, float alpha = 1.0f) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, alpha); }
inline ImVec2 to_im(Vec2 v) { return ImVec2(v.x, v.y); }

}  // namespace packetwalk::ui::gui
