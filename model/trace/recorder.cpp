#include "packetwalk/model/trace/recorder.h"

namespace packetwalk::model::trace {

namespace {
// A first-packet trace through a Service and VXLAN is about 40 hops per leg: reserving them up
// front saves moving every recorded hop several times while the leg grows.
constexpr std::size_t kTypicalHopsPerLeg = 48;

// A leg is named after its first hop's packet (before any rewrite): its note, else its TCP flags.
std::string leg_name(const Hop& first) {
  const net::Packet& p = first.before ? *first.before : first.packet;
  if (!p.payload_note.empty()) return p.payload_note;
  return p.protocol == net::Protocol::Tcp ? net::tcp_flags_text(p.tcp_flags) : std::string(net::kube_name(p.protocol));
}
}  // namespace

Hop& Recorder::open(std::uint64_t packet_id) {
  if (legs_.empty() || packet_id != last_packet_) {
    auto it = leg_of_packet_.find(packet_id);
    if (it == leg_of_packet_.end()) {
      Leg leg;
      leg.packet_id = packet_id;  // named by close() after its first hop
      leg.hops.reserve(kTypicalHopsPerLeg);
      legs_.push_back(std::move(leg));
      it = leg_of_packet_.emplace(packet_id, legs_.size() - 1).first;
    }
    last_packet_ = packet_id;
    last_leg_ = it->second;
  }
  return legs_[last_leg_].hops.emplace_back();
}

void Recorder::close(Hop& hop) {
  Leg& leg = legs_[last_leg_];
  if (leg.hops.size() == 1) leg.name = leg_name(hop);
}

void Recorder::record(Hop&& hop) {
  if (!legs_.empty() && hop.packet.id == last_packet_) {
    legs_[last_leg_].hops.push_back(std::move(hop));
    return;
  }
  auto it = leg_of_packet_.find(hop.packet.id);
  if (it == leg_of_packet_.end()) {
    Leg leg;
    leg.packet_id = hop.packet.id;
    leg.name = leg_name(hop);
    leg.hops.reserve(kTypicalHopsPerLeg);
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
