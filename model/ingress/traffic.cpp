#include "packetwalk/model/ingress/traffic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <queue>

#include "packetwalk/model/ingress/http_target.h"
#include "traffic_links.h"

namespace packetwalk::model::ingress {

namespace {

double rate_at(const load::TrafficSpec& s, double t) {
  if (s.pattern == "ramp") return s.rate + (s.peak - s.rate) * t / s.duration_s;
  if (s.pattern == "burst") {
    const double phase = s.every_s > 0 ? std::fmod(t, s.every_s) : t;
    return phase < s.burst_length_s ? s.peak : s.rate;
  }
  return s.rate;
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string pct(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", v);
  return buf;
}

void check_share(FlowStats& f, const std::string& what, std::size_t count, const load::ShareRange& r) {
  const double share = f.requests ? static_cast<double>(count) / static_cast<double>(f.requests) : 0;
  const bool ok = share >= r.min && share <= r.max;
  f.passed &= ok;
  f.checks.push_back(std::string(ok ? "PASS " : "FAIL ") + what + " share " + pct(share) + " in [" + pct(r.min) +
                     ", " + pct(r.max) + "]");
}

std::string rate(double bps) {
  char buf[32];
  if (bps >= 1e9) std::snprintf(buf, sizeof buf, "%gGbit", bps / 1e9);
  else if (bps >= 1e6) std::snprintf(buf, sizeof buf, "%gMbit", bps / 1e6);
  else if (bps >= 1e3) std::snprintf(buf, sizeof buf, "%gkbit", bps / 1e3);
  else std::snprintf(buf, sizeof buf, "%gbit", bps);
  return buf;
}

// The limited devices this entry's requests crossed (idle ones are left out: they say nothing).
// Utilisation is line time over the entry's duration, or until the device's last frame left when
// its queue drained later.
void write_links(std::ostream& out, const FlowStats& f) {
  char line[240];
  std::snprintf(line, sizeof line, "  requests that met a full queue: %zu (%s); frames dropped %llu, resent %llu\n", f.dropped,
                pct(f.requests ? static_cast<double>(f.dropped) / static_cast<double>(f.requests) : 0).c_str(),
                static_cast<unsigned long long>(f.dropped_frames), static_cast<unsigned long long>(f.retransmits));
  out << line;
  out << "  link                                bandwidth  txqueuelen    frames     drops  utilisation  max queue\n";
  for (const auto& l : f.links) {
    if (l.frames == 0 && l.drops == 0) continue;
    const double span = std::max(f.duration_s * 1000, l.last_ms);
    std::snprintf(line, sizeof line, "    %-32s %9s  %10d  %8llu  %8llu  %11s  %9d\n", l.device.c_str(), rate(l.bandwidth_bps).c_str(),
                  l.txqueuelen, static_cast<unsigned long long>(l.frames), static_cast<unsigned long long>(l.drops),
                  pct(span > 0 ? l.busy_ms / span : 0).c_str(), l.max_backlog);
    out << line;
  }
}

}  // namespace

bool TrafficResult::passed() const {
  return std::all_of(flows.begin(), flows.end(), [](const FlowStats& f) { return f.passed; });
}

std::vector<double> arrival_times(const load::TrafficSpec& spec, sim::RandomStream& stream) {
  std::vector<double> out;
  const double top = std::max(spec.rate, spec.peak);
  double t = 0;
  while (true) {
    t += stream.exponential(1.0 / top);
    if (t >= spec.duration_s) break;
    // Thinning (Lewis and Shedler): keep a candidate with probability rate(t) / top.
    const double keep = rate_at(spec, t) / top;
    if (keep >= 1.0 || stream.uniform01() < keep) out.push_back(t);
  }
  return out;
}

std::optional<TrafficResult> run_traffic(cluster::Cluster& cluster, const std::vector<load::TrafficSpec>& traffic,
                                         std::uint64_t seed, std::string& error) {
  TrafficResult result;
  sim::RandomStreams streams(seed);
  auto links = detail::LoadLinks::build(cluster.topology(), cluster.scenario().links, cluster.scenario().path, error);
  if (!links) return std::nullopt;
  for (const auto& spec : traffic) {
    HttpClient client(cluster, seed ^ sim::fnv1a64(spec.name));
    auto resolved = resolve_http(cluster, client.runner(), spec.from, spec.to, spec.http, "default", error);
    if (!resolved) {
      error = "traffic " + spec.name + ": " + error;
      return std::nullopt;
    }
    FlowStats f;
    f.name = spec.name;
    f.duration_s = spec.duration_s;
    char desc[160];
    std::snprintf(desc, sizeof desc, "%s %g rps%s%s for %g s", spec.pattern.c_str(), spec.rate,
                  spec.pattern == "constant" ? "" : " peak ", spec.pattern == "constant" ? "" : std::to_string(static_cast<int>(spec.peak)).c_str(),
                  spec.duration_s);
    f.description = resolved->from_label + " -> " + resolved->url + " (" + resolved->to_label + "), " + desc;

    auto& runtime = cluster.ingress();
    runtime.reset_limits();
    auto times = arrival_times(spec, streams.stream("traffic/" + spec.name));
    // Per backend pod: when each of its `connections` workers is free again (min-heap).
    std::map<std::string, std::priority_queue<double, std::vector<double>, std::greater<>>> workers;
    std::vector<detail::PendingRequest> pending;  // with `links:`: pass two sets the latencies
    const std::size_t first = result.records.size();
    for (std::size_t i = 0; i < times.size(); ++i) {
      const double start_ms = times[i] * 1000;
      runtime.set_clock(sim::Time::ns(static_cast<std::int64_t>(times[i] * 1e9)));
      auto flow = client.run(resolved->target, true);
      RequestRecord rec;
      rec.flow = spec.name;
      rec.index = i;
      rec.start_ms = start_ms;
      rec.status = flow.status;
      double latency = static_cast<double>(flow.elapsed.count_ns()) / 1e6;
      bool backend_reply = false;
      if (!flow.served.empty()) {
        const auto& s = flow.served.front();
        rec.router_pod = s.router_pod;
        if (!s.decision.route.empty()) rec.route = s.decision.route + (s.decision.rule >= 0 ? " rule " + std::to_string(s.decision.rule) : "");
        if (s.decision.upstream && !s.endpoint.empty()) {
          rec.service = s.decision.upstream->namespace_ + "/" + s.decision.upstream->service + ":" + s.decision.upstream->port_text;
          rec.backend_pod = s.backend_pod;
          backend_reply = !s.backend_pod.empty() && flow.status != 0;
          if (backend_reply && links->empty()) {
            auto& pool = workers[s.backend_pod];
            const double arrive = start_ms + latency / 2;  // the request reaches the backend halfway
            double begin = arrive;
            if (pool.size() >= static_cast<std::size_t>(spec.connections)) {
              begin = std::max(arrive, pool.top());
              pool.pop();
            }
            pool.push(begin + spec.service_time_ms);
            latency += (begin - arrive) + spec.service_time_ms;
          }
        }
      }
      if (!links->empty()) {
        detail::PendingRequest p;
        p.start_ms = start_ms;
        p.base_latency_ms = latency;
        if (backend_reply) p.backend_pod = rec.backend_pod;
        p.stages = links->stages_of(flow, spec, backend_reply);
        pending.push_back(std::move(p));
      }
      rec.latency_ms = latency;
      result.records.push_back(std::move(rec));
    }
    runtime.set_clock(sim::Time::zero());
    if (!links->empty()) {
      f.links = links->simulate(pending, spec);
      for (std::size_t i = 0; i < pending.size(); ++i) {
        auto& rec = result.records[first + i];
        rec.latency_ms = pending[i].latency_ms;
        rec.dropped = pending[i].dropped;
        rec.dropped_frames = pending[i].dropped_frames;
        rec.retransmits = pending[i].retransmits;
        if (pending[i].gave_up) rec.status = 0;  // TCP gave up: the client never got an answer
      }
    }
    std::vector<double> latencies;
    for (std::size_t i = first; i < result.records.size(); ++i) {
      const auto& rec = result.records[i];
      ++f.requests;
      ++f.status[rec.status];
      if (!rec.service.empty()) ++f.services[rec.service.substr(0, rec.service.rfind(':'))];
      if (!rec.backend_pod.empty()) ++f.pods[rec.backend_pod];
      if (rec.dropped) ++f.dropped;
      f.dropped_frames += static_cast<std::uint64_t>(rec.dropped_frames);
      f.retransmits += static_cast<std::uint64_t>(rec.retransmits);
      latencies.push_back(rec.latency_ms);
    }
    std::sort(latencies.begin(), latencies.end());
    f.p50_ms = percentile(latencies, 50);
    f.p90_ms = percentile(latencies, 90);
    f.p99_ms = percentile(latencies, 99);
    f.max_ms = latencies.empty() ? 0 : latencies.back();
    for (const auto& [code, range] : spec.expect_status) {
      int status = std::atoi(code.c_str());
      check_share(f, "status " + code, f.status.count(status) ? f.status.at(status) : 0, range);
    }
    for (const auto& [svc, range] : spec.expect_services) {
      check_share(f, "service " + svc, f.services.count(svc) ? f.services.at(svc) : 0, range);
    }
    if (spec.expect_dropped) check_share(f, "dropped", f.dropped, *spec.expect_dropped);
    if (spec.expect_p99_min_ms) {
      const bool ok = f.p99_ms >= *spec.expect_p99_min_ms;
      f.passed &= ok;
      f.checks.push_back(std::string(ok ? "PASS" : "FAIL") + " p99 " + ms(f.p99_ms) + " >= " + ms(*spec.expect_p99_min_ms));
    }
    if (spec.expect_p99_ms) {
      const bool ok = f.p99_ms <= *spec.expect_p99_ms;
      f.passed &= ok;
      f.checks.push_back(std::string(ok ? "PASS" : "FAIL") + " p99 " + ms(f.p99_ms) + " <= " + ms(*spec.expect_p99_ms));
    }
    result.flows.push_back(std::move(f));
  }
  return result;
}

void write_summary(std::ostream& out, const TrafficResult& r) {
  for (const auto& f : r.flows) {
    out << "traffic " << f.name << ": " << f.description << "\n";
    char line[200];
    std::snprintf(line, sizeof line, "  requests %zu (%.1f/s)\n", f.requests,
                  f.duration_s > 0 ? static_cast<double>(f.requests) / f.duration_s : 0.0);
    out << line;
    const double n = f.requests ? static_cast<double>(f.requests) : 1;
    out << "  status                                   count    share\n";
    for (const auto& [code, count] : f.status) {
      std::snprintf(line, sizeof line, "    %-36s %7zu  %7s\n", code ? std::to_string(code).c_str() : "(no response)", count,
                    pct(static_cast<double>(count) / n).c_str());
      out << line;
    }
    if (!f.services.empty()) out << "  service                                  count    share\n";
    for (const auto& [svc, count] : f.services) {
      std::snprintf(line, sizeof line, "    %-36s %7zu  %7s\n", svc.c_str(), count, pct(static_cast<double>(count) / n).c_str());
      out << line;
    }
    if (!f.pods.empty()) out << "  backend pod                              count    share\n";
    for (const auto& [pod, count] : f.pods) {
      std::snprintf(line, sizeof line, "    %-36s %7zu  %7s\n", pod.c_str(), count, pct(static_cast<double>(count) / n).c_str());
      out << line;
    }
    out << "  latency (simulated): p50 " << ms(f.p50_ms) << "  p90 " << ms(f.p90_ms) << "  p99 " << ms(f.p99_ms)
        << "  max " << ms(f.max_ms) << "\n";
    if (!f.links.empty()) write_links(out, f);
    for (const auto& c : f.checks) out << "  " << c << "\n";
  }
}

void write_csv(std::ostream& out, const TrafficResult& r) {
  out << "flow,request,start_ms,status,service,backend_pod,route,router_pod,latency_ms,dropped,dropped_frames,retransmits\n";
  char num[64];
  for (const auto& rec : r.records) {
    out << rec.flow << "," << rec.index << ",";
    std::snprintf(num, sizeof num, "%.3f", rec.start_ms);
    out << num << "," << rec.status << "," << rec.service << "," << rec.backend_pod << ",\"" << rec.route << "\","
        << rec.router_pod << ",";
    std::snprintf(num, sizeof num, "%.3f", rec.latency_ms);
    out << num << "," << (rec.dropped ? 1 : 0) << "," << rec.dropped_frames << "," << rec.retransmits << "\n";
  }
}

}  // namespace packetwalk::model::ingress
