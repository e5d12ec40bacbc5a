#pragma once
// A namespace's netfilter tables as the lines `iptables-save` prints (the same printer as
// `packetwalk rules`), each line remembering which table, chain and rule it shows, so the rules
// table panel can highlight and scroll to the rules a hop matched. Built once per namespace.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/trace/trace.h"

namespace packetwalk::ui::gui {

struct RuleLine {
  model::datapath::NfTableKind table = model::datapath::NfTableKind::Filter;
  std::string chain;        // "" for the "*table" and "COMMIT" lines
  std::uint32_t number = 0; // 1-based rule position in its chain; 0 for header lines
  std::string text;         // "-A KUBE-SERVICES -d 10.96.0.1/32 ...", ":INPUT ACCEPT [0:0]", "*nat"
};

class RuleListing {
public:
  RuleListing() = default;
  explicit RuleListing(const model::datapath::Netfilter& nf);

  const std::vector<RuleLine>& lines() const { return lines_; }
  // The line showing a rule a hop matched; -1 when it is not in this listing.
  int find(const model::trace::RuleHit& hit) const;
  std::size_t rule_count() const { return rule_count_; }

private:
  void add_table(const model::datapath::Table& t);

  std::vector<RuleLine> lines_;
  std::map<std::tuple<std::string, std::string, std::uint32_t>, int> index_;  // (table, chain, number)
  std::size_t rule_count_ = 0;
};

}  // namespace packetwalk::ui::gui
