#pragma once
// Query layer: load over time (a scenario's `traffic:` entries, load/http_spec.h). Arrivals are a
// Poisson process drawn from the seeded stream "traffic/<name>" (ramp and burst: thinning of the
// time-varying rate). Every request is a full HTTP flow through the datapath (http_flow.h), in
// arrival order, with the routers' clock set to its arrival time, so rate limits (leaky buckets
// per client), round robin and canary draws see the traffic as it arrives.
//
// Latency = the flow's simulated time (hop latencies, stack and rule costs, router processing)
// + the backend's queueing + its service time. Each backend pod serves `connections` requests at
// once for `serviceTime` each; later ones wait (FIFO). The queueing is computed per pod after the
// flow, in arrival order; it does not change the packets' path.
//
// With `links:` in the scenario (load/http_spec.h) the devices given a bandwidth also queue: each
// request's and response's bytes (requestSize / responseSize, in MSS-sized frames) take line time
// at every limited device they leave by, behind earlier frames (FIFO), and a full txqueuelen drops
// frames that TCP then resends after its timeout (traffic_links.h). Routing decisions (rate limits,
// round robin) still see the requests at their arrival times.

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/ingress/link_queue.h"
#include "packetwalk/model/load/http_spec.h"

namespace packetwalk::model::ingress {

struct RequestRecord {
  std::string flow;
  std::size_t index = 0;
  double start_ms = 0;    // arrival time
  int status = 0;         // 0: no HTTP response
  std::string service;    // "default/api-server:80" the router proxied to ("" when it answered itself)
  std::string backend_pod;
  std::string route;      // "Ingress default/api-ingress rule 0"
  std::string router_pod;
  double latency_ms = 0;
  bool dropped = false;   // a frame of it met a full transmit queue (`links:`)
  int dropped_frames = 0; // its frames those queues refused (every device, every try)
  int retransmits = 0;    // segments TCP resent for it after a drop (a lost pure ACK is not resent)
};

struct FlowStats {
  std::string name;
  std::string description;  // "external/client -> http://... constant 300 rps for 10 s"
  std::size_t requests = 0;
  double duration_s = 0;
  std::map<int, std::size_t> status;            // status -> count
  std::map<std::string, std::size_t> services;  // "ns/name" -> count
  std::map<std::string, std::size_t> pods;      // backend pod -> count
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  std::size_t dropped = 0;        // requests that lost a frame to a full transmit queue (`links:`)
  std::uint64_t dropped_frames = 0;  // their frames refused (= the sum of the links' drops)
  std::uint64_t retransmits = 0;     // segments TCP resent for them
  std::vector<LinkStats> links;   // every limited device, when the scenario has `links:`
  std::vector<std::string> checks;  // "PASS status 429 share 49.7% in [45%, 55%]"
  bool passed = true;
};

struct TrafficResult {
  std::vector<FlowStats> flows;
  std::vector<RequestRecord> records;  // every request, flow by flow, in arrival order
  bool passed() const;
};

// Runs every entry; `error` names the first entry whose from/to cannot be resolved.
std::optional<TrafficResult> run_traffic(cluster::Cluster& cluster, const std::vector<load::TrafficSpec>& traffic,
                                         std::uint64_t seed, std::string& error);

// Arrival times (seconds) of one entry, from `stream`; exposed for tests.
std::vector<double> arrival_times(const load::TrafficSpec& spec, sim::RandomStream& stream);

void write_summary(std::ostream& out, const TrafficResult& r);
// One row per request. Columns, in this order (new ones are only ever appended):
// flow,request,start_ms,status,service,backend_pod,route,router_pod,latency_ms,dropped,dropped_frames,retransmits
void write_csv(std::ostream& out, const TrafficResult& r);

}  // namespace packetwalk::model::ingress
