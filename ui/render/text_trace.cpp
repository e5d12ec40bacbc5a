// The human trace: one line per hop, aligned columns, NAT shown as before -> after, matched rules
// beneath their netfilter hop.
#include <iomanip>
#include <sstream>

#include "dns_render.h"
#include "packetwalk/model/dns/resolve_target.h"
#include "packetwalk/model/load/timeline.h"
#include "trace_render.h"

namespace packetwalk::ui::render {

using model::trace::HopAction;

namespace {

std::string addresses(const model::net::Packet& p) {
  using model::net::Protocol;
  if (p.protocol == Protocol::Icmp) {
    std::string s = p.src.to_string() + " > " + p.dst.to_string() + " ICMP " + std::string(model::net::icmp_kind_name(p.icmp));
    return s;
  }
  std::string s = p.src.to_string() + ":" + std::to_string(p.sport) + " > " + p.dst.to_string() + ":" + std::to_string(p.dport);
  if (p.protocol == Protocol::Tcp) s += " [" + model::net::tcp_flags_text(p.tcp_flags) + "]";
  if (!p.inner.empty()) s += " VXLAN vni " + std::to_string(p.vxlan_vni);
  return s;
}

std::string where(const model::trace::Hop& h) {
  std::string w = h.netns;
  if (!h.iface.empty()) w += " " + h.iface;
  return w;
}

std::string what(const model::trace::Hop& h) {
  switch (h.action) {
    case HopAction::Send: return "send " + addresses(h.packet);
    case HopAction::Route: return "route " + h.detail;
    case HopAction::Netfilter: {
      std::string s = h.detail + " " + h.hook + ": " + std::to_string(h.rules_evaluated) + " rule" +
                      (h.rules_evaluated == 1 ? "" : "s") + " tested";
      if (h.lookups) s += ", " + std::to_string(h.lookups) + " lookup" + (h.lookups == 1 ? "" : "s");
      return s;
    }
    case HopAction::Dnat:
      return "DNAT " + h.before->dst.to_string() + ":" + std::to_string(h.before->dport) + " -> " + h.packet.dst.to_string() +
             ":" + std::to_string(h.packet.dport) + (h.detail.rfind("conntrack", 0) == 0 ? "  (" + h.detail + ")" : "");
    case HopAction::Snat:
      return "SNAT " + h.before->src.to_string() + ":" + std::to_string(h.before->sport) + " -> " + h.packet.src.to_string() +
             ":" + std::to_string(h.packet.sport) + (h.detail.rfind("conntrack", 0) == 0 ? "  (" + h.detail + ")" : "");
    case HopAction::Transmit: return "transmit " + addresses(h.packet);
    case HopAction::Receive: return "receive " + addresses(h.packet);
    case HopAction::Bridge: return "bridge " + h.detail;
    case HopAction::Encapsulate: return "encapsulate " + h.detail + ": " + addresses(h.packet);
    case HopAction::Decapsulate: return "decapsulate " + h.detail + ": " + addresses(h.packet);
    case HopAction::Deliver: return "deliver " + h.detail;
    case HopAction::Respond: return "respond " + h.detail;
    case HopAction::Bpf: return "bpf " + h.detail;
    case HopAction::Drop:
      return "DROP (" + std::string(model::trace::drop_reason_name(h.drop_reason)) + ") " + h.detail;
  }
  return "?";
}

// The hops that change or decide something: what the compact view of a DNS exchange keeps.
bool is_milestone(const model::trace::Hop& h) {
  switch (h.action) {
    case HopAction::Send:
    case HopAction::Dnat:
    case HopAction::Snat:
    case HopAction::Encapsulate:
    case HopAction::Deliver:
    case HopAction::Respond:
    case HopAction::Drop: return true;
    default: return false;
  }
}

}  // namespace

void write_legs(std::ostream& out, const std::vector<model::trace::Leg>& legs, bool verbose, bool milestones_only) {
  std::size_t node_w = 4, where_w = 5;
  for (const auto& leg : legs) {
    for (const auto& h : leg.hops) {
      node_w = std::max(node_w, h.node.size());
      where_w = std::max(where_w, where(h).size());
    }
  }
  for (const auto& leg : legs) {
    const auto& first = leg.hops.front().packet;
    out << "\n  " << leg.name << "  " << addresses(first) << "\n";
    for (const auto& h : leg.hops) {
      if (!verbose && h.action == HopAction::Netfilter && h.rules.empty()) continue;
      if (milestones_only && !is_milestone(h)) continue;
      out << "  " << std::setw(12) << sim::format_time(h.time) << "  " << std::left << std::setw(static_cast<int>(node_w))
          << (h.node.empty() ? "-" : h.node) << "  " << std::setw(static_cast<int>(where_w)) << where(h) << std::right << "  "
          << what(h) << "\n";
      if (h.action == HopAction::Netfilter) {
        for (const auto& rule : h.rules) out << "  " << std::string(16 + node_w + where_w, ' ') << "  " << rule.text << "\n";
      }
      if ((h.action == HopAction::Dnat || h.action == HopAction::Snat) && h.detail.rfind("-A ", 0) == 0) {
        out << "  " << std::string(16 + node_w + where_w, ' ') << "  " << h.detail << "\n";
      }
    }
  }
}

std::string outcome_name(const ProbeReport& r) {
  if (r.dns) {
    std::string failed = model::dns::failed_lookup_outcome(r.dns->result);
    if (!failed.empty()) return failed;
  }
  return std::string(model::trace::disposition_name(r.result.trace.disposition));
}

std::string colored(const std::string& word, bool good, bool color) {
  if (!color) return word;
  return std::string(good ? "\033[32m" : "\033[1;31m") + word + "\033[0m";
}

void write_text(std::ostream& out, const ProbeReport& r, bool verbose, bool color) {
  const auto& tr = r.result.trace;
  out << "probe";
  if (!r.name.empty()) out << " " << r.name;
  if (r.at) out << " at " << model::load::format_seconds(*r.at);
  out << ": " << r.from << " -> " << r.to << " " << r.protocol << "\n";
  if (r.dns) write_dns_legs(out, *r.dns, verbose);
  write_legs(out, tr.legs, verbose, false);
  const bool connected = tr.disposition == model::trace::Disposition::Connected;
  out << "\nresult: " << colored(outcome_name(r), connected, color) << " (" << tr.reason << ")\n";
  if (!r.expected.empty()) {
    out << "expected: " << r.expected << " -> " << colored(r.passed ? "PASS" : "FAIL", r.passed, color) << "\n";
    for (const auto& f : r.failures) out << "  " << f << "\n";
  }
}

}  // namespace packetwalk::ui::render
