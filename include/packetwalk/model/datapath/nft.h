#pragma once
// nftables objects: tables, base and regular chains, rules made of typed expressions, sets and
// verdict maps. Like netfilter.h for iptables, this is the single representation that
// `packetwalk rules` prints (nft_print.h, in `nft list ruleset` form) and that the datapath walks
// (nft_walk.h), so a trace cannot disagree with the printed ruleset.
//
// Only the `ip` family and the expressions kube-proxy writes are modelled (k8s-semantics.md §2.2):
// ip saddr/daddr (address, prefix, anonymous set, named set), meta l4proto, tcp/udp/sctp dport,
// ct state, meta mark, fib type local, concatenated verdict-map lookups, numgen, mark set,
// dynamic-set update, dnat, masquerade, reject and verdicts.
//
// Contract: after building or changing a table call link(); it resolves chain and set names to
// positions and builds the lookup index of every set, and throws std::logic_error for a reference
// to a missing chain or set. The walker requires a linked table.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/net/ip.h"
#include "packetwalk/model/text/shared_text.h"

namespace packetwalk::model::datapath {

inline constexpr std::uint32_t kNftUnresolved = 0xffffffffu;

enum class NftChainType : std::uint8_t { Filter, Nat };
std::string_view nft_chain_type_name(NftChainType t);  // "filter", "nat"
std::string_view nft_hook_name(NfHook h);              // "prerouting", ...

// Set key types, as nft names them.
enum class NftDataType : std::uint8_t { Ipv4Addr, InetProto, InetService };
std::string_view nft_data_type_name(NftDataType t);  // "ipv4_addr", "inet_proto", "inet_service"

// Packet fields a concatenated key reads: `ip daddr . meta l4proto . th dport`.
enum class NftField : std::uint8_t { IpSaddr, IpDaddr, L4Proto, ThDport };

// A set element's key or a lookup key: up to three concatenated 32-bit fields (an address, a
// protocol number, a port), compared as a whole.
struct NftKey {
  std::uint32_t v[3] = {0, 0, 0};
  std::uint8_t size = 0;
  friend bool operator==(const NftKey& a, const NftKey& b) {
    return a.size == b.size && a.v[0] == b.v[0] && a.v[1] == b.v[1] && a.v[2] == b.v[2];
  }
  friend bool operator<(const NftKey& a, const NftKey& b) {
    if (a.size != b.size) return a.size < b.size;
    for (int i = 0; i < 3; ++i)
      if (a.v[i] != b.v[i]) return a.v[i] < b.v[i];
    return false;
  }
};
struct NftKeyHash {
  std::size_t operator()(const NftKey& k) const {
    std::uint64_t h = k.size;
    for (auto x : k.v) h = (h ^ x) * 0x100000001b3ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

struct NftVerdict {
  enum class Kind : std::uint8_t { Continue, Accept, Drop, Return, Jump, Goto };
  Kind kind = Kind::Continue;
  std::string chain;                       // Jump / Goto
  std::uint32_t target = kNftUnresolved;   // chain position, filled by NftTable::link()
};

// --- matches (a rule stops at the first one that fails) --------------------------------------
// ip saddr|daddr [!=] ADDR | PREFIX | { a, b/n, ... }
struct NftAddrMatch {
  bool source = false;
  bool negate = false;
  std::vector<net::Cidr> cidrs;  // one element prints bare; more print as an anonymous set
};
// ip saddr|daddr [!=] @set
struct NftSetMatch {
  bool source = false;
  bool negate = false;
  std::string set;
  std::uint32_t set_index = kNftUnresolved;
};
struct NftProtoMatch { net::Protocol protocol = net::Protocol::Tcp; };  // meta l4proto tcp
struct NftPortMatch {                                                    // tcp dport 80
  net::Protocol protocol = net::Protocol::Tcp;
  net::Port port = 0;
};
struct NftCtStateMatch { std::uint8_t states = kCtNew; };                // ct state new (CtStateBits)
struct NftMarkMatch {                                                    // mark and M == V / != V
  std::uint32_t mask = 0;
  std::uint32_t value = 0;
  bool negate = false;
};
struct NftFibLocalMatch { bool source = false; };                        // fib saddr|daddr type local

// --- statements ------------------------------------------------------------------------------
// KEY vmap @map: the element's verdict; no element: the rule continues (and so the chain).
struct NftVmapLookup {
  std::vector<NftField> key;
  std::string map;
  std::uint32_t map_index = kNftUnresolved;
};
// numgen random mod N vmap { 0 : goto a, 1 : goto b, ... }: uniform choice among N verdicts.
struct NftNumgenVmap { std::vector<NftVerdict> targets; };
struct NftMarkSet {                                                      // mark set mark or|xor V
  enum class Op : std::uint8_t { Or, Xor } op = Op::Or;
  std::uint32_t value = 0;
};
struct NftSetUpdate {                                                    // update @set { ip saddr }
  std::string set;
  std::uint32_t set_index = kNftUnresolved;
};
struct NftDnat { net::Ipv4Address address; std::optional<net::Port> port; };  // dnat to A:P
struct NftMasquerade { bool fully_random = false; };
struct NftReject {};  // reject: ICMP port unreachable

using NftExpr = std::variant<NftAddrMatch, NftSetMatch, NftProtoMatch, NftPortMatch, NftCtStateMatch, NftMarkMatch,
                             NftFibLocalMatch, NftVmapLookup, NftNumgenVmap, NftMarkSet, NftSetUpdate, NftDnat,
                             NftMasquerade, NftReject, NftVerdict>;

struct NftRule {
  std::vector<NftExpr> exprs;  // evaluated left to right, as nft does
  std::string comment;
};

struct NftBaseHook {
  NftChainType type = NftChainType::Filter;
  NfHook hook = NfHook::Prerouting;
  int priority = 0;
  bool policy_drop = false;
};

struct NftChain {
  std::string name;
  std::optional<NftBaseHook> base;  // set: a base chain attached to a hook
  std::string comment;
  std::vector<NftRule> rules;
};

struct NftElement {
  NftKey key;
  std::string comment;
  NftVerdict verdict;  // maps only
};

struct NftSet {
  std::string name;
  std::vector<NftDataType> key_type;  // concatenation
  bool is_map = false;                // "... : verdict"
  bool dynamic = false;               // flags dynamic,timeout: filled at run time (`update`)
  std::uint32_t timeout_seconds = 0;
  std::string comment;
  std::vector<NftElement> elements;   // static elements, in the order they were added
  std::unordered_map<NftKey, std::uint32_t, NftKeyHash> index;  // key -> element, built by link()
  const NftElement* find(const NftKey& k) const {
    auto it = index.find(k);
    return it == index.end() ? nullptr : &elements[it->second];
  }
};

// One table ("table ip kube-proxy"). Chains and sets keep creation order, which is the order
// `nft list` prints them in.
class NftTable {
public:
  NftTable() = default;
  NftTable(std::string family, std::string name) : family_(std::move(family)), name_(std::move(name)) {}

  const std::string& family() const { return family_; }
  const std::string& name() const { return name_; }
  std::string comment;

  // Regular chain `name`, created when missing. Changes unlink the table.
  NftChain& chain(const std::string& name);
  NftChain& base_chain(const std::string& name, NftBaseHook hook);
  NftSet& set(const std::string& name);  // created when missing
  void add_rule(const std::string& chain_name, NftRule rule) { chain(chain_name).rules.push_back(std::move(rule)); }
  void add_element(const std::string& set_name, NftElement e);
  void flush_chain(const std::string& name);  // empties it, as `flush chain` does
  void delete_chain(const std::string& name);

  const std::vector<NftChain>& chains() const { return chains_; }
  const std::vector<NftSet>& sets() const { return sets_; }
  const NftChain* find_chain(const std::string& name) const;
  const NftSet* find_set(const std::string& name) const;
  std::optional<std::uint32_t> chain_position(const std::string& name) const;
  std::optional<std::uint32_t> set_position(const std::string& name) const;

  void link();
  bool linked() const { return linked_; }

  // The texts traces repeat, rendered once (by nft_trace_texts and nft_matched_text in
  // nft_print.h) and shared by every hop that shows them. link() drops them.
  struct TraceTexts {
    text::SharedText family_table;                        // "ip kube-proxy"
    std::vector<text::SharedText> chain_names;            // by chain: "services"
    std::vector<text::SharedText> chain_labels;           // by chain: "ip kube-proxy services"
    std::vector<std::vector<text::SharedText>> rules;     // by chain and rule, rendered on first use
    std::map<std::tuple<std::uint32_t, std::uint32_t, std::int32_t>, text::SharedText> matched;  // rule with its element
  };
  mutable TraceTexts text_cache;

private:
  std::string family_ = "ip";
  std::string name_;
  std::vector<NftChain> chains_;
  std::vector<NftSet> sets_;
  std::map<std::string, std::uint32_t> chain_pos_;
  std::map<std::string, std::uint32_t> set_pos_;
  bool linked_ = false;
};

// A base chain as the datapath sees it: the table, the chain and where it hooks.
struct NftHookEntry {
  std::uint32_t table = 0;
  std::uint32_t chain = 0;
  NftBaseHook hook;
};

// Every nftables table of one network namespace.
struct NftRuleset {
  std::vector<NftTable> tables;

  bool empty() const { return tables.empty(); }
  NftTable* find(const std::string& family, const std::string& name);
  const NftTable* find(const std::string& family, const std::string& name) const;
  NftTable& table(const std::string& family, const std::string& name);  // created when missing
  // Links every table and collects base chains per hook, sorted by priority (stable: equal
  // priorities keep table/chain creation order, as the kernel keeps registration order).
  void link();
  const std::vector<NftHookEntry>& at_hook(NfHook h) const { return hooks_[static_cast<int>(h)]; }

private:
  std::vector<NftHookEntry> hooks_[5];
};

// The key of a packet for a concatenation of fields (protocol as its IP number).
NftKey nft_packet_key(const std::vector<NftField>& fields, net::Ipv4Address src, net::Ipv4Address dst,
                      net::Protocol protocol, net::Port dport);

}  // namespace packetwalk::model::datapath
