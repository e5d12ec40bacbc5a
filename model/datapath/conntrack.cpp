#include "packetwalk/model/datapath/conntrack.h"

#include <algorithm>

namespace packetwalk::model::datapath {

ConntrackEntry* Conntrack::lookup(const std::vector<Key>& keys, const std::map<net::FiveTuple, ConntrackEntry*>& map,
                                  const net::FiveTuple& t, bool mapped) {
  if (mapped) {
    auto it = map.find(t);
    return it == map.end() ? nullptr : it->second;
  }
  for (auto k = keys.rbegin(); k != keys.rend(); ++k)
    if (k->tuple == t) return k->entry;
  return nullptr;
}

void Conntrack::index(std::vector<Key>& keys, std::map<net::FiveTuple, ConntrackEntry*>& map, const net::FiveTuple& t,
                      ConntrackEntry* e) {
  if (mapped_) map[t] = e;
  else keys.push_back({t, e});
}

void Conntrack::unindex(std::vector<Key>& keys, std::map<net::FiveTuple, ConntrackEntry*>& map,
                        const net::FiveTuple& t, const ConntrackEntry* e) {
  if (auto it = map.find(t); it != map.end() && it->second == e) map.erase(it);
  std::erase_if(keys, [&](const Key& k) { return k.entry == e && k.tuple == t; });
}

Conntrack::Match Conntrack::find(const net::FiveTuple& t) {
  if (auto* e = lookup(originals_, by_original_, t, mapped_)) return {e, CtDirection::Original};
  if (auto* e = lookup(replies_, by_reply_, t, mapped_)) return {e, CtDirection::Reply};
  return {};
}

ConntrackEntry& Conntrack::create(const net::FiveTuple& original, sim::Time now) {
  ConntrackEntry& e = entries_.emplace_back();
  e.id = next_id_++;
  e.original = original;
  e.reply = original.reversed();
  e.created = now;
  ++live_;
  if (!mapped_ && live_ > kScanLimit) {
    // Oldest first, so that a tuple two entries share ends up naming the newest, as the scan does.
    for (const auto& k : originals_) by_original_[k.tuple] = k.entry;
    for (const auto& k : replies_) by_reply_[k.tuple] = k.entry;
    originals_.clear();
    replies_.clear();
    mapped_ = true;
  }
  index(originals_, by_original_, e.original, &e);
  index(replies_, by_reply_, e.reply, &e);
  return e;
}

void Conntrack::update_reply(ConntrackEntry& e, const net::FiveTuple& new_reply) {
  unindex(replies_, by_reply_, e.reply, &e);
  e.reply = new_reply;
  index(replies_, by_reply_, e.reply, &e);
}

void Conntrack::erase(std::uint64_t id) {
  // Ids are handed out from 1 in creation order, one slot each, and slots are never removed.
  if (id == 0 || id > entries_.size()) return;
  ConntrackEntry& e = entries_[id - 1];
  if (e.id != id) return;  // erased before
  unindex(originals_, by_original_, e.original, &e);
  unindex(replies_, by_reply_, e.reply, &e);
  e.id = 0;
  --live_;
}

void Conntrack::clear() {
  // Nothing was created since the last clear: a probe clears every namespace's table, and most
  // (the pods the probe never reached) are already empty.
  if (next_id_ == 1) return;
  entries_.clear();
  live_ = 0;
  originals_.clear();
  replies_.clear();
  mapped_ = false;
  by_original_.clear();
  by_reply_.clear();
  next_id_ = 1;
}

}  // namespace packetwalk::model::datapath
