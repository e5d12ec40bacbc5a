#pragma once
// The connection tracking table of one network namespace, with the NAT bindings kube-proxy's
// rules create. As in the kernel, the nat table is consulted only for a connection's first
// packet; every later packet, in either direction, is translated from the entry.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "packetwalk/model/net/packet.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::datapath {

struct ConntrackEntry {
  std::uint64_t id = 0;
  net::FiveTuple original;  // as the first packet arrived (before any NAT)
  net::FiveTuple reply;     // what a reply looks like on arrival (after NAT of the original)
  bool seen_reply = false;
  bool dnat = false;        // original direction's destination was rewritten
  bool snat = false;        // original direction's source was rewritten
  bool confirmed = false;   // the first packet left the netns (kernel: __nf_conntrack_confirm)
  sim::Time created;
};

enum class CtDirection : std::uint8_t { Original, Reply };

class Conntrack {
public:
  struct Match {
    ConntrackEntry* entry = nullptr;
    CtDirection direction = CtDirection::Original;
  };
  // Finds the entry a packet with this tuple belongs to, in either direction (the original
  // direction first, the newest entry first).
  Match find(const net::FiveTuple& t);
  // The entry's address stays valid until the table is cleared or replaced (erasing an entry
  // marks its slot dead; the slot stays).
  ConntrackEntry& create(const net::FiveTuple& original, sim::Time now);
  // Rewrites the expected reply tuple after NAT changed the original direction's packet.
  void update_reply(ConntrackEntry& e, const net::FiveTuple& new_reply);
  void erase(std::uint64_t id);
  // Forgets every entry (ids start again from 1); keeps the memory for the next probe's entries.
  void clear();
  std::size_t size() const { return live_; }
  // Every live entry, oldest first.
  template <typename F>
  void for_each(F&& f) {
    for (auto& e : entries_)
      if (e.id != 0) f(e);
  }
  std::size_t max_entries = 262144;  // nf_conntrack_max; a full table drops new connections

private:
  // A probe's table holds a handful of entries, so tuples are found by scanning two short
  // vectors; past kScanLimit entries (a long run that keeps state) the maps take over.
  static constexpr std::size_t kScanLimit = 32;
  struct Key {
    net::FiveTuple tuple;
    ConntrackEntry* entry;
  };
  void index(std::vector<Key>& keys, std::map<net::FiveTuple, ConntrackEntry*>& map, const net::FiveTuple& t,
             ConntrackEntry* e);
  static void unindex(std::vector<Key>& keys, std::map<net::FiveTuple, ConntrackEntry*>& map,
                      const net::FiveTuple& t, const ConntrackEntry* e);
  static ConntrackEntry* lookup(const std::vector<Key>& keys, const std::map<net::FiveTuple, ConntrackEntry*>& map,
                                const net::FiveTuple& t, bool mapped);

  std::deque<ConntrackEntry> entries_;  // stable addresses; an erased entry keeps its slot with id 0
  std::size_t live_ = 0;
  std::vector<Key> originals_, replies_;
  bool mapped_ = false;  // the maps below are in use (and the vectors are not)
  std::map<net::FiveTuple, ConntrackEntry*> by_original_, by_reply_;
  std::uint64_t next_id_ = 1;
};

}  // namespace packetwalk::model::datapath
