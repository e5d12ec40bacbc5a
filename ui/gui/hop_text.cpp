#include "hop_text.h"

#include <cstdio>

namespace packetwalk::ui::gui {

using model::trace::HopAction;

std::string packet_addresses(const model::net::Packet& p) {
  using model::net::Protocol;
  if (p.protocol == Protocol::Icmp) {
    return p.src.to_string() + " > " + p.dst.to_string() + " ICMP " + std::string(model::net::icmp_kind_name(p.icmp));
  }
  std::string s = p.src.to_string() + ":" + std::to_string(p.sport) + " > " + p.dst.to_string() + ":" + std::to_string(p.dport);
  if (p.protocol == Protocol::Tcp) s += " [" + model::net::tcp_flags_text(p.tcp_flags) + "]";
  if (!p.inner.empty()) s += " VXLAN vni " + std::to_string(p.vxlan_vni);
  return s;
}

std::string hop_place(const model::trace::Hop& h) {
  std::string w = h.netns.empty() ? std::string("-") : h.netns.str();
  if (!h.iface.empty()) w += " " + h.iface;
  return w;
}

std::string hop_summary(const model::trace::Hop& h) {
  auto endpoint = [](model::net::Ipv4Address a, model::net::Port p) { return a.to_string() + ":" + std::to_string(p); };
  switch (h.action) {
    case HopAction::Send: return "send " + packet_addresses(h.packet);
    case HopAction::Route: return "route " + h.detail;
    case HopAction::Netfilter:
      return h.detail + " " + h.hook + ": " + std::to_string(h.rules.size()) + " matched of " +
             std::to_string(h.rules_evaluated) + " tested";
    case HopAction::Dnat:
      if (!h.before) return "DNAT";
      return "DNAT " + endpoint(h.before->dst, h.before->dport) + " -> " + endpoint(h.packet.dst, h.packet.dport);
    case HopAction::Snat:
      if (!h.before) return "SNAT";
      return "SNAT " + endpoint(h.before->src, h.before->sport) + " -> " + endpoint(h.packet.src, h.packet.sport);
    case HopAction::Transmit: return "transmit " + packet_addresses(h.packet);
    case HopAction::Receive: return "receive " + packet_addresses(h.packet);
    case HopAction::Bridge: return "bridge " + h.detail;
    case HopAction::Encapsulate: return "encapsulate " + h.detail;
    case HopAction::Decapsulate: return "decapsulate " + h.detail;
    case HopAction::Deliver: return "deliver " + h.detail;
    case HopAction::Respond: return "respond " + h.detail;
    case HopAction::Bpf: return "bpf " + h.detail;
    case HopAction::Drop: return "DROP (" + std::string(model::trace::drop_reason_name(h.drop_reason)) + ") " + h.detail;
  }
  return "?";
}

namespace {

void add_fields(const model::net::Packet& p, const std::string& prefix, std::vector<HeaderField>& out) {
  using model::net::Protocol;
  out.push_back({prefix + "src", p.src.to_string()});
  out.push_back({prefix + "dst", p.dst.to_string()});
  out.push_back({prefix + "protocol", std::string(model::net::kube_name(p.protocol))});
  if (p.protocol == Protocol::Icmp) {
    out.push_back({prefix + "icmp", std::string(model::net::icmp_kind_name(p.icmp))});
    if (p.icmp_quoted) out.push_back({prefix + "quoted", p.icmp_quoted->to_string()});
  } else {
    out.push_back({prefix + "sport", std::to_string(p.sport)});
    out.push_back({prefix + "dport", std::to_string(p.dport)});
  }
  if (p.protocol == Protocol::Tcp) out.push_back({prefix + "flags", model::net::tcp_flags_text(p.tcp_flags)});
  out.push_back({prefix + "ttl", std::to_string(p.ttl)});
  out.push_back({prefix + "length", std::to_string(p.length)});
  char mark[16];
  std::snprintf(mark, sizeof mark, "0x%x", p.mark);
  out.push_back({prefix + "mark", mark});
  out.push_back({prefix + "src mac", p.src_mac.to_string()});
  out.push_back({prefix + "dst mac", p.dst_mac.to_string()});
  if (!p.inner.empty()) out.push_back({prefix + "vxlan vni", std::to_string(p.vxlan_vni)});
  if (!p.payload_note.empty()) out.push_back({prefix + "payload", p.payload_note});
}

}  // namespace

std::vector<HeaderField> header_fields(const model::net::Packet& p) {
  std::vector<HeaderField> out;
  add_fields(p, "", out);
  if (!p.inner.empty()) add_fields(p.inner.front(), "inner ", out);
  return out;
}

}  // namespace packetwalk::ui::gui
