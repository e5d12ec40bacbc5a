#pragma once
// The reach heat map: the reachability matrix (`packetwalk reach`) for one port as a grid, rows
// the sources and columns the destinations, pods or (for large clusters, or on request)
// namespaces; a cell's colour runs from red (denied) to green (allowed) with the share of allowed
// pairs. Click a cell: below the grid, the model's explanation of that flow and what `packetwalk
// explain` says of it (for a namespace cell, the counts and the reasons of the denied pairs).

#include <string>

#include "../reach_data.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

// Above this many pods the grid opens by namespace (a pod cell would be under a pixel).
inline constexpr std::size_t kReachPodGridMax = 160;

class ReachPanel {
public:
  // `explain`: `packetwalk explain` of the selected pod cell ("" for a namespace cell).
  void draw(const ReachHeat* heat, const std::string& explain, UiState& ui);
};

}  // namespace packetwalk::ui::gui
