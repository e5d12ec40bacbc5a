// JSON for programs. Schema "packetwalk/trace/v1" (docs/json-output.md). Keys are written in a
// fixed order (nlohmann::ordered_json) so output is byte-identical run to run.
#include <nlohmann/json.hpp>

#include "json_parts.h"
#include "trace_render.h"

namespace packetwalk::ui::render {

using nlohmann::ordered_json;

ordered_json packet_json(const model::net::Packet& p) {
  ordered_json j;
  j["src"] = p.src.to_string();
  j["dst"] = p.dst.to_string();
  j["protocol"] = std::string(model::net::kube_name(p.protocol));
  if (p.protocol == model::net::Protocol::Icmp) {
    j["icmp"] = std::string(model::net::icmp_kind_name(p.icmp));
  } else {
    j["sport"] = p.sport;
    j["dport"] = p.dport;
  }
  if (p.protocol == model::net::Protocol::Tcp) j["flags"] = model::net::tcp_flags_text(p.tcp_flags);
  j["ttl"] = p.ttl;
  j["length"] = p.length;
  if (p.mark) j["mark"] = p.mark;
  if (!p.inner.empty()) {
    j["vxlan_vni"] = p.vxlan_vni;
    j["inner"] = packet_json(p.inner.front());
  }
  return j;
}

ordered_json hop_json(const model::trace::Hop& h) {
  ordered_json j;
  j["time_ns"] = h.time.count_ns();
  j["node"] = h.node;
  j["netns"] = h.netns;
  j["iface"] = h.iface;
  j["action"] = std::string(model::trace::action_name(h.action));
  if (!h.hook.empty()) j["hook"] = h.hook;
  if (!h.detail.empty()) j["detail"] = h.detail;
  if (h.before) j["before"] = packet_json(*h.before);
  j["packet"] = packet_json(h.packet);
  if (h.action == model::trace::HopAction::Netfilter) {
    j["rules_evaluated"] = h.rules_evaluated;
    if (h.lookups) j["lookups"] = h.lookups;
    ordered_json rules = ordered_json::array();
    for (const auto& r : h.rules) {
      rules.push_back({{"table", r.table}, {"chain", r.chain}, {"number", r.number}, {"rule", r.text}});
    }
    j["rules"] = rules;
  }
  if (h.action == model::trace::HopAction::Drop) j["drop_reason"] = std::string(model::trace::drop_reason_name(h.drop_reason));
  return j;
}

namespace {

void fill_report(ordered_json& j, const ProbeReport& r) {
  if (!r.name.empty()) j["name"] = r.name;
  if (r.at) j["at"] = *r.at;
  j["from"] = r.from;
  j["to"] = r.to;
  j["protocol"] = r.protocol;
  j["verdict"] = outcome_name(r);
  j["reason"] = r.result.trace.reason;
  if (!r.result.answered_by.empty()) j["answered_by"] = r.result.answered_by;
  if (r.dns) j["dns"] = lookup_json(*r.dns);
  if (!r.expected.empty()) {
    j["expected"] = r.expected;
    j["passed"] = r.passed;
    j["failures"] = r.failures;
  }
  ordered_json legs = ordered_json::array();
  ordered_json hops = ordered_json::array();
  for (const auto& leg : r.result.trace.legs) {
    ordered_json lj;
    lj["name"] = leg.name;
    lj["first_hop"] = hops.size();
    for (const auto& h : leg.hops) {
      ordered_json hj = hop_json(h);
      hj["leg"] = legs.size();
      hops.push_back(std::move(hj));
    }
    lj["hop_count"] = leg.hops.size();
    legs.push_back(std::move(lj));
  }
  j["legs"] = legs;
  j["hops"] = hops;
}

}  // namespace

std::string to_json(const ProbeReport& report) {
  ordered_json j;
  j["schema"] = "packetwalk/trace/v1";
  fill_report(j, report);
  return j.dump(2) + "\n";
}

std::string to_json(const std::string& scenario, const std::vector<ProbeReport>& reports) {
  ordered_json j;
  j["schema"] = "packetwalk/run/v1";
  j["scenario"] = scenario;
  std::size_t passed = 0;
  ordered_json probes = ordered_json::array();
  for (const auto& r : reports) {
    passed += r.passed ? 1 : 0;
    ordered_json one;
    fill_report(one, r);
    probes.push_back(std::move(one));
  }
  j["passed"] = passed;
  j["failed"] = reports.size() - passed;
  j["probes"] = probes;
  return j.dump(2) + "\n";
}

}  // namespace packetwalk::ui::render
