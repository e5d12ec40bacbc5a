#pragma once
// The replay as text, for --dump-view and the tests: the selected probe's legs in the order the
// replay walks them (a name lookup's DNS exchanges first, then the connection), and the hop under
// the cursor as the inspector shows it (headers a NAT rewrote, rules matched, the DNS try).

#include <string>

#include "snapshot.h"

namespace packetwalk::ui::gui {

// One line per leg: "leg 1  hops 0-3  0ns..64.525us  DNS query:  DNS 1/2 query A api.default.svc.cluster.local.",
// then "hop K of N: ..." with the hop's details, indented.
std::string replay_dump(const ProbeView& p, std::size_t hop);

}  // namespace packetwalk::ui::gui
