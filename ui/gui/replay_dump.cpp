#include "replay_dump.h"

#include <sstream>

#include "hop_text.h"

namespace packetwalk::ui::gui {

namespace {

std::string leg_kind(const LegSpan& l) {
  if (l.dns >= 0) return l.reply ? "DNS answer" : "DNS query";
  return l.reply ? "reply" : "forward";
}

std::string at(std::int64_t ns) { return sim::format_time(sim::Time::ns(ns)); }

}  // namespace

std::string replay_dump(const ProbeView& p, std::size_t hop) {
  std::ostringstream out;
  out << "replay: " << p.legs.size() << " legs, " << p.hops.size() << " hops\n";
  for (std::size_t i = 0; i < p.legs.size(); ++i) {
    const LegSpan& l = p.legs[i];
    if (l.first >= l.end) continue;
    out << "leg " << i + 1 << "  hops " << l.first << "-" << l.end - 1 << "  " << at(p.hops[l.first].t_ns) << ".."
        << at(p.hops[l.end - 1].t_ns) << "  " << leg_kind(l) << ":  " << l.name << "\n";
  }
  if (hop >= p.hops.size()) return out.str();
  const FlatHop& f = p.hops[hop];
  const LegSpan& l = p.legs[f.leg];
  const auto& h = p.hop(hop);
  out << "hop " << hop << " of " << p.hops.size() - 1 << ": leg " << f.leg + 1 << " (" << leg_kind(l) << ") at " << at(f.t_ns) << "  "
      << (h.node.empty() ? std::string("-") : h.node.str()) << "  " << f.place << "\n";
  out << "  " << f.summary << "\n";
  if (h.before) {
    // The rows the inspector highlights: what this hop rewrote.
    const auto before = header_fields(*h.before), after = header_fields(h.packet);
    for (const auto& a : after)
      for (const auto& b : before)
        if (a.name == b.name && a.value != b.value) out << "  " << a.name << ": " << b.value << " -> " << a.value << "\n";
  }
  for (const auto& r : h.rules) out << "  rule: " << r.text << "\n";
  if ((h.action == model::trace::HopAction::Dnat || h.action == model::trace::HopAction::Snat) && !h.detail.empty())
    out << "  " << h.detail << "\n";
  if (l.dns >= 0 && static_cast<std::size_t>(l.dns) < p.dns_tries.size()) {
    const DnsTry& t = p.dns_tries[static_cast<std::size_t>(l.dns)];
    out << "  DNS try " << t.number << " of " << p.dns_tries.size() << ": " << t.type << " " << t.name << " to " << t.server
        << " attempt " << t.attempt << ", sent " << t.sent << ", waited " << t.waited << ": " << t.outcome;
    for (const auto& r : t.records) out << "  | " << r;
    if (!t.path.empty()) out << "  (" << t.path << ")";
    out << "\n";
  }
  return out.str();
}

}  // namespace packetwalk::ui::gui
