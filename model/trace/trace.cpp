#include "packetwalk/model/trace/trace.h"

namespace packetwalk::model::trace {

std::string_view action_name(HopAction a) {
  switch (a) {
    case HopAction::Send: return "send";
    case HopAction::Route: return "route";
    case HopAction::Netfilter: return "netfilter";
    case HopAction::Dnat: return "dnat";
    case HopAction::Snat: return "snat";
    case HopAction::Transmit: return "transmit";
    case HopAction::Receive: return "receive";
    case HopAction::Bridge: return "bridge";
    case HopAction::Encapsulate: return "encapsulate";
    case HopAction::Decapsulate: return "decapsulate";
    case HopAction::Deliver: return "deliver";
    case HopAction::Respond: return "respond";
    case HopAction::Drop: return "drop";
    case HopAction::Bpf: return "bpf";
  }
  return "?";
}

std::string_view drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::None: return "none";
    case DropReason::NoRoute: return "no-route";
    case DropReason::NoNeighbour: return "no-neighbour";
    case DropReason::NetfilterDrop: return "netfilter-drop";
    case DropReason::NetfilterReject: return "netfilter-reject";
    case DropReason::NoListener: return "no-listener";
    case DropReason::TtlExceeded: return "ttl-exceeded";
    case DropReason::MtuExceeded: return "mtu-exceeded";
    case DropReason::ForwardingDisabled: return "forwarding-disabled";
    case DropReason::InterfaceDown: return "interface-down";
    case DropReason::ConntrackFull: return "conntrack-full";
    case DropReason::NoSocket: return "no-socket";
    case DropReason::Unclaimed: return "unclaimed";
    case DropReason::LinkLoss: return "link-loss";
    case DropReason::PolicyDenied: return "policy-denied";
  }
  return "?";
}

std::string_view disposition_name(Disposition d) {
  switch (d) {
    case Disposition::Connected: return "connected";
    case Disposition::Refused: return "refused";
    case Disposition::Timeout: return "timeout";
    case Disposition::Unreachable: return "unreachable";
  }
  return "?";
}

}  // namespace packetwalk::model::trace
