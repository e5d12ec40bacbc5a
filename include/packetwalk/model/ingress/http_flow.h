#pragma once
// Query layer: one HTTP request through the simulated cluster, as two (or more) TCP connections.
// Leg 1 is the client's connection (a real handshake, then the HTTP request as the data segment);
// when it reaches an ingress-nginx or Gateway pod, that router decides (runtime.h) and opens leg 2
// — a NEW connection from its pod IP to the backend pod — through the same datapath. The router's
// answer to the client waits for leg 2's response, so leg 1's times include it.
//
// Leg 2 runs on its own ProbeRunner that keeps conntrack (leg 1's entries are still in use), and
// its hop times are shifted to the moment the router opened it, so both legs share one clock.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/ingress/http.h"
#include "packetwalk/model/ingress/runtime.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::ingress {

struct HttpTarget {
  datapath::NetnsId from = datapath::kNone;
  net::Ipv4Address dst;
  net::Port port = 0;
  HttpRequest request;
};

struct HttpLeg {
  std::string from;  // "external/client", "ingress-nginx/ingress-nginx-controller-..."
  std::string to;    // "198.51.100.1:80"
  query::ProbeResult result;  // hop times on the flow's clock
};

struct HttpFlowResult {
  HttpRequest request;
  std::vector<HttpLeg> legs;             // [0] the client's connection, then the routers' connections
  std::optional<HttpResponse> response;  // what reached the client
  int status = 0;                        // its status; 0 when no HTTP response came back
  std::vector<ServedRequest> served;     // the routers' decisions, in order
  sim::Time elapsed;                     // request sent -> response received (zero when none)
  std::string outcome;                   // "HTTP 200 OK", or why there was no response
  // The pod that produced the response: the last backend, else the router, else who answered.
  std::string answered_by() const;
};

class HttpClient {
public:
  // `seed` seeds the client's and the routers' connection runners (ephemeral ports, kube-proxy).
  HttpClient(cluster::Cluster& cluster, std::uint64_t seed);
  ~HttpClient();
  // The client-side runner (DNS lookups before a request may share it).
  query::ProbeRunner& runner() { return client_; }
  // `keep_limits`: rate-limit buckets carry over from earlier requests (load runs); otherwise
  // every request meets fresh ones, so a scenario's probes stay independent.
  HttpFlowResult run(const HttpTarget& target, bool keep_limits = false);

private:
  cluster::Cluster& cluster_;
  query::ProbeRunner client_;
  query::ProbeRunner upstream_;
};

// When a response reached the client socket of `netns` in `r` (zero when none did).
sim::Time response_time(const query::ProbeResult& r, const std::string& netns);

}  // namespace packetwalk::model::ingress
