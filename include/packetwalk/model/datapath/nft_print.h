#pragma once
// nftables objects printed as `nft list ruleset` prints them (nft 1.0.x), checked against the real
// nft by loading our output into a scratch network namespace and listing it back
// (tests/model/kubeproxy/nft_oracle_test.cpp). What nft normalises is printed normalised:
//   - `mark and 0x4000 == 0` reads back as `meta mark & 0x00004000 == 0x00000000`,
//     `mark set mark or 0x4000` as `meta mark set meta mark | 0x00004000` (xor: `^`);
//   - a /32 prints as a bare address; a one-element anonymous set as its element; anonymous sets
//     print their elements sorted;
//   - `meta l4proto tcp` before `tcp dport N` is dropped (nft removes the implied dependency);
//   - ct states print in nft's bit order: invalid, established, related, new;
//   - priorities print by name: `dstnat - 10`, `filter`, `srcnat` (nft's prio2str), dstnat only at
//     prerouting and srcnat only at postrouting (nft 1.0.6), elsewhere as the number;
//   - set timeouts print compactly (10800s -> `3h`); dynamic sets used by `update` show `size 65535`.
// One deliberate difference: elements of named sets and maps print sorted by key, where nft prints
// them in the kernel's hash order (which changes from run to run); comparisons treat `elements`
// as unordered.
// Layout: sets and maps first, then chains, each in creation order (nft lists by handle); maps and
// sets whose elements carry comments print one element per line, other sets two per line, as nft.

#include <string>

#include "packetwalk/model/datapath/nft.h"

namespace packetwalk::model::datapath {

// One rule as `nft list` shows it inside its chain: "meta l4proto tcp dnat to 10.244.2.7:8080".
std::string nft_rule_text(const NftRule& rule);

// The command that adds it: "add rule ip kube-proxy CHAIN RULE" (traces show deciding rules so).
std::string nft_add_rule_text(const NftTable& table, const NftChain& chain, const NftRule& rule);

// A map or set element: "10.96.0.10 . udp . 53 : goto service-...", "10.96.0.1".
std::string nft_element_text(const NftSet& set, const NftElement& element);

// The table's trace texts (names and labels of the table and its chains), rendered on first use.
const NftTable::TraceTexts& nft_trace_texts(const NftTable& table);
// What a rule matched, for traces: the rule text, plus "  # " and the verdict-map element (or
// numgen slot) that gave the verdict when `element` >= 0. Rendered once and kept in the table.
const text::SharedText& nft_rule_text_cached(const NftTable& table, std::uint32_t chain, std::uint32_t rule);
const text::SharedText& nft_matched_text(const NftTable& table, std::uint32_t chain, std::uint32_t rule,
                                         std::int32_t element);

// "type nat hook prerouting priority dstnat; policy accept;"
std::string nft_base_chain_text(const NftBaseHook& hook);

// "dstnat - 10", "filter", "srcnat", or the number.
std::string nft_priority_text(NfHook hook, int priority);

// "3h", "1m30s", "10800s" -> compact form as nft prints a time.
std::string nft_time_text(std::uint32_t seconds);

std::string nft_list_table(const NftTable& table);
std::string nft_list_ruleset(const NftRuleset& ruleset);  // tables in creation order

}  // namespace packetwalk::model::datapath
