#pragma once
// Private to ui/render: JSON pieces shared by the trace, run and DNS documents.

#include <nlohmann/json.hpp>

#include "packetwalk/model/dns/lookup.h"
#include "packetwalk/model/trace/trace.h"

namespace packetwalk::ui::render {

nlohmann::ordered_json packet_json(const model::net::Packet& p);
nlohmann::ordered_json hop_json(const model::trace::Hop& h);
// A name lookup (docs/json-output.md, "dns"): the resolver's configuration, every query with its
// legs and hops, the result.
nlohmann::ordered_json lookup_json(const model::dns::NameLookup& lookup);

}  // namespace packetwalk::ui::render
