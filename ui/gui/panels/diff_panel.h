#pragma once
// The diff view: the flows the second version opens and closes, one row each with a coloured
// badge (green opened, red closed), source, destination, port, and the model's verdict and
// explanation before and after. Filter box; hover a row for the full explanations.

#include <string>

#include "../diff_data.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class DiffPanel {
public:
  void draw(const DiffView& diff, UiState& ui);

private:
  std::string filter_;
};

}  // namespace packetwalk::ui::gui
