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
  if (v == "kube-proxy dnat" && h.action == trace::HopAction::Dnat && h.detail.find("KUBE-SEP-") != std::string::npos)
    return true;
  if (v == "masquerade" && h.action == trace::HopAction::Snat && h.detail.find("MASQUERADE") != std::string::npos)
    return true;
  for (const auto& r : h.rules) {
    if (r.chain.rfind(via, 0) == 0) return true;
  }
  if (!h.iface.empty() && (h.netns + "/" + h.iface) == via) return true;
  return false;
}
}  // namespace

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
  if (!expected.outcome.empty()) {
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
  if (!expected.backend.empty() && expected.backend != result.answered_by) {
    c.passed = false;
    c.failures.push_back("expected backend " + expected.backend + ", answered by " +
                         (result.answered_by.empty() ? std::string("nobody") : result.answered_by));
  }
  return c;
}

}  // namespace packetwalk::model::query
