#include "traffic_links.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <tuple>

namespace packetwalk::model::ingress::detail {

namespace {

// Linux's retransmission rules for a connection whose RTT is far below a millisecond: the first
// SYN/SYN-ACK timeout is TCP_TIMEOUT_INIT (1 s); data and FIN use TCP_RTO_MIN (200 ms); every
// retry doubles it up to TCP_RTO_MAX (120 s). The retry counts are the sysctl defaults
// net.ipv4.tcp_syn_retries (6) and net.ipv4.tcp_retries2 (15).
double first_rto_ms(CrossingKind k) { return k == CrossingKind::Syn ? 1000.0 : 200.0; }
int max_retries(CrossingKind k) { return k == CrossingKind::Syn ? 6 : 15; }

bool is_response(const std::vector<std::uint8_t>& payload) {
  static const char kPrefix[] = "HTTP/";
  return payload.size() >= 5 && std::equal(kPrefix, kPrefix + 5, payload.begin());
}

std::string location(const std::string& path, const load::SourcePos& pos) {
  return path + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": ";
}

}  // namespace

std::optional<LoadLinks> LoadLinks::build(const datapath::Topology& topo, const load::LinksSpec& spec,
                                          const std::string& scenario_path, std::string& error) {
  LoadLinks out;
  out.topo_ = &topo;
  if (!spec.present) return out;
  std::map<std::string, Device> chosen;
  if (spec.bandwidth_bps > 0) {
    for (const auto& i : topo.all_interfaces()) {
      if (i.kind != datapath::IfaceKind::Ethernet) continue;
      const std::string name = topo.netns(i.netns).name + "/" + i.name;
      chosen[name] = Device{name, spec.bandwidth_bps, spec.txqueuelen, static_cast<int>(i.mtu)};
    }
  }
  for (const auto& [name, s] : spec.devices) {
    const auto slash = name.rfind('/');
    auto ns = topo.find_netns(name.substr(0, slash));
    auto dev = ns ? topo.find_iface(*ns, name.substr(slash + 1)) : std::nullopt;
    if (!dev) {
      error = location(scenario_path, s.pos) + "links.devices." + name + ": no such device (" +
              (ns ? "network namespace " + name.substr(0, slash) + " has no " + name.substr(slash + 1)
                  : "no network namespace " + name.substr(0, slash)) +
              "); devices are NETNS/DEVICE as traces show them, such as external/router/eth0 or node-1/eth0";
      return std::nullopt;
    }
    const double bw = s.bandwidth_bps.value_or(spec.bandwidth_bps);
    if (bw <= 0) {
      error = location(scenario_path, s.pos) + "links.devices." + name +
              ": no bandwidth (here or in links.bandwidth): an unlimited device never queues, so txqueuelen would do nothing";
      return std::nullopt;
    }
    chosen[name] = Device{name, bw, s.txqueuelen.value_or(spec.txqueuelen), static_cast<int>(topo.iface(*dev).mtu)};
  }
  for (auto& [name, d] : chosen) {
    out.by_name_[name] = static_cast<int>(out.devices_.size());
    out.devices_.push_back(d);
  }
  return out;
}

std::vector<Stage> LoadLinks::stages_of(const HttpFlowResult& flow, const load::TrafficSpec& spec, bool backend_reply) const {
  std::vector<Stage> out;
  const double end_ms = static_cast<double>(flow.elapsed.count_ns()) / 1e6;
  const std::string backend = backend_reply && !flow.served.empty() ? flow.served.front().backend_pod : "";
  bool served_stage = false;
  std::string key;
  for (std::size_t l = 0; l < flow.legs.size(); ++l) {
    for (const auto& leg : flow.legs[l].result.trace.legs) {
      for (const auto& hop : leg.hops) {
        const double at = static_cast<double>(hop.time.count_ns()) / 1e6;
        if (flow.response && at > end_ms) continue;  // after the client had its answer
        const auto& inner = hop.packet.innermost();
        if (hop.action == trace::HopAction::Deliver && l > 0 && !served_stage && !backend.empty() &&
            hop.netns == backend && !inner.payload.empty() && !is_response(inner.payload)) {
          out.push_back(Stage{at, -1, CrossingKind::Data, {}});
          served_stage = true;
          continue;
        }
        if (hop.action != trace::HopAction::Transmit) continue;
        key.assign(hop.netns).append("/").append(hop.iface);
        auto it = by_name_.find(key);
        if (it == by_name_.end()) continue;
        const Device& d = devices_[static_cast<std::size_t>(it->second)];
        const int encap = hop.packet.inner.empty() ? 0 : kVxlanOverhead;
        Stage s;
        s.base_ms = at;
        s.link = it->second;
        if (!inner.payload.empty()) {
          const bool response = is_response(inner.payload);
          const int bytes = !response ? spec.request_bytes
                                      : (backend_reply ? spec.response_bytes : static_cast<int>(inner.payload.size()));
          // Segments as large as the device lets the carried packet be (a carrier loses 50).
          s.frames = message_frames(bytes, d.mtu - encap - kTcpIpHeaders, kTcpIpHeaders + encap + kEthernetWireOverhead);
        } else {
          s.kind = (inner.tcp_flags & net::kSyn) ? CrossingKind::Syn : CrossingKind::PureAck;
          s.frames = {static_cast<int>(inner.length) + encap + kEthernetWireOverhead};
        }
        out.push_back(std::move(s));
      }
    }
  }
  if (!backend.empty() && !served_stage) out.push_back(Stage{end_ms / 2, -1, CrossingKind::Data, {}});
  std::stable_sort(out.begin(), out.end(), [](const Stage& a, const Stage& b) { return a.base_ms < b.base_ms; });
  return out;
}

std::vector<LinkStats> LoadLinks::simulate(std::vector<PendingRequest>& requests, const load::TrafficSpec& spec) const {
  std::vector<LinkQueue> queues;
  for (const auto& d : devices_) queues.emplace_back(d.name, d.bandwidth_bps, d.txqueuelen);
  struct State {
    std::size_t stage = 0;
    double delay_ms = 0;       // queueing, line time and service so far
    double stage_start = 0;    // when the current stage was first reached
    double done_ms = 0;        // latest frame of the current stage sent so far
    int attempt = 0;
    std::vector<int> pending;  // frames of the current stage not yet accepted
  };
  std::vector<State> st(requests.size());
  // (time, request, stage): ties go to the earlier request, so runs are reproducible.
  using Event = std::tuple<double, std::size_t, std::size_t>;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  auto schedule_stage = [&](std::size_t r) {
    auto& s = st[r];
    const auto& req = requests[r];
    if (s.stage >= req.stages.size()) {
      requests[r].latency_ms = req.base_latency_ms + s.delay_ms;
      return;
    }
    s.stage_start = req.start_ms + req.stages[s.stage].base_ms + s.delay_ms;
    s.done_ms = s.stage_start;
    s.attempt = 0;
    s.pending = req.stages[s.stage].frames;
    events.emplace(s.stage_start, r, s.stage);
  };
  for (std::size_t r = 0; r < requests.size(); ++r) schedule_stage(r);

  std::map<std::string, std::priority_queue<double, std::vector<double>, std::greater<>>> workers;
  while (!events.empty()) {
    auto [now, r, stage_index] = events.top();
    events.pop();
    auto& s = st[r];
    auto& req = requests[r];
    const Stage& stage = req.stages[stage_index];
    if (stage.link < 0) {
      // The backend: `connections` workers, FIFO (as the pass without links does).
      auto& pool = workers[req.backend_pod];
      double begin = now;
      if (pool.size() >= static_cast<std::size_t>(spec.connections)) {
        begin = std::max(now, pool.top());
        pool.pop();
      }
      pool.push(begin + spec.service_time_ms);
      s.delay_ms += (begin - now) + spec.service_time_ms;
      ++s.stage;
      schedule_stage(r);
      continue;
    }
    auto res = queues[static_cast<std::size_t>(stage.link)].offer(now, s.pending);
    if (res.accepted > 0) s.done_ms = std::max(s.done_ms, res.done_ms);
    if (res.dropped > 0) {
      req.dropped = true;
      req.dropped_frames += res.dropped;
      if (stage.kind != CrossingKind::PureAck) {
        // TCP resends what was lost once its timer fires (a lost pure ACK is covered by the next
        // segment's acknowledgement, so it costs nothing).
        if (++s.attempt > max_retries(stage.kind)) {
          req.gave_up = true;
          req.latency_ms = now - req.start_ms;
          continue;
        }
        req.retransmits += res.dropped;
        s.pending.erase(s.pending.begin(), s.pending.begin() + res.accepted);
        const double rto = std::min(first_rto_ms(stage.kind) * std::pow(2.0, s.attempt - 1), 120000.0);
        events.emplace(now + rto, r, stage_index);
        continue;
      }
    }
    s.delay_ms += s.done_ms - s.stage_start;
    ++s.stage;
    schedule_stage(r);
  }
  std::vector<LinkStats> out;
  for (const auto& q : queues) out.push_back(q.stats());
  return out;
}

}  // namespace packetwalk::model::ingress::detail
