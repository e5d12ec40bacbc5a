#pragma once
// Scenario parts for HTTP (docs/scenario-format.md, "HTTP, ingress and load"):
//
//   hosts:                         # name -> address, consulted before DNS (like /etc/hosts)
//     api.example.com: 198.51.100.1
//   probes:
//     - from: external/client
//       to: http://api.example.com/v1/users      # a URL: HTTP over TCP (port from the scheme)
//       http: {method: GET, headers: {X-Env: canary}}   # optional; host/path override the URL's
//       expect: {outcome: connected, status: 200, backend: default/api-server-...}
//     - from: external/client
//       to: node/node-1:30080                     # IP:PORT forms carry HTTP when `http` is given
//       http: {host: api.example.com, path: /v1}
//   traffic:
//     - name: burst
//       from: external/client
//       to: http://api.example.com/v1/users
//       rate: 300            # requests per second (Poisson arrivals from the seeded stream)
//       duration: 10s
//       pattern: constant    # constant | ramp (rate -> peak) | burst (peak for burstLength every `every`)
//       requestSize: 512     # bytes per request / backend response on limited links (`links:`)
//       responseSize: 4KiB
//       expect:
//         status: {"429": [0.45, 0.55]}        # share of requests with that status, [min, max]
//         services: {default/web-canary: [0.08, 0.12]}   # share proxied to that Service
//         p99: {min: 500ms}                    # or p99: 5ms (at most)
//         dropped: [0.02, 0.5]                 # share of requests that met a full transmit queue
//   links:                         # bandwidth + txqueuelen of devices, for traffic runs only
//     bandwidth: 1Gbit
//     devices: {external/router/eth1: {bandwidth: 10Mbit, txqueuelen: 1000}}

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::model::load {

struct HttpProbeSpec {
  bool present = false;
  std::string method;  // "" = GET
  std::string host;    // "" = the URL's host
  std::string path;    // "" = the URL's path (may carry "?query")
  std::vector<std::pair<std::string, std::string>> headers;
  SourcePos pos;
};

struct ShareRange {
  double min = 0;
  double max = 1;
};

struct TrafficSpec {
  std::string name;  // "traffic-<N>" when not written
  std::string from;
  std::string to;    // a URL, or IP:PORT / node/NODE:PORT with `http`
  HttpProbeSpec http;
  double rate = 10;        // requests per second (ramp: at the start)
  double duration_s = 10;  // seconds
  std::string pattern = "constant";
  double peak = 0;           // ramp: rate at the end; burst: rate during bursts
  double burst_length_s = 1;
  double every_s = 0;        // burst period (0: once, at the start)
  double service_time_ms = 1;  // the backend's time per request
  int connections = 100;       // requests one backend pod serves at once; more wait in its queue
  // Bytes of each HTTP message (headers and body) on limited links (`links:`): a browser's or an
  // API client's request with its headers, and a small JSON or HTML reply. Responses the router
  // makes itself (404, 429, redirects) use their real size instead of response_bytes.
  int request_bytes = 512;
  int response_bytes = 4096;
  std::map<std::string, ShareRange> expect_status;    // "429" -> range
  std::map<std::string, ShareRange> expect_services;  // "default/web-canary" -> range
  std::optional<double> expect_p99_ms;                // p99 latency at most
  std::optional<double> expect_p99_min_ms;            // p99 latency at least (`p99: {min, max}`)
  std::optional<ShareRange> expect_dropped;           // share of requests that lost a frame to a tail drop
  SourcePos pos;
};

// `links:` (top level): bandwidth and transmit queues of devices, for `traffic:` runs only (a
// single probe's trace never queues). Devices are named NETNS/DEVICE ("external/router/eth0",
// "node-1/eth0"); `bandwidth` without a device applies to every Ethernet device.
struct LinkSettings {
  std::optional<double> bandwidth_bps;  // nullopt: the scenario-level default
  std::optional<int> txqueuelen;        // frames
  SourcePos pos;
};

struct LinksSpec {
  bool present = false;
  double bandwidth_bps = 0;  // every Ethernet device's; 0 = unlimited
  int txqueuelen = 1000;     // Linux's default for Ethernet devices (pfifo_fast / pfifo limit)
  std::map<std::string, LinkSettings> devices;  // "NETNS/DEVICE" -> settings
  SourcePos pos;
};

}  // namespace packetwalk::model::load
