// A probe as a Mermaid sequenceDiagram, in the style of the seed article's: one participant per
// pod and per node (or outside host) the packets crossed, one arrow per crossing from one network
// namespace into another, a note where NAT rewrote a header (with the deciding rule), replies
// dashed. It is a summary; the hop-by-hop detail stays in the text and JSON traces.
#include <map>
#include <set>

#include "trace_render.h"

namespace packetwalk::ui::render {

using model::trace::HopAction;

namespace {

// Mermaid ends a statement at ';' and reads '#' as the start of an entity code.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '#') out += "#35;";
    else if (c == ';') out += "#59;";
    else out += c;
  }
  return out;
}

std::string endpoint(model::net::Ipv4Address a, model::net::Port p, bool with_port) {
  return a.to_string() + (with_port ? ":" + std::to_string(p) : "");
}

// "SYN (Src: 10.244.0.5:40000, Dst: 10.96.0.10:80)", the seed's way of labelling a packet; a
// VXLAN carrier shows its outer addresses after the inner packet.
std::string packet_label(const std::string& leg, const model::net::Packet& p) {
  const auto& in = p.innermost();
  const bool ports = in.protocol != model::net::Protocol::Icmp;
  std::string s = leg + " (Src: " + endpoint(in.src, in.sport, ports) + ", Dst: " + endpoint(in.dst, in.dport, ports) + ")";
  if (!p.inner.empty()) s += " in VXLAN VNI " + std::to_string(p.vxlan_vni) + " " + p.src.to_string() + " > " + p.dst.to_string();
  return s;
}

struct Place {
  std::string id;
  std::string label;
};

bool is_pod(const std::string& netns, const std::string& node) {
  return !node.empty() && netns != node && netns.find('/') != std::string::npos;
}

}  // namespace

void write_mermaid(std::ostream& out, const ProbeReport& r) {
  const auto& tr = r.result.trace;
  // Participants in order of first appearance; nodes where netfilter matched a rule or NAT
  // happened are marked "(iptables)", as the article marks its network hop.
  std::vector<std::string> order;
  std::set<std::string> seen, iptables;
  for (const auto& leg : tr.legs) {
    for (const auto& h : leg.hops) {
      if (seen.insert(h.netns).second) order.push_back(h.netns);
      if (h.action == HopAction::Dnat || h.action == HopAction::Snat ||
          (h.action == HopAction::Netfilter && !h.rules.empty())) {
        iptables.insert(h.netns);
      }
    }
  }
  std::map<std::string, Place> places;
  std::map<std::string, std::string> node_of;
  for (const auto& leg : tr.legs) {
    for (const auto& h : leg.hops) node_of.emplace(h.netns, h.node);
  }
  out << "sequenceDiagram\n";
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto& ns = order[i];
    Place p;
    p.id = "P" + std::to_string(i + 1);
    if (is_pod(ns, node_of[ns])) {
      p.label = "Pod " + ns;
    } else {
      p.label = ns;
      if (iptables.count(ns)) p.label += " (iptables)";
    }
    places[ns] = p;
    out << "    participant " << p.id << " as " << escape(p.label) << "\n";
  }
  if (tr.legs.empty() || tr.legs.front().hops.empty()) {
    out << "    Note over P1: nothing was sent\n";
    return;
  }
  const std::string origin = tr.legs.front().hops.front().netns;
  out << "    Note over " << places[origin].id << ": connects to " << escape(r.to) << " (" << r.protocol << ")\n";

  for (std::size_t l = 0; l < tr.legs.size(); ++l) {
    const auto& leg = tr.legs[l];
    if (leg.hops.empty()) continue;
    const bool reply = leg.hops.front().netns != origin;
    const std::string arrow = reply ? "-->>" : "->>";
    std::string at = leg.hops.front().netns;
    for (const auto& h : leg.hops) {
      const std::string& id = places[h.netns].id;
      if (h.netns != at) {
        out << "    " << places[at].id << arrow << id << ": " << escape(packet_label(leg.name, h.packet)) << "\n";
        at = h.netns;
      }
      if ((h.action == HopAction::Dnat || h.action == HopAction::Snat) && h.before) {
        const bool dnat = h.action == HopAction::Dnat;
        const auto& b = *h.before;
        std::string text = dnat ? "DNAT " + endpoint(b.dst, b.dport, true) + " to " + endpoint(h.packet.dst, h.packet.dport, true)
                                : "SNAT " + endpoint(b.src, b.sport, true) + " to " + endpoint(h.packet.src, h.packet.sport, true);
        if (!h.detail.empty()) text += "<br/>" + h.detail;
        out << "    Note right of " << id << ": " << escape(text) << "\n";
      } else if (h.action == HopAction::Drop) {
        out << "    Note over " << id << ": DROP (" << model::trace::drop_reason_name(h.drop_reason) << ")<br/>"
            << escape(h.detail) << "\n";
      } else if (h.action == HopAction::Deliver && l == 0) {
        out << "    Note over " << id << ": " << escape(h.detail) << "\n";
      }
    }
  }
  out << "    Note over " << places[origin].id << ": result: " << model::trace::disposition_name(tr.disposition) << " ("
      << escape(tr.reason) << ")\n";
}

void write_mermaid_markdown(std::ostream& out, const std::vector<ProbeReport>& reports) {
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    if (i) out << "\n";
    out << "## " << (r.name.empty() ? "probe " + std::to_string(i + 1) : r.name) << ": " << r.from << " -> " << r.to
        << "\n\n```mermaid\n";
    write_mermaid(out, r);
    out << "```\n";
  }
}

}  // namespace packetwalk::ui::render
