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

std::size_t Recorder::leg_of(std::uint64_t packet_id) const {
  for (std::size_t i = legs_.size(); i-- > 0;)
    if (legs_[i].packet_id == packet_id) return i;
  return legs_.size();
}

Hop& Recorder::open(std::uint64_t packet_id) {
  if (legs_.empty() || packet_id != last_packet_) {
    std::size_t at = leg_of(packet_id);
    if (at == legs_.size()) {
      if (legs_.capacity() == 0) legs_.reserve(4);  // SYN, SYN-ACK, ACK and one more
      Leg& leg = legs_.emplace_back();
      leg.packet_id = packet_id;  // named by close() after its first hop
      leg.hops.reserve(kTypicalHopsPerLeg);
    }
    last_packet_ = packet_id;
    last_leg_ = at;
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
  std::size_t at = leg_of(hop.packet.id);
  if (at == legs_.size()) {
    Leg& leg = legs_.emplace_back();
    leg.packet_id = hop.packet.id;
    leg.name = leg_name(hop);
    leg.hops.reserve(kTypicalHopsPerLeg);
  }
  last_packet_ = hop.packet.id;
  last_leg_ = at;
  legs_[at].hops.push_back(std::move(hop));
}

std::vector<Leg> Recorder::take_legs() {
  std::vector<Leg> legs = std::move(legs_);
  legs_.clear();
  return legs;
}

}  // namespace packetwalk::model::trace
