#include "packetwalk/model/ingress/http_flow.h"

namespace packetwalk::model::ingress {

sim::Time response_time(const query::ProbeResult& r, const std::string& netns) {
  sim::Time at = sim::Time::zero();
  for (const auto& leg : r.trace.legs)
    for (const auto& hop : leg.hops)
      if (hop.action == trace::HopAction::Deliver && hop.netns == netns && !hop.packet.payload.empty() &&
          hop.detail.find("client socket") != std::string::npos)
        at = std::max(at, hop.time);
  return at;
}

std::string HttpFlowResult::answered_by() const {
  for (auto it = served.rbegin(); it != served.rend(); ++it)
    if (!it->backend_pod.empty()) return it->backend_pod;
  if (!served.empty()) return served.front().router_pod;
  return legs.empty() ? std::string() : legs.front().result.answered_by;
}

HttpClient::HttpClient(cluster::Cluster& cluster, std::uint64_t seed)
    : cluster_(cluster), client_(cluster.topology(), seed), upstream_(cluster.topology(), seed ^ 0x9e3779b97f4a7c15ull) {
  client_.set_applications(&cluster.applications());
  upstream_.set_applications(&cluster.applications());
  upstream_.keep_state(true);  // leg 1's conntrack entries must survive leg 2
}

HttpClient::~HttpClient() = default;

HttpFlowResult HttpClient::run(const HttpTarget& target, bool keep_limits) {
  auto& runtime = cluster_.ingress();
  auto& topo = cluster_.topology();
  if (!keep_limits) runtime.reset_limits();
  runtime.take_served();

  HttpFlowResult out;
  out.request = target.request;
  std::vector<HttpLeg> upstream_legs;
  runtime.set_connector([&](const UpstreamCall& call) {
    query::ProbeTarget t;
    t.from = call.from;
    t.dst = call.dst;
    t.port = call.port;
    t.payload = call.payload;
    t.payload_note = call.note;
    HttpLeg leg;
    leg.from = topo.netns(call.from).name;
    leg.to = call.dst.to_string() + ":" + std::to_string(call.port);
    leg.result = upstream_.run(t);
    UpstreamReply reply;
    const auto& tr = leg.result.trace;
    reply.elapsed = response_time(leg.result, leg.from);
    reply.answered_by = leg.result.answered_by;
    reply.reason = tr.reason;
    if (tr.disposition == trace::Disposition::Connected && !leg.result.response.empty()) {
      reply.outcome = UpstreamReply::Outcome::Answered;
      reply.response = leg.result.response;
    } else if (tr.disposition == trace::Disposition::Refused) {
      reply.outcome = UpstreamReply::Outcome::Refused;
    } else if (tr.disposition == trace::Disposition::Unreachable) {
      reply.outcome = UpstreamReply::Outcome::Unreachable;
    } else {
      reply.outcome = UpstreamReply::Outcome::Timeout;
    }
    if (reply.elapsed == sim::Time::zero()) {
      for (const auto& l : tr.legs)
        for (const auto& h : l.hops) reply.elapsed = std::max(reply.elapsed, h.time);
    }
    for (auto& l : leg.result.trace.legs)
      for (auto& h : l.hops) h.time += call.at;
    upstream_legs.push_back(std::move(leg));
    return reply;
  });

  query::ProbeTarget t;
  t.from = target.from;
  t.dst = target.dst;
  t.port = target.port;
  t.payload = to_bytes(target.request);
  t.payload_note = "HTTP " + target.request.summary();
  HttpLeg first;
  first.from = topo.netns(target.from).name;
  first.to = target.dst.to_string() + ":" + std::to_string(target.port);
  first.result = client_.run(t);
  runtime.set_connector({});
  out.served = runtime.take_served();

  out.legs.push_back(std::move(first));
  for (auto& l : upstream_legs) out.legs.push_back(std::move(l));
  const auto& leg1 = out.legs.front().result;
  out.response = parse_response(leg1.response);
  if (out.response) {
    out.status = out.response->status;
    out.outcome = out.response->summary();
    out.elapsed = response_time(leg1, out.legs.front().from);
  } else if (leg1.trace.disposition == trace::Disposition::Connected) {
    // A server without an HTTP application (an external host, a non-HTTP port) answered plainly.
    out.outcome = leg1.response.empty() ? "connected, no HTTP response" : "connected, non-HTTP reply";
  } else {
    out.outcome = std::string(trace::disposition_name(leg1.trace.disposition)) + ": " + leg1.trace.reason;
  }
  return out;
}

}  // namespace packetwalk::model::ingress
