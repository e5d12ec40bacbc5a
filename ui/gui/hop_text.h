#pragma once
// Words for hops and packets as the GUI shows them. The wording follows the text renderer
// (ui/render/text_trace.cpp) so the CLI and the GUI read the same; these are computed once when a
// probe finishes, never per frame.

#include <string>
#include <vector>

#include "packetwalk/model/trace/trace.h"

namespace packetwalk::ui::gui {

// "10.244.0.2:40000 > 10.244.1.2:8080 [S]" (and "VXLAN vni 1" for a carrier).
std::string packet_addresses(const model::net::Packet& p);

// One line: "route 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink", "DNAT 10.96.0.1:80 -> ...".
std::string hop_summary(const model::trace::Hop& h);

// "node-1 cni0", "default/web-app eth0".
std::string hop_place(const model::trace::Hop& h);

struct HeaderField {
  std::string name;   // "src", "dport", "outer src", ...
  std::string value;
};

// The header fields the inspector compares before/after a hop, outer headers first; an
// encapsulated packet's inner headers follow with an "inner " prefix.
std::vector<HeaderField> header_fields(const model::net::Packet& p);

}  // namespace packetwalk::ui::gui
