#pragma once
// Name lookups for people and programs: `packetwalk dns` (dig-like: the resolver's configuration,
// each query as sent — where kube-proxy DNATed it, which CoreDNS pod answered, rcode and records —
// and the result), and the DNS exchanges shown before a connection in `trace` and `run`.

#include <ostream>
#include <string>

#include "packetwalk/model/dns/lookup.h"

namespace packetwalk::ui::render {

void write_dns_text(std::ostream& out, const model::dns::NameLookup& lookup, bool verbose);
// {"schema": "packetwalk/dns/v1", ...} (docs/json-output.md).
std::string dns_to_json(const model::dns::NameLookup& lookup);
// Inside a trace: one header per exchange and its legs (milestone hops only unless `verbose`).
void write_dns_legs(std::ostream& out, const model::dns::NameLookup& lookup, bool verbose);

// What answered, from the reply's note ("kubernetes", "forward to 192.168.0.1 (modelled upstream)").
std::string served_by(const std::string& response_note);
// "123.456us", "1.234ms", "5.000s": microsecond precision, scaled for reading.
std::string human_time(sim::Time t);

}  // namespace packetwalk::ui::render
