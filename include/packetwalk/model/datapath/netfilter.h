#pragma once
// Netfilter rule objects: the single representation that `packetwalk rules` prints and that the
// datapath walks. A Rule holds iptables' ip-level matches (-s -d -i -o -p) as fields and every
// match module (-m ...) as an ordered list, exactly as iptables-save lays a rule out, so printing
// is a direct rendering and evaluation reads the same fields.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::datapath {

enum class NfHook : std::uint8_t { Prerouting, Input, Forward, Output, Postrouting };
enum class NfTableKind : std::uint8_t { Raw, Mangle, Nat, Filter };
std::string_view hook_name(NfHook h);         // "PREROUTING"
std::string_view table_name(NfTableKind t);   // "nat"

// Conntrack states as the conntrack match names them (bit set).
enum CtStateBits : std::uint8_t {
  kCtNew = 1, kCtEstablished = 2, kCtRelated = 4, kCtInvalid = 8, kCtDnat = 16, kCtSnat = 32
};

// --- match modules (-m NAME ...), printed in the order they are stored -------------------------
struct CommentMatch { std::string text; };
struct PortMatch {  // -m tcp|udp|sctp [--sport/--dport P[:Q]]
  net::Protocol protocol = net::Protocol::Tcp;
  std::optional<std::pair<net::Port, net::Port>> dport;
  std::optional<std::pair<net::Port, net::Port>> sport;
  bool negate_dport = false;
};
struct MarkMatch { std::uint32_t value = 0; std::uint32_t mask = 0xffffffff; bool negate = false; };
struct AddrTypeMatch { bool source = false; std::string type = "LOCAL"; bool negate = false; };
struct StatisticMatch {  // --mode random --probability P; `written` is kube-proxy's %0.10f text
  std::string written;
  std::uint32_t threshold = 0;  // kernel: round(P * 2^31); a packet matches when (rand & 0x7fffffff) < threshold
};
struct RecentMatch {  // -m recent --name N (--rcheck --seconds S --reap | --set)
  std::string name;
  bool set = false;
  std::uint32_t seconds = 0;
  bool reap = false;
};
struct ConntrackMatch { std::uint8_t states = 0; bool negate = false; };
struct IpSet;
struct SetMatch {  // -m set --match-set N dst,dst
  std::string set_name;
  std::string flags;
  bool negate = false;
  // The set `set_name` found by the last walk, kept like the index the kernel resolves a rule's
  // set to when the rule is loaded: valid while the namespace's IpSets is the table at `ipsets`
  // and its generation is `generation` (see IpSets). Not part of the rule as written.
  struct Resolved {
    const void* ipsets = nullptr;
    std::uint64_t generation = 0;
    const IpSet* set = nullptr;
  };
  mutable Resolved resolved;
};
struct NfacctMatch { std::string name; };
struct PhysdevMatch { bool is_bridged = true; bool negate = false; };

using MatchModule = std::variant<CommentMatch, PortMatch, MarkMatch, AddrTypeMatch, StatisticMatch,
                                 RecentMatch, ConntrackMatch, SetMatch, NfacctMatch, PhysdevMatch>;

// --- targets (-j ...) -------------------------------------------------------------------------
struct JumpTarget { std::string chain; bool go_to = false; };
struct AcceptTarget {};
struct DropTarget {};
struct ReturnTarget {};
struct RejectTarget { std::string with; };  // empty = icmp-port-unreachable (kernel default)
struct DnatTarget { net::Ipv4Address address; std::optional<net::Port> port; };
struct SnatTarget { net::Ipv4Address address; };
struct MasqueradeTarget { bool random_fully = false; };
// SetXmark: mark = (mark & ~mask) ^ value (`--set-xmark value/mask`, Calico's way to set or clear bits).
struct MarkTarget { enum class Op { Set, Or, Xor, SetXmark } op = Op::Or; std::uint32_t value = 0; std::uint32_t mask = 0; };
struct NoTarget {};  // a rule without -j: counts, then the walk continues

using Target = std::variant<NoTarget, JumpTarget, AcceptTarget, DropTarget, ReturnTarget, RejectTarget,
                            DnatTarget, SnatTarget, MasqueradeTarget, MarkTarget>;

template <class T>
struct Negatable {
  T value{};
  bool negate = false;
};

struct Rule {
  std::optional<Negatable<net::Cidr>> source;       // -s
  std::optional<Negatable<net::Cidr>> destination;  // -d
  std::optional<Negatable<std::string>> in_iface;   // -i (a trailing '+' is a prefix match)
  std::optional<Negatable<std::string>> out_iface;  // -o
  std::optional<Negatable<net::Protocol>> protocol; // -p
  std::vector<MatchModule> modules;
  Target target;
};

struct Chain {
  std::string name;
  bool builtin = false;
  std::string policy = "ACCEPT";  // only meaningful for built-in chains
  std::vector<Rule> rules;
};

struct TableIndex;  // netfilter_index.h

// One table (filter, nat, ...): built-in chains plus user chains, looked up by name.
// Printing order is canonical (see netfilter_save.cpp): built-ins in kernel order, then user
// chains in the order kube-proxy's own tests sort them.
struct Table {
  NfTableKind kind = NfTableKind::Filter;
  std::map<std::string, Chain> chains;

  Chain& chain(const std::string& name);              // creates a user chain when missing
  const Chain* find(const std::string& name) const;
  void append(const std::string& chain_name, Rule rule);
  void prepend(const std::string& chain_name, Rule rule);

  // The walker's lookup cache (netfilter_index.h): built on first walk, dropped by chain(),
  // append() and prepend(). Change rules only through those (or drop it yourself).
  mutable std::shared_ptr<const TableIndex> index_cache;
};

// The tables of one network namespace.
struct Netfilter {
  Table raw{NfTableKind::Raw, {}};
  Table mangle{NfTableKind::Mangle, {}};
  Table nat{NfTableKind::Nat, {}};
  Table filter{NfTableKind::Filter, {}};
  Netfilter();  // creates the built-in chains of each table
  // Inline: the engine asks for a table at every hook a packet passes, a hundred times a trace.
  Table& table(NfTableKind k) {
    switch (k) {
      case NfTableKind::Raw: return raw;
      case NfTableKind::Mangle: return mangle;
      case NfTableKind::Nat: return nat;
      case NfTableKind::Filter: break;
    }
    return filter;
  }
  const Table& table(NfTableKind k) const { return const_cast<Netfilter*>(this)->table(k); }
};

// The built-in chains a table has at a hook (e.g. nat has no FORWARD).
bool table_has_hook(NfTableKind t, NfHook h);

}  // namespace packetwalk::model::datapath
