#pragma once
// The nftables chain walker: runs one base chain of a linked NftTable for one packet, rule by rule,
// expression by expression, jumping and going to regular chains as nf_tables' nft_do_chain does.
// Verdict-map and set lookups are hash lookups (one step each however large the map), which is
// why nftables mode does not slow down with the number of Services; the result counts both the
// rules tested and the lookups made, for the cost model (docs/cost-model.md).

#include <cstdint>
#include <optional>
#include <vector>

#include "packetwalk/model/datapath/netfilter_walk.h"
#include "packetwalk/model/datapath/nft.h"
#include "packetwalk/model/net/packet.h"
#include "packetwalk/sim/random.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::model::datapath {

struct NftWalkEnvironment {
  // fib ... type local. A plain function pointer: the walker runs for every packet at every hook.
  bool (*is_local_address)(const void* context, net::Ipv4Address address) = nullptr;
  const void* context = nullptr;
  sim::RandomStream* random = nullptr;  // numgen random
  // Elements of dynamic sets (`update @set { ip saddr }`): set name -> address -> last update.
  // The same shape as `-m recent` lists, and kept in the same per-namespace table.
  RecentTable* dynamic_sets = nullptr;
  sim::Time now;
};

struct NftWalkInput {
  NfHook hook = NfHook::Prerouting;
  std::uint8_t ct_state = kCtNew;  // CtStateBits
};

struct NftRuleRef {
  std::uint32_t chain = 0;
  std::uint32_t rule = 0;     // 0-based
  std::int32_t element = -1;  // the map element (vmap) or numgen slot that gave the verdict; -1: none
};

enum class NftWalkVerdict : std::uint8_t { Accept, Drop, Reject, Dnat, Masquerade };

struct NftWalkResult {
  NftWalkVerdict verdict = NftWalkVerdict::Accept;
  std::vector<NftRuleRef> matched;    // rules whose expressions all held, in walk order
  std::uint32_t rules_evaluated = 0;  // rules started
  std::uint32_t lookups = 0;          // set, map and numgen-map lookups
  std::optional<NftRuleRef> decided_by;  // nullopt: the base chain's policy
  std::optional<NftDnat> dnat;
  std::optional<NftMasquerade> masquerade;
};

// Walks base chain `chain` of `table` (which must be linked). May change `packet.mark` and the
// dynamic sets; address rewriting is returned, not applied (conntrack owns NAT).
NftWalkResult walk_nft_chain(const NftTable& table, std::uint32_t chain, const NftWalkInput& in, net::Packet& packet,
                             const NftWalkEnvironment& env);

// numgen random mod n: the kernel's reciprocal_scale of one 32-bit draw.
std::uint32_t nft_numgen(sim::RandomStream& random, std::uint32_t modulus);

}  // namespace packetwalk::model::datapath
