#pragma once
// The per-rule side of `packetwalk verify`: the netfilter rules a probe's first packet matched in
// each node, as packetwalk's trace says and as the kernel's own trace (`nft monitor trace`, after a
// `meta nftrace set 1` rule scoped to that packet) says. With iptables-nft both iptables and
// nftables rules are nf_tables rules, so one tracer sees kube-proxy, Calico and Flannel alike.

#include <map>
#include <string>
#include <vector>

#include "packetwalk/model/trace/trace.h"

namespace packetwalk::ui::cli::verify {

struct RuleStep {
  std::string chain;  // "ip nat KUBE-SERVICES", "ip kube-proxy services": family, table, chain
  std::string text;   // the rule as the side that reports it prints it (for the report only)
};

// The rules the request matched in one node, in the order the kernel walks them.
struct NodePath {
  std::string node;        // model namespace name ("node-1")
  std::string entry_dst;   // the packet's destination address and port when it enters the node
  int entry_port = 0;
  std::vector<RuleStep> steps;
};

// From the model trace's first leg (the connection's first packet), per node in order of visit;
// VXLAN outer packets are left out (the kernel does not trace them either: encapsulation clears
// the trace flag).
std::vector<NodePath> model_rule_path(const model::trace::Trace& t);

// The nftables script that turns tracing on in one node for packets of `protocol` ("tcp"/"udp")
// to any of the entries, before conntrack and NAT (priority -350); and the command that removes it.
extern const char* const kTraceTable;
std::string trace_on_script(const std::string& protocol, const std::vector<std::pair<std::string, int>>& entries);

// The rule steps of the first packet in `nft monitor trace` output (its first trace id), without
// the tracing table's own rule.
std::vector<RuleStep> parse_nft_trace(const std::string& monitor_output);

// Side-by-side report lines for every node whose rule path differs; empty when all agree.
// `kernel` is keyed by model node name; a node the model visits but the kernel did not trace
// (or the other way round) differs too.
std::vector<std::string> compare_rule_paths(const std::vector<NodePath>& model,
                                            const std::map<std::string, std::vector<RuleStep>>& kernel);

}  // namespace packetwalk::ui::cli::verify
