#include "packetwalk/model/trace/recorder.h"

namespace packetwalk::model::trace {

void Recorder::record(const Hop& hop) {
  auto it = leg_of_packet_.find(hop.packet.id);
  if (it == leg_of_packet_.end()) {
    Leg leg;
    leg.packet_id = hop.packet.id;
    const net::Packet& p = hop.before ? *hop.before : hop.packet;
    leg.name = p.payload_note;
    if (leg.name.empty()) {
      leg.name = p.protocol == net::Protocol::Tcp ? net::tcp_flags_text(p.tcp_flags) : std::string(net::kube_name(p.protocol));
    }
    legs_.push_back(std::move(leg));
    it = leg_of_packet_.emplace(hop.packet.id, legs_.size() - 1).first;
  }
  legs_[it->second].hops.push_back(hop);
}

std::vector<Leg> Recorder::take_legs() {
  leg_of_packet_.clear();
  return std::move(legs_);
}

}  // namespace packetwalk::model::trace
