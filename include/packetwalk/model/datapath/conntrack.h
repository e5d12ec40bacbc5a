#pragma once
// The connection tracking table of one network namespace, with the NAT bindings kube-proxy's
// rules create. As in the kernel, the nat table is consulted only for a connection's first
// packet; every later packet, in either direction, is translated from the entry.

#include <cstdint>
#include <map>
#include <optional>

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
  // Finds the entry a packet with this tuple belongs to, in either direction.
  Match find(const net::FiveTuple& t);
  ConntrackEntry& create(const net::FiveTuple& original, sim::Time now);
  // Rewrites the expected reply tuple after NAT changed the original direction's packet.
  void update_reply(ConntrackEntry& e, const net::FiveTuple& new_reply);
  void erase(std::uint64_t id);
  std::size_t size() const { return entries_.size(); }
  const std::map<std::uint64_t, ConntrackEntry>& entries() const { return entries_; }
  std::size_t max_entries = 262144;  // nf_conntrack_max; a full table drops new connections

private:
  std::map<std::uint64_t, ConntrackEntry> entries_;
  std::map<net::FiveTuple, std::uint64_t> by_original_;
  std::map<net::FiveTuple, std::uint64_t> by_reply_;
  std::uint64_t next_id_ = 1;
};

}  // namespace packetwalk::model::datapath
