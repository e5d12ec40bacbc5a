#include "packetwalk/model/trace/recorder.h"

namespace packetwalk::model::trace {

namespace {
// A first-packet trace through a Service and VXLAN is about 40 hops per leg: reserving them up
// front saves moving every recorded hop several times while the leg grows.
constexpr std::size_t kTypicalHopsPerLeg = 48;
}  // namespace

void Recorder::record(Hop&& hop) {
  if (!legs_.empty() && hop.packet.id == last_packet_) {
    legs_[last_leg_].hops.push_back(std::move(hop));
    return;
  }
  auto it = leg_of_packet_.find(hop.packet.id);
  if (it == leg_of_packet_.end()) {
    Leg leg;
    leg.packet_id = hop.packet.id;
    const net::Packet& p = hop.before ? *hop.before : hop.packet;
    leg.name = p.payload_note;
    leg.hops.reserve(kTypicalHopsPerLeg);
    if (leg.name.empty()) {
      leg.name = p.protocol == net::Protocol::Tcp ? net::tcp_flags_text(p.tcp_flags) : std::string(net::kube_name(p.protocol));
    }
    legs_.push_back(std::move(leg));
    it = leg_of_packet_.emplace(hop.packet.id, legs_.size() - 1).first;
  }
  last_packet_ = hop.packet.id;
  last_leg_ = it->second;
  legs_[it->second].hops.push_back(std::move(hop));
}

std::vector<Leg> Recorder::take_legs() {
  leg_of_packet_.clear();
  std::vector<Leg> legs = std::move(legs_);
  legs_.clear();
  return legs;
}

}  // namespace packetwalk::model::trace
