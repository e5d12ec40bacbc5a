#include "packetwalk/model/query/expectation.h"

#include <algorithm>
#include <cctype>

namespace packetwalk::model::query {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool hop_matches(const trace::Hop& h, const std::string& via) {
  const std::string v = lower(via);
  if (v == lower(h.iface) || v == lower(h.netns) || v == lower(h.node)) return true;
  if (v == trace::action_name(h.action)) return true;
  if ((v == "vxlan" || v == "encapsulate") && h.action == trace::HopAction::Encapsulate) return true;
  // An eBPF program by object or section: "bpf_lxc", "bpf_lxc cil_to_container" (Cilium).
  if (h.action == trace::HopAction::Bpf && lower(h.detail).rfind(v, 0) == 0) return true;
  // kube-proxy's DNAT to an endpoint: a KUBE-SEP- rule (iptables), an endpoint- chain's dnat
  // (nftables), or an IPVS virtual server's real server.
  if (v == "kube-proxy dnat" && h.action == trace::HopAction::Dnat &&
      (h.detail.find("KUBE-SEP-") != std::string::npos || h.detail.find(" endpoint-") != std::string::npos ||
       h.detail.rfind("IPVS ", 0) == 0))
    return true;
  if (v == "ipvs" && h.detail.rfind("IPVS", 0) == 0) return true;
  // iptables' `-j MASQUERADE` or nftables' `masquerade` statement (kube-proxy's nftables mode).
  if (v == "masquerade" && h.action == trace::HopAction::Snat && lower(h.detail).find("masquerade") != std::string::npos)
    return true;
  for (const auto& r : h.rules) {
    if (r.chain.rfind(via, 0) == 0) return true;
  }
  if (!h.iface.empty() && (h.netns + "/" + h.iface) == via) return true;
  return false;
}
// The drop rules Calico's compiler writes name the policies that isolated the pod
// ("... is isolated by NetworkPolicy ns/a, ns/b"); `name` is "NAME" or "NAMESPACE/NAME".
bool dropped_by_policy(const trace::Trace& t, const std::string& name) {
  for (const auto& leg : t.legs) {
    for (const auto& h : leg.hops) {
      if (h.action != trace::HopAction::Drop) continue;
      // Calico's DROP rules and Cilium's policy drops both name the isolating policies.
      if (h.drop_reason != trace::DropReason::NetfilterDrop && h.drop_reason != trace::DropReason::PolicyDenied) continue;
      auto at = h.detail.find("NetworkPolicy ");
      if (at == std::string::npos) continue;
      for (auto pos = h.detail.find(name, at); pos != std::string::npos; pos = h.detail.find(name, pos + 1)) {
        const char before = h.detail[pos - 1];
        const auto end = pos + name.size();
        const char after = end < h.detail.size() ? h.detail[end] : '"';
        const bool whole = (name.find('/') != std::string::npos ? before == ' ' || before == ',' : before == '/') &&
                           (after == '"' || after == ',' || after == ' ');
        if (whole) return true;
      }
    }
  }
  return false;
}

// The drop rules of Calico's admin and baseline tiers carry "<Kind>/<name> <direction> rule ...";
// `ref` is "AdminNetworkPolicy/NAME" (or BaselineAdminNetworkPolicy/, ClusterNetworkPolicy/).
bool dropped_by_admin_policy(const trace::Trace& t, const std::string& ref) {
  auto name_char = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.'; };
  for (const auto& leg : t.legs) {
    for (const auto& h : leg.hops) {
      if (h.action != trace::HopAction::Drop || h.drop_reason != trace::DropReason::NetfilterDrop) continue;
      for (auto pos = h.detail.find(ref); pos != std::string::npos; pos = h.detail.find(ref, pos + 1)) {
        const bool starts = pos == 0 || !std::isalpha(static_cast<unsigned char>(h.detail[pos - 1]));
        const auto end = pos + ref.size();
        if (starts && (end == h.detail.size() || !name_char(h.detail[end]))) return true;
      }
    }
  }
  return false;
}

std::string first_drop(const trace::Trace& t) {
  for (const auto& leg : t.legs)
    for (const auto& h : leg.hops)
      if (h.action == trace::HopAction::Drop) return "the first drop was at " + h.netns + ": " + h.detail;
  return "nothing was dropped";
}

}  // namespace

bool dropped_in_datapath(const trace::Trace& t) {
  if (t.disposition == trace::Disposition::Connected) return false;
  for (const auto& leg : t.legs)
    for (const auto& h : leg.hops)
      if (h.action == trace::HopAction::Drop && h.drop_reason != trace::DropReason::NoListener) return true;
  return false;
}

