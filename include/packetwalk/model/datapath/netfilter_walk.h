#pragma once
// The chain walker: evaluates one table's built-in chain for one packet, in rule order, jumping
// into user chains and returning from them, exactly as the kernel's ipt_do_table does. It reads
// the same Rule objects that `packetwalk rules` prints, so a packet's fate can never disagree
// with the printed rules.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/net/packet.h"
#include "packetwalk/sim/random.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::datapath {

// `-m recent` lists of one network namespace: list name -> source address -> last seen.
struct RecentTable {
  std::map<std::string, std::map<net::Ipv4Address, sim::Time>> lists;
};

// What the walker needs to know about the world besides the rules. All fields must be set.
// The questions are plain function pointers with a context, not std::function: the engine sets up
// an environment for every table it walks, a couple of dozen times per trace.
struct WalkEnvironment {
  bool (*is_local_address)(const void* context, net::Ipv4Address address) = nullptr;  // addrtype LOCAL
  bool (*set_contains)(const void* context, const SetMatch& m, const net::Packet& p) = nullptr;  // ipsets (IPVS mode)
  const void* context = nullptr;
  sim::RandomStream* random = nullptr;                      // statistic --mode random
  RecentTable* recent = nullptr;
  sim::Time now;
};

struct ChainIndex;  // netfilter_index.h

// Names are views of the walked Table's own strings (valid while the table is unchanged), so a
// walk allocates nothing per matched rule.
struct RuleRef {
  std::string_view table;
  std::string_view chain;
  std::size_t number = 0;  // 1-based, as `iptables -L --line-numbers` counts
  const ChainIndex* index = nullptr;  // the chain's index entry (its rendered rule texts); not compared
  bool operator==(const RuleRef& o) const { return table == o.table && chain == o.chain && number == o.number; }
};

enum class WalkVerdict : std::uint8_t { Accept, Drop, Reject, Dnat, Snat, Masquerade };

struct WalkResult {
  WalkVerdict verdict = WalkVerdict::Accept;
  std::vector<RuleRef> matched;      // every rule whose matches all held, in walk order
  std::uint32_t rules_evaluated = 0; // how many rules were tested (the cost a real node pays)
  std::optional<RuleRef> decided_by; // the rule whose target ended the walk; nullopt = chain policy
  std::optional<DnatTarget> dnat;
  std::optional<SnatTarget> snat;
  std::optional<MasqueradeTarget> masquerade;
  std::string reject_with;
};

struct WalkInput {
  NfHook hook = NfHook::Prerouting;
  // Views of the devices' names (which outlive the walk): a walk copies no strings.
  std::string_view in_iface;   // empty when the hook has none (OUTPUT)
  std::string_view out_iface;  // empty when not yet routed (PREROUTING, INPUT)
  std::uint8_t ct_state = kCtNew;
  bool bridged = false;   // packet is being bridged (br_netfilter); physdev --physdev-is-bridged
};

// Walks `table`'s built-in chain for `in.hook`. May change `packet.mark` (MARK targets) and the
// recent lists; address rewriting is returned, not applied, because conntrack owns NAT.
// Long chains are walked through the table's index (netfilter_index.h): rules that cannot match
// the packet are skipped but still counted in rules_evaluated, so the result is the in-order one.
WalkResult walk_table(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env);
// The same into `result`, whose matched list keeps its storage from the last walk: the engine walks
// a dozen tables per packet and would otherwise allocate that list every time.
void walk_table(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env,
                WalkResult& result);
// The same walk testing every rule in order (the reference the indexed walk is tested against).
WalkResult walk_table_linear(const Table& table, const WalkInput& in, net::Packet& packet, const WalkEnvironment& env);

// Whether all of a rule's matches hold. Exposed for tests and for the rule index.
bool rule_matches(const Rule& rule, const WalkInput& in, const net::Packet& packet, const WalkEnvironment& env);

}  // namespace packetwalk::model::datapath
