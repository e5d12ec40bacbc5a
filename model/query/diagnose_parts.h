#pragma once
// Private to model/query: the pieces of diagnose.cpp's checklist, each in its own file.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/ingress/gateway.h"
#include "packetwalk/model/ingress/http.h"
#include "packetwalk/model/query/diagnose.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::model::query::diag {

// A pod (or the node itself, for hostNetwork) behind the destination.
struct Backend {
  const kube::PodInfo* pod = nullptr;
  net::Ipv4Address ip;
  net::Port port = 0;
  std::string node;
  std::string label() const;  // "default/api-0"
};

// What the request names, resolved once for every step.
struct Context {
  cluster::Cluster& cluster;
  ProbeRunner& runner;
  const DiagnoseRequest& request;
  Source source;
  const kube::PodInfo* source_pod = nullptr;
  std::string source_node;             // "" for external hosts
  std::string host;                    // the destination without its port
  net::Port port = 0;
  net::Protocol protocol = net::Protocol::Tcp;
  bool host_is_name = false;           // resolved through DNS by the end-to-end probe
  const kube::ServiceInfo* service = nullptr;
  const kube::ServicePortInfo* service_port = nullptr;
  enum class Access { None, ClusterIp, NodePort, LoadBalancer } access = Access::None;
  std::string translating_node;        // where kube-proxy's rules translate the Service
  std::optional<datapath::NetnsId> probe_from;  // where pod-network probes start
  std::vector<Backend> backends;       // ready endpoints (Service) or the destination pod
  std::optional<ingress::HttpRequest> http;  // the request, when the destination is a URL
  int http_port = 0;                          // the URL's port
  const ingress::GatewayState* gateway = nullptr;  // the Gateway the URL is for; null: ingress-nginx
};

// Fills everything but `cluster`, `runner` and `request`; false with `error` when nothing matches.
bool resolve(Context& ctx, std::string& error);

DiagnoseStep check_cni(Context& ctx);
DiagnoseStep check_kube_proxy(Context& ctx);
DiagnoseStep check_policy(Context& ctx);
// diagnose_ingress.cpp: a URL destination becomes the controller's address (`to` rewritten to
// IP:PORT, ctx.http set), and the routing step that asks the controller about the request.
// A Gateway takes the URL when one of its programmed listeners takes the host on the URL's port
// (ingress::gateway_for_request), or when the URL's host is its address.
bool resolve_url(Context& ctx, std::string& to, std::string& error);
DiagnoseStep check_ingress(Context& ctx);
// diagnose_gateway.cpp: the routing step for a Gateway (ctx.gateway set).
DiagnoseStep check_gateway(Context& ctx);

// Runs one probe from `from` to ip:port and records it on the step.
const ProbeResult& run_probe(Context& ctx, DiagnoseStep& step, datapath::NetnsId from, net::Ipv4Address ip,
                             net::Port port, std::string purpose, int size = 0);
// The probe's packets reached `netns` (the backend's): a RST from there counts as reaching it.
bool reached(const ProbeResult& r, const std::string& netns);
// The first drop, as "SYN: DROP (mtu-exceeded) at node-1 eth0: ...", or the trace's reason.
std::string drop_evidence(const trace::Trace& t);
const trace::Hop* first_drop(const trace::Trace& t);

// Which layer a drop hop belongs to (cni, kube-proxy, endpoints, policy, listener, node), with the
// usual fix for it.
struct Blame {
  std::string layer;
  std::string fix;
};
Blame blame_drop(const Context& ctx, const trace::Hop& drop);

std::string cni_name(const Context& ctx);  // "flannel", "calico"

}  // namespace packetwalk::model::query::diag
