#pragma once
// The DNS view: the resolver's tries in order as a table (candidate name, type, nameserver,
// answer code and records, when sent and how long it waited), coloured by outcome, with the
// resolv.conf the source read above and the lookup as `packetwalk dns` prints it below. By default
// the selected probe's own lookup (when its `to` is a name); the form runs another.

#include <string>

#include "../dns_data.h"
#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class DnsPanel {
public:
  // `data`: what to show (nullptr: the selected probe made no lookup and none was typed).
  void draw(const DnsViewData* data, const Snapshot& snap, UiState& ui);

private:
  std::string from_, name_, types_ = "A";
};

}  // namespace packetwalk::ui::gui