std::string dropped_failure(const trace::Trace& t) {
  const std::string got(trace::disposition_name(t.disposition));
  if (t.disposition == trace::Disposition::Connected)
    return "expected outcome dropped, got connected (" + t.reason + ")";
  return "expected outcome dropped, got " + got + " with no packet dropped in the datapath (" + t.reason + ")";
}

bool trace_passes_via(const trace::Trace& t, const std::string& via) {
  for (const auto& leg : t.legs) {
    for (const auto& h : leg.hops) {
      if (hop_matches(h, via)) return true;
    }
  }
  return false;
}

ExpectationCheck check_expectation(const load::Expectation& expected, const ProbeResult& result) {
  ExpectationCheck c;
  const auto& tr = result.trace;
  if (expected.outcome == "dropped") {
    // Not a disposition: the client may have seen a timeout (DROP), refused (REJECT) or
    // unreachable (no route); what counts is that the datapath discarded a packet of the exchange.
    if (!dropped_in_datapath(tr)) {
      c.passed = false;
      c.failures.push_back(dropped_failure(tr));
    }
  } else if (!expected.outcome.empty()) {
    std::string got(trace::disposition_name(tr.disposition));
    if (got != expected.outcome) {
      c.passed = false;
      c.failures.push_back("expected outcome " + expected.outcome + ", got " + got + " (" + tr.reason + ")");
    }
  }
  for (const auto& via : expected.via) {
    if (!trace_passes_via(tr, via)) {
      c.passed = false;
      c.failures.push_back("expected the trace to pass \"" + via + "\"; it does not");
    }
  }
  const bool by_np = expected.dropped_by.rfind("NetworkPolicy/", 0) == 0;
  if (!expected.dropped_by.empty() &&
      !(by_np ? dropped_by_policy(tr, expected.dropped_by.substr(std::string("NetworkPolicy/").size()))
              : dropped_by_admin_policy(tr, expected.dropped_by))) {
    c.passed = false;
    c.failures.push_back("expected a drop decided by " + expected.dropped_by + "; " + first_drop(tr));
  }
  if (!expected.backend.empty() && expected.backend != result.answered_by) {
    c.passed = false;
    c.failures.push_back("expected backend " + expected.backend + ", answered by " +
                         (result.answered_by.empty() ? std::string("nobody") : result.answered_by));
  }
  for (const auto& not_via : expected.not_via) {
    for (const auto& leg : tr.legs) {
      auto hop = std::find_if(leg.hops.begin(), leg.hops.end(), [&](const trace::Hop& h) { return hop_matches(h, not_via); });
      if (hop == leg.hops.end()) continue;
      c.passed = false;
      c.failures.push_back("expected the trace not to pass \"" + not_via + "\"; the " + leg.name + " does at " +
                           sim::format_time(hop->time) + " " + hop->netns + (hop->iface.empty() ? "" : " " + hop->iface) +
                           " (" + std::string(trace::action_name(hop->action)) + ")");
      break;
    }
  }
  check_latency(expected, tr, sim::Time{}, c);
  return c;
}

void check_latency(const load::Expectation& expected, const trace::Trace& tr, sim::Time before, ExpectationCheck& c) {
  if (!expected.latency_max_us && !expected.latency_min_us) return;
  // The final hop: where the last packet of the exchange ended (the ACK at the server, the reply
  // at the client); without legs (a name that did not resolve) the lookup's end.
  sim::Time at = before;
  std::string where = "the end of the name lookup";
  if (!tr.legs.empty() && !tr.legs.back().hops.empty()) {
    const auto& last = tr.legs.back().hops.back();
    at = before + last.time;
    where = last.netns + ", " + std::string(trace::action_name(last.action));
  }
  if (before > sim::Time{}) where += "; " + sim::format_time(before) + " of it the name lookup";
  const double us = static_cast<double>(at.count_ns()) / 1000.0;
  auto time_of = [](double bound_us) { return sim::format_time(sim::Time::ns(static_cast<std::int64_t>(bound_us * 1000))); };
  if (expected.latency_max_us && us > *expected.latency_max_us) {
    c.passed = false;
    c.failures.push_back("expected the final hop by " + time_of(*expected.latency_max_us) + ", it was at " +
                         sim::format_time(at) + " (" + where + ")");
  }
  if (expected.latency_min_us && us < *expected.latency_min_us) {
    c.passed = false;
    c.failures.push_back("expected the final hop no sooner than " + time_of(*expected.latency_min_us) + ", it was at " +
                         sim::format_time(at) + " (" + where + ")");
  }
}

}  // namespace packetwalk::model::query
