#pragma once
// What the evaluator (evaluate.h, admin.h) can read of a workload pod, gathered from the policies:
// which pod label keys and values any selector mentions, and which address ranges any peer compares
// a pod's address with. reach groups pods by this (query/reach_groups.h): two pods of one namespace
// with the same ports, the same labels as projected here and the same position relative to every
// range are judged alike by every policy.
//
// Every policy kind the evaluator reads must be read here too: a kind left out would let reach
// merge pods that kind tells apart. footprint_kinds() names the kinds covered, and
// tests/model/policy/reach_groups_test.cpp fails when the loader models a policy kind not in it.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/policy/match.h"

namespace packetwalk::model::policy {

struct Footprint {
  // key -> values some selector compares it with (matchLabels, In, NotIn). A key mentioned only
  // by Exists / DoesNotExist maps to an empty set: only its presence matters.
  std::map<std::string, std::set<std::string>> pod_label_values;
  // Sorted, unique boundaries of every range (ipBlock cidr and except, admin `networks`): the first
  // address of each range and the one after its last. Addresses between two boundaries are inside
  // exactly the same ranges.
  std::vector<std::uint64_t> address_boundaries;
};

Footprint footprint(const PolicyIndex& index);

// The manifest kinds footprint() reads.
const std::vector<std::string_view>& footprint_kinds();

// The pod's labels as selectors can see them: keys no selector mentions dropped, values no
// selector mentions replaced by "*" (still present for Exists). A canonical string.
std::string projected_labels(const Footprint& f, const kube::Labels& labels);

// Which of the ranges between boundaries holds `ip`.
std::size_t address_interval(const Footprint& f, net::Ipv4Address ip);

}  // namespace packetwalk::model::policy
