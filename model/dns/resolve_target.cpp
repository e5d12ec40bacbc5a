// Destinations given as DNS names: resolved by the source's resolver before the connection.
#include "packetwalk/model/dns/resolve_target.h"

#include <charconv>

namespace packetwalk::model::dns {

namespace {

std::optional<net::Port> parse_port(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
  return static_cast<net::Port>(v);
}

}  // namespace

std::optional<ResolvedTarget> resolve_target(cluster::Cluster& c, query::ProbeRunner& runner, std::string_view text,
                                             const query::Source& from, std::string_view default_ns, std::string& error) {
  auto colon = text.rfind(':');
  std::string_view host = colon == std::string_view::npos ? text : text.substr(0, colon);
  const bool other_form = host.find('/') != std::string_view::npos || net::Ipv4Address::parse(host) || host == "localhost" ||
                          colon == std::string_view::npos ||
                          c.inventory().find_pod(default_ns, host) != nullptr;
  if (other_form) {
    auto dst = query::resolve_destination(c, text, from, default_ns, error);
    if (!dst) return std::nullopt;
    return ResolvedTarget{dst, std::nullopt};
  }
  auto port = parse_port(text.substr(colon + 1));
  if (!port) {
    error = "\"" + std::string(text.substr(colon + 1)) + "\" is not a port number (1-65535)";
    return std::nullopt;
  }
  if (auto why = name_error(host); !why.empty()) {
    error = "\"" + std::string(host) + "\" is not a pod, NS/NAME, address or DNS name: " + why;
    return std::nullopt;
  }
  ResolvedTarget out;
  out.dns = lookup_name(c, runner, from, host, {rr::A, rr::AAAA});
  const auto& r = out.dns->result;
  if (r.status == LookupStatus::Success && !r.addresses.empty())
    out.destination = query::Destination{r.addresses.front(), *port, std::string(text)};
  return out;
}

std::string failed_lookup_outcome(const LookupResult& r) {
  switch (r.status) {
    case LookupStatus::Success: return r.addresses.empty() && r.records.empty() ? "nxdomain" : "";
    case LookupStatus::NxDomain:
    case LookupStatus::NoData: return "nxdomain";
    case LookupStatus::Timeout: return "timeout";
    case LookupStatus::Refused: return "refused";
    case LookupStatus::ServFail: return "unreachable";
  }
  return "";
}

query::ProbeResult unresolved_result(const NameLookup& lookup) {
  query::ProbeResult r;
  const auto& res = lookup.result;
  std::string outcome = failed_lookup_outcome(res);
  r.trace.disposition = outcome == "timeout"   ? trace::Disposition::Timeout
                        : outcome == "refused" ? trace::Disposition::Refused
                                               : trace::Disposition::Unreachable;
  r.trace.reason = "DNS: " + res.name + " did not resolve: " + std::string(lookup_status_name(res.status)) + ", " + res.reason;
  return r;
}

query::ExpectationCheck check_expectation(const load::Expectation& expected, const std::optional<NameLookup>& dns,
                                          const query::ProbeResult& result) {
  const std::string dns_outcome = dns ? failed_lookup_outcome(dns->result) : "";
  load::Expectation rest = expected;
  rest.via.clear();
  rest.latency_max_us.reset();  // checked below, with the lookup's time added
  rest.latency_min_us.reset();
  if (!dns_outcome.empty()) rest.outcome.clear();  // compared below against the DNS failure
  query::ExpectationCheck check = query::check_expectation(rest, result);
  if (!dns_outcome.empty() && expected.outcome == "dropped") {
    // The lookup failed: dropped when one of its queries was discarded on the way (e.g. an egress
    // policy without port 53).
    bool dropped = false;
    for (const auto& p : dns->probes) dropped = dropped || query::dropped_in_datapath(p.trace);
    if (!dropped) {
      check.passed = false;
      check.failures.insert(check.failures.begin(), "expected outcome dropped, got " + dns_outcome +
                                                        " with no DNS query dropped in the datapath (" +
                                                        result.trace.reason + ")");
    }
  } else if (!dns_outcome.empty() && !expected.outcome.empty() && expected.outcome != dns_outcome) {
    check.passed = false;
    check.failures.insert(check.failures.begin(), "expected outcome " + expected.outcome + ", got " + dns_outcome + " (" +
                                                      result.trace.reason + ")");
  }
  query::check_latency(expected, result.trace, dns ? dns->result.elapsed : sim::Time{}, check);
  for (const auto& via : expected.via) {
    bool found = query::trace_passes_via(result.trace, via);
    if (dns)
      for (const auto& p : dns->probes) found = found || query::trace_passes_via(p.trace, via);
    if (!found) {
      check.passed = false;
      check.failures.push_back("expected the trace to pass \"" + via + "\"; it does not");
    }
  }
  return check;
}

}  // namespace packetwalk::model::dns
