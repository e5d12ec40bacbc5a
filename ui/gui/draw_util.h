#pragma once
// Small bridges between the GUI's plain data (theme colours, scene coordinates) and ImGui.

#include <imgui.h>

#include "layout/graph_layout.h"
#include "snapshot.h"
#include "theme.h"

namespace packetwalk::ui::gui {

inline ImU32 to_u32(theme::Rgb c, int alpha = 255) { return IM_COL32(c.r, c.g, c.b, alpha); }
inline ImVec4 to_vec4(theme::Rgb c, float alpha = 1.0f) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, alpha); }
inline ImVec2 to_im(Vec2 v) { return ImVec2(v.x, v.y); }

// A leg's colour: the connection's forward and reply legs, a DNS exchange's query and answer.
inline theme::Rgb leg_colour(const LegSpan& l) {
  if (l.dns >= 0) return l.reply ? theme::kDnsReplyPath : theme::kDnsPath;
  return l.reply ? theme::kReplyPath : theme::kForwardPath;
}

// A small filled label ("DNS") at `at`; returns its width.
inline float badge(ImDrawList* dl, ImVec2 at, const char* text, theme::Rgb fill) {
  const ImVec2 sz = ImGui::CalcTextSize(text);
  dl->AddRectFilled(at, ImVec2(at.x + sz.x + 6, at.y + sz.y + 2), to_u32(fill), 3);
  dl->AddText(ImVec2(at.x + 3, at.y + 1), IM_COL32(255, 255, 255, 255), text);
  return sz.x + 6;
}

}  // namespace packetwalk::ui::gui
