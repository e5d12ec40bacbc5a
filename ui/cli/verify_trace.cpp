#include "verify_trace.h"

#include <set>
#include <sstream>

namespace packetwalk::ui::cli::verify {

const char* const kTraceTable = "packetwalk-trace";

std::vector<NodePath> model_rule_path(const model::trace::Trace& t) {
  std::vector<NodePath> out;
  if (t.legs.empty()) return out;
  std::set<std::string> left;  // nodes the packet has moved on from: a later visit is not compared
  for (const auto& hop : t.legs.front().hops) {
    const bool node = !hop.node.empty() && hop.netns == hop.node;
    if (!out.empty() && out.back().node != hop.netns) left.insert(out.back().node);
    if (!node || !hop.packet.inner.empty() || left.count(hop.netns)) continue;
    if (out.empty() || out.back().node != hop.netns) {
      NodePath p;
      p.node = hop.netns;
      p.entry_dst = hop.packet.dst.to_string();
      p.entry_port = hop.packet.dport;
      out.push_back(std::move(p));
    }
    if (hop.action != model::trace::HopAction::Netfilter) continue;
    for (const auto& r : hop.rules) {
      // iptables tables are named bare ("nat"); nftables ones with their family ("ip kube-proxy").
      const std::string table = r.table.find(' ') == std::string::npos ? "ip " + r.table : r.table.str();
      out.back().steps.push_back({table + " " + r.chain, r.text});
    }
  }
  return out;
}

std::string trace_on_script(const std::string& protocol, const std::vector<std::pair<std::string, int>>& entries) {
  const std::string t = std::string("ip ") + kTraceTable;
  std::string s = "add table " + t + "\n";
  s += "add chain " + t + " prerouting { type filter hook prerouting priority -350; policy accept; }\n";
  s += "add chain " + t + " output { type filter hook output priority -350; policy accept; }\n";
  for (const auto& [dst, port] : entries) {
    for (const char* chain : {"prerouting", "output"})
      s += "add rule " + t + " " + chain + " ip daddr " + dst + " " + protocol + " dport " + std::to_string(port) +
           " meta nftrace set 1\n";
  }
  return s;
}

std::vector<RuleStep> parse_nft_trace(const std::string& monitor_output) {
  // "trace id 8c3054af ip nat PREROUTING packet: iif ... ip id 51703 ..." opens each base chain;
  // "trace id 8c3054af ip nat KUBE-SERVICES rule <rule text> (verdict jump KUBE-SVC-...)".
  // A trace id is not a packet's: the kernel derives it from the socket buffer, which the next
  // packet may reuse, and a clone gets another. The IP ID tells the packets apart.
  std::vector<RuleStep> out;
  std::map<std::string, std::string> ip_id;  // trace id -> IP ID of the packet it carries now
  std::string first;                          // the first packet's IP ID
  std::stringstream ss(monitor_output);
  std::string line;
  while (std::getline(ss, line)) {
    std::stringstream ls(line);
    std::string trace, id, value, family, table, chain, kind;
    if (!(ls >> trace >> id >> value >> family >> table >> chain >> kind) || trace != "trace" || id != "id") continue;
    if (kind == "packet:") {
      const auto at = line.find(" ip id ");
      if (at == std::string::npos) continue;
      std::stringstream is(line.substr(at + 7));
      std::string n;
      is >> n;
      ip_id[value] = n;
      if (first.empty()) first = n;
      continue;
    }
    if (kind != "rule" || table == kTraceTable || first.empty() || ip_id[value] != first) continue;
    std::string text = line.substr(line.find(" rule ") + 6);
    if (auto v = text.rfind(" (verdict "); v != std::string::npos) text.erase(v);
    while (!text.empty() && text.front() == ' ') text.erase(0, 1);
    out.push_back({family + " " + table + " " + chain, text});
  }
  return out;
}

std::vector<std::string> compare_rule_paths(const std::vector<NodePath>& model,
                                            const std::map<std::string, std::vector<RuleStep>>& kernel) {
  std::vector<std::string> lines;
  for (const auto& p : model) {
    auto it = kernel.find(p.node);
    static const std::vector<RuleStep> none;
    const auto& k = it == kernel.end() ? none : it->second;
    std::size_t i = 0;
    while (i < p.steps.size() && i < k.size() && p.steps[i].chain == k[i].chain) ++i;
    if (i == p.steps.size() && i == k.size()) continue;
    lines.push_back("rules in " + p.node + ": model " + std::to_string(p.steps.size()) + ", kernel " +
                    std::to_string(k.size()) + (it == kernel.end() ? " (no packet traced there)" : "") +
                    "; they part at rule " + std::to_string(i + 1) + ":");
    for (std::size_t j = i; j < i + 3 && (j < p.steps.size() || j < k.size()); ++j) {
      const std::string m = j < p.steps.size() ? p.steps[j].chain + ": " + p.steps[j].text : "(none)";
      const std::string kk = j < k.size() ? k[j].chain + ": " + k[j].text : "(none)";
      lines.push_back("  " + std::to_string(j + 1) + ". model  " + m);
      lines.push_back("  " + std::string(std::to_string(j + 1).size(), ' ') + "  kernel " + kk);
    }
  }
  return lines;
}

}  // namespace packetwalk::ui::cli::verify
