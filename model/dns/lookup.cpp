// The resolver's transport: each query a probe through the datapath.
#include "packetwalk/model/dns/lookup.h"

#include <algorithm>
#include <map>

namespace packetwalk::model::dns {

namespace {

constexpr net::Port kDnsPort = 53;

// Restores the runner's conntrack policy when a lookup ends, however it ends.
class KeepStateGuard {
public:
  explicit KeepStateGuard(query::ProbeRunner& r) : runner_(r), saved_(r.keeps_state()) {}
  ~KeepStateGuard() { runner_.keep_state(saved_); }
  KeepStateGuard(const KeepStateGuard&) = delete;
  KeepStateGuard& operator=(const KeepStateGuard&) = delete;

private:
  query::ProbeRunner& runner_;
  bool saved_;
};

sim::Time last_hop_time(const trace::Trace& t) {
  sim::Time last;
  for (const auto& leg : t.legs)
    for (const auto& h : leg.hops) last = std::max(last, h.time);
  return last;
}

}  // namespace

ResolvConf resolv_conf_for(const cluster::Cluster& c, const query::Source& from) {
  const auto& env = c.dns().environment();
  auto slash = from.label.find('/');
  if (slash != std::string::npos && from.label.rfind("node/", 0) != 0 && from.label.rfind("external/", 0) != 0) {
    if (const auto* pod = c.inventory().find_pod(from.label.substr(0, slash), from.label.substr(slash + 1)))
      return pod_resolv_conf(*pod, env);
  }
  ResolvConf node = env.node;
  if (from.label.rfind("external/", 0) == 0) node.policy = "host outside the cluster (the nodes' resolver)";
  return node;
}

NameLookup lookup_name(cluster::Cluster& c, query::ProbeRunner& runner, const query::Source& from, std::string_view name,
                       const std::vector<std::uint16_t>& types) {
  NameLookup out;
  out.source = from.label;
  out.resolv_conf = resolv_conf_for(c, from);
  // The queries need CoreDNS and the upstreams answering, whoever made the runner.
  runner.set_applications(&c.applications());
  KeepStateGuard guard(runner);
  std::map<int, net::Port> socket_ports;  // resolver socket -> the source port it got

  QueryTransport transport = [&](const ResolverQuery& q) {
    query::ProbeTarget t;
    t.from = from.netns;
    t.dst = q.server;
    t.port = kDnsPort;
    t.protocol = q.tcp ? net::Protocol::Tcp : net::Protocol::Udp;
    t.payload = encode(q.message);
    if (q.tcp) {
      auto n = static_cast<std::uint16_t>(t.payload.size());
      t.payload.insert(t.payload.begin(), {static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n & 0xff)});
    }
    t.payload_note = "DNS " + summarize(q.message) + (q.tcp ? " over TCP" : "");
    auto known = socket_ports.find(q.socket);
    t.sport = known == socket_ports.end() ? 0 : known->second;
    runner.keep_state(known != socket_ports.end());
    query::ProbeResult r = runner.run(t);
    socket_ports[q.socket] = r.tuple.sport;

    ResolverReply reply;
    reply.elapsed = last_hop_time(r.trace);
    switch (r.trace.disposition) {
      case trace::Disposition::Connected: reply.status = ExchangeStatus::Answered; break;
      case trace::Disposition::Refused: reply.status = ExchangeStatus::Refused; break;
      case trace::Disposition::Unreachable: reply.status = ExchangeStatus::Unreachable; break;
      case trace::Disposition::Timeout: reply.status = ExchangeStatus::Timeout; break;
    }
    if (reply.status == ExchangeStatus::Answered) {
      std::vector<std::uint8_t> bytes = r.response;
      if (q.tcp && bytes.size() >= 2) bytes.erase(bytes.begin(), bytes.begin() + 2);
      if (bytes.empty()) {
        reply.status = ExchangeStatus::Timeout;  // connected, but the server never answered
      } else {
        std::string error;
        reply.message = decode(bytes, error);
        reply.decode_error = error;
        // A reply whose id does not match is not for this query: the resolver keeps waiting.
        if (reply.message && reply.message->id != q.message.id) reply.message.reset();
      }
    }
    out.probes.push_back(std::move(r));
    return reply;
  };
  out.result = resolve(name, types, out.resolv_conf, transport);
  return out;
}

ExchangePath exchange_path(const query::ProbeResult& r) {
  ExchangePath p;
  p.answered_by = r.answered_by;
  if (r.trace.legs.empty()) return p;
  for (const auto& h : r.trace.legs.front().hops) {
    if (h.action != trace::HopAction::Dnat || !h.before) continue;
    p.dnat_node = h.node.empty() ? h.netns : h.node;
    p.dnat_before = h.before->dst.to_string() + ":" + std::to_string(h.before->dport);
    p.dnat_after = h.packet.dst.to_string() + ":" + std::to_string(h.packet.dport);
    if (h.detail.rfind("-A ", 0) == 0) p.dnat_rule = h.detail.substr(3, h.detail.find(' ', 3) - 3);
    else p.dnat_rule = h.detail.rfind("conntrack", 0) == 0 ? "conntrack" : h.detail;
    break;
  }
  return p;
}

}  // namespace packetwalk::model::dns
