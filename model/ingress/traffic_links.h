#pragma once
// Private to model/ingress: the load run's second pass when a scenario has `links:` (traffic.h).
// Pass one runs every request through the datapath as before and keeps, per request, the
// crossings of limited devices (its Transmit hops there, on the flow's clock) and the moment its
// request reaches the backend. Pass two replays all requests together in simulated time: an
// event queue visits the crossings in time order, so each device's FIFO sees frames as they
// arrive from all requests, and a request's waits push its later crossings back.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/datapath/topology.h"
#include "packetwalk/model/ingress/http_flow.h"
#include "packetwalk/model/ingress/link_queue.h"
#include "packetwalk/model/load/http_spec.h"

namespace packetwalk::model::ingress::detail {

// What a lost frame costs: TCP resends after its retransmission timeout, doubling it each time,
// and gives up after as many tries as the kernel's sysctls allow.
enum class CrossingKind { Syn, Data, PureAck };

struct Stage {
  double base_ms = 0;  // when the flow reached it without any queueing
  int link = -1;       // index into LoadLinks; -1: the backend serves the request here
  CrossingKind kind = CrossingKind::Data;
  std::vector<int> frames;  // wire sizes
};

struct PendingRequest {
  double start_ms = 0;
  double base_latency_ms = 0;  // the flow's own time, without link queues or the backend
  std::string backend_pod;     // "" when the router answered itself
  std::vector<Stage> stages;   // by base_ms
  // Results of pass two.
  double latency_ms = 0;
  bool dropped = false;   // a frame of it met a full queue
  int dropped_frames = 0; // its frames refused by full queues (tail drops), every device and try
  int retransmits = 0;    // of those, the ones TCP resent after its timeout (not lost pure ACKs,
                          // not the last try before it gave up)
  bool gave_up = false;   // TCP ran out of retransmissions: no response
};

class LoadLinks {
public:
  // The limited devices: every Ethernet device at `spec.bandwidth_bps` (when set) and the listed
  // ones. `error` names a listed device that does not exist, with the scenario's file:line.
  static std::optional<LoadLinks> build(const datapath::Topology& topo, const load::LinksSpec& spec,
                                        const std::string& scenario_path, std::string& error);
  bool empty() const { return devices_.empty(); }
  // The stages of one request (see PendingRequest); `backend_reply`: its response came from a
  // backend pod, so it is `response_bytes` long rather than the router's own reply.
  std::vector<Stage> stages_of(const HttpFlowResult& flow, const load::TrafficSpec& spec, bool backend_reply) const;
  // Pass two over one traffic entry's requests; returns every limited device's figures.
  std::vector<LinkStats> simulate(std::vector<PendingRequest>& requests, const load::TrafficSpec& spec) const;

private:
  struct Device {
    std::string name;  // "external/router/eth0"
    double bandwidth_bps = 0;
    int txqueuelen = 1000;
    int mtu = 1500;
  };
  const datapath::Topology* topo_ = nullptr;
  std::vector<Device> devices_;
  std::map<std::string, int, std::less<>> by_name_;
};

}  // namespace packetwalk::model::ingress::detail
