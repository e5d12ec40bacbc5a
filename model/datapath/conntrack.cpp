#include "packetwalk/model/datapath/conntrack.h"

namespace packetwalk::model::datapath {

Conntrack::Match Conntrack::find(const net::FiveTuple& t) {
  if (auto it = by_original_.find(t); it != by_original_.end()) {
    return {&entries_.at(it->second), CtDirection::Original};
  }
  if (auto it = by_reply_.find(t); it != by_reply_.end()) {
    return {&entries_.at(it->second), CtDirection::Reply};
  }
  return {};
}

ConntrackEntry& Conntrack::create(const net::FiveTuple& original, sim::Time now) {
  ConntrackEntry e;
  e.id = next_id_++;
  e.original = original;
  e.reply = original.reversed();
  e.created = now;
  by_original_[e.original] = e.id;
  by_reply_[e.reply] = e.id;
  return entries_.emplace(e.id, e).first->second;
}

void Conntrack::update_reply(ConntrackEntry& e, const net::FiveTuple& new_reply) {
  by_reply_.erase(e.reply);
  e.reply = new_reply;
  by_reply_[e.reply] = e.id;
}

void Conntrack::erase(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  by_original_.erase(it->second.original);
  by_reply_.erase(it->second.reply);
  entries_.erase(it);
}

}  // namespace packetwalk::model::datapath
