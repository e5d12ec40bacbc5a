#pragma once
// The GUI's colours, as plain RGB so that the screenshot tests can look for exactly these values
// in the PNG without linking ImGui. A light palette: the GUI is projected in workshops, where dark
// themes wash out. Every colour here differs from ImGui's light style, so a test that finds one
// knows which element drew it.

#include <cstdint>

namespace packetwalk::ui::gui::theme {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  constexpr bool operator==(const Rgb&) const = default;
};

// Topology canvas.
inline constexpr Rgb kCanvas{248, 248, 244};
inline constexpr Rgb kNodeFill{214, 228, 244};     // node boxes
inline constexpr Rgb kNodeBorder{86, 116, 156};
inline constexpr Rgb kPodFill{255, 255, 255};
inline constexpr Rgb kPodBorder{120, 130, 150};
inline constexpr Rgb kVethFill{206, 226, 206};
inline constexpr Rgb kBridgeFill{118, 170, 118};   // cni0
inline constexpr Rgb kVxlanFill{232, 196, 122};    // flannel.1
inline constexpr Rgb kEthFill{178, 180, 204};      // node uplinks, router and host interfaces
inline constexpr Rgb kStackFill{236, 214, 214};    // the node's IP stack: routing and iptables
inline constexpr Rgb kExternalFill{226, 226, 226}; // router and hosts outside the cluster
inline constexpr Rgb kServiceFill{228, 218, 250};  // Services, drawn as their VIPs
inline constexpr Rgb kBus{90, 90, 100};            // underlay and external network
inline constexpr Rgb kText{30, 30, 36};
inline constexpr Rgb kTextDim{110, 110, 120};
inline constexpr Rgb kSelection{30, 120, 230};     // outline of the selected object

// The packet and its path.
inline constexpr Rgb kPacket{255, 120, 0};         // the moving packet marker
inline constexpr Rgb kForwardPath{250, 150, 40};   // the probe's own packets (SYN, ACK, request)
inline constexpr Rgb kReplyPath{0, 150, 170};      // answers (SYN-ACK, reply, RST, ICMP errors)
inline constexpr Rgb kDrop{222, 30, 40};           // where a packet died
inline constexpr Rgb kNatHighlight{255, 226, 110}; // header fields a NAT rewrote; matched rules
// A probe's name lookup before its connection: each DNS exchange's legs (the query to the
// nameserver, the answer back) and the "DNS" badge on them, in the picture and on the timeline.
inline constexpr Rgb kDnsPath{196, 58, 150};       // the resolver's queries
inline constexpr Rgb kDnsReplyPath{120, 96, 214};  // the nameserver's answers (and ICMP errors)

// Timeline marks by hop action.
inline constexpr Rgb kMarkLink{140, 140, 150};     // transmit, receive, bridge
inline constexpr Rgb kMarkRoute{60, 110, 200};
inline constexpr Rgb kMarkNetfilter{150, 80, 190};
inline constexpr Rgb kMarkNat{230, 170, 0};
inline constexpr Rgb kMarkTunnel{200, 140, 40};
inline constexpr Rgb kMarkDeliver{40, 160, 70};
inline constexpr Rgb kPass{40, 160, 70};
inline constexpr Rgb kFail{222, 30, 40};

// Diff view: the badge in front of each changed flow.
inline constexpr Rgb kDiffOpened{150, 214, 150};
inline constexpr Rgb kDiffClosed{244, 160, 150};

// Reach heat map: a cell's colour runs from denied to allowed with the share of allowed pairs.
inline constexpr Rgb kReachAllowed{96, 186, 120};
inline constexpr Rgb kReachDenied{214, 84, 84};
inline constexpr Rgb kReachNone{226, 226, 232};    // not checked: the destination declares no such port

// DNS view: a try's outcome (records found, an answer without them, no answer at all).
inline constexpr Rgb kDnsFound{52, 150, 88};
inline constexpr Rgb kDnsEmpty{150, 120, 40};

// Load errors over the picture (open, reload, faults): the banner's fill.
inline constexpr Rgb kErrorBanner{252, 222, 218};
// Fault panel: the header while any fault is planted.
inline constexpr Rgb kFaultActive{236, 120, 40};

}  // namespace packetwalk::ui::gui::theme
