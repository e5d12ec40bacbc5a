#pragma once
// The HTTP routers running in a built cluster: the ingress-nginx controller pods and the Gateway
// data-plane pods, as applications behind their listeners (query/application.h). A request that
// reaches one is parsed (real HTTP/1.1 bytes), routed (nginx.h, gateway.h), and — when the route
// proxies — sent over a NEW connection from the router pod's IP straight to a backend pod's
// IP:targetPort picked round robin from the Service's ready endpoints (ingress-nginx's default;
// the ClusterIP with service-upstream), as the real controllers do. That second connection is made
// by a Connector the query layer supplies (http_flow.h), so this layer stays below `query`.
//
// Owned by the Cluster (Cluster::ingress()); built after kube-proxy, it also names the listeners'
// application in the topology (ports 80/443 of controller pods, listener ports of Gateway pods).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/cni/flannel.h"
#include "packetwalk/model/ingress/gateway.h"
#include "packetwalk/model/ingress/nginx.h"
#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/query/application.h"

namespace packetwalk::model::ingress {

inline constexpr std::string_view kNginxApp = "ingress-nginx";
inline constexpr std::string_view kGatewayApp = "gateway-api";

// The router's connection to a backend, opened at `at` (time of the probe in progress).
struct UpstreamCall {
  datapath::NetnsId from = datapath::kNone;
  net::Ipv4Address dst;
  net::Port port = 0;
  std::vector<std::uint8_t> payload;  // the proxied HTTP request
  std::string note;
  sim::Time at;
};

struct UpstreamReply {
  enum class Outcome { Answered, Refused, Timeout, Unreachable } outcome = Outcome::Timeout;
  std::vector<std::uint8_t> response;
  sim::Time elapsed;        // from `at` until the response (or the error) came back
  std::string answered_by;  // "default/api-server-7c9f-abcde"
  std::string reason;
};

using Connector = std::function<UpstreamReply(const UpstreamCall&)>;

// One request a router served, for reports and load statistics.
struct ServedRequest {
  std::string router_pod;  // "ingress-nginx/ingress-nginx-controller-..."
  HttpRequest request;
  net::Ipv4Address client;  // the source address the router saw
  RouteDecision decision;
  std::string endpoint;     // "10.244.2.5:8080" the router connected to ("" when it answered itself)
  std::string backend_pod;  // who answered the upstream connection
  int status = 0;           // what the client gets
  std::string failure;      // why the upstream leg failed, when it did
  sim::Time upstream_elapsed;
};

class IngressRuntime {
public:
  // Reads the routing objects (reporting their problems), builds the tables and marks the router
  // pods' listeners. `seed`: the cluster seed (canary and weight draws).
  static std::unique_ptr<IngressRuntime> build(const load::ManifestSet& manifests, const kube::Inventory& inventory,
                                               const kube::ServiceState& services, const cni::Placement& placement,
                                               datapath::Topology& topology, std::uint64_t seed, load::Diagnostics& diags);

  const RoutingObjects& objects() const { return objects_; }
  const NginxTable& nginx() const { return nginx_; }
  const GatewayTables& gateways() const { return gateways_; }
  bool has_nginx_controller() const;
  // The LoadBalancer address of the ingress-nginx controller Service, if allocated.
  std::optional<net::Ipv4Address> nginx_address() const { return nginx_address_; }
  struct RouterPod {
    std::string pod;  // "ns/name"
    datapath::NetnsId netns = datapath::kNone;
    net::Ipv4Address ip;
    std::string gateway;  // "ns/name" for a Gateway data plane; "" for ingress-nginx
  };
  const std::vector<RouterPod>& pods() const { return pods_; }

  void register_apps(query::ApplicationRegistry& apps);
  void set_connector(Connector c) { connector_ = std::move(c); }
  // Absolute time of the current probe's time zero (load runs); rate limits read offset + t.
  void set_clock(sim::Time offset) { clock_ = offset; }
  // Forgets rate-limit buckets (each probe of a scenario starts fresh; load runs keep them).
  void reset_limits();
  // Requests served since the last take_served(), in order.
  std::vector<ServedRequest> take_served() { return std::exchange(served_, {}); }

  // Cost model of a router: time to parse, route and proxy a request (not counting the backend).
  sim::Time processing = sim::Time::us(100);
  // proxy_connect_timeout (ingress-nginx default 5 s): an upstream that never answers.
  sim::Time connect_timeout = sim::Time::s(5);

private:
  IngressRuntime() = default;
  query::AppResponse serve(const query::AppRequest& req, bool gateway);

  RoutingObjects objects_;
  NginxTable nginx_;
  GatewayTables gateways_;
  const kube::ServiceState* services_ = nullptr;
  std::optional<net::Ipv4Address> nginx_address_;
  std::vector<RouterPod> pods_;
  std::map<datapath::NetnsId, std::size_t> pod_by_netns_;
  std::map<datapath::NetnsId, std::unique_ptr<NginxState>> nginx_state_;
  std::map<datapath::NetnsId, std::unique_ptr<sim::RandomStreams>> gateway_random_;
  std::map<std::string, std::size_t> round_robin_;  // "pod|upstream" -> next endpoint
  Connector connector_;
  sim::Time clock_;
  std::vector<ServedRequest> served_;
  std::map<std::pair<datapath::NetnsId, int>, bool> tls_ports_;  // listener ports speaking TLS
};

}  // namespace packetwalk::model::ingress
