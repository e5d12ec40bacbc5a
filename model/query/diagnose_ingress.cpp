// diagnose for an HTTP URL (resolve_url also picks the Gateway a URL is for; its routing step is in
// diagnose_gateway.cpp): the checklist runs for the connection to the ingress-nginx controller's
// LoadBalancer address (its Service, kube-proxy's KUBE-EXT chains, the controller pod), then this
// last step asks the controller's routing table what it does with the request: the Ingress rule
// that takes it, or why none does (an Ingress ignored for its class, paths that do not match).
#include <algorithm>

#include "diagnose_parts.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/ingress/match.h"
#include "packetwalk/model/ingress/runtime.h"

namespace packetwalk::model::query::diag {

namespace {

// The address nginx sees: the source's own (the controller Service is externalTrafficPolicy Local,
// so an external client's address survives; a pod's is its pod IP).
net::Ipv4Address client_address(const Context& ctx) {
  const auto& topo = ctx.cluster.topology();
  for (auto id : topo.netns(ctx.source.netns).interfaces) {
    const auto& iface = topo.iface(id);
    if (iface.name == "lo") continue;
    if (auto a = iface.primary_address()) return *a;
  }
  return net::Ipv4Address{};
}

// Ingresses ingress-nginx ignored that name the request's host (or every host).
std::vector<std::string> ignored_for_host(const Context& ctx, const std::string& host) {
  std::vector<std::string> out;
  const auto& rt = ctx.cluster.ingress();
  for (const auto& ig : rt.nginx().ignored) {
    for (const auto& ing : rt.objects().ingresses) {
      if (ing.ref() != ig.ref) continue;
      const bool names_host = std::any_of(ing.rules.begin(), ing.rules.end(), [&](const ingress::IngressRule& r) {
        return ingress::ingress_host_matches(r.host, host);
      });
      if (names_host || (ing.rules.empty() && ing.default_backend)) out.push_back(ig.ref + " is ignored: " + ig.reason);
    }
  }
  return out;
}

// The Gateway meant for a URL nothing else claims: one whose address is the URL's host, else one
// with a listener on the URL's port or for its host, else the only one with an address, so the
// routing step can say which listener is missing.
const ingress::GatewayState* nearest_gateway(const Context& ctx, const std::string& host, int port,
                                             const std::optional<net::Ipv4Address>& literal) {
  const auto& gateways = ctx.cluster.ingress().gateways().gateways;
  const ingress::GatewayState* addressed = nullptr;
  int with_address = 0;
  for (const auto& gs : gateways) {
    if (gs.addresses.empty()) continue;
    ++with_address;
    if (!addressed) addressed = &gs;
    if (literal) {
      if (std::find(gs.addresses.begin(), gs.addresses.end(), literal->to_string()) != gs.addresses.end()) return &gs;
      continue;
    }
    for (const auto& l : gs.listeners)
      if (l.port == port || ingress::gateway_host_matches(l.hostname, host)) return &gs;
  }
  return !literal && with_address == 1 ? addressed : nullptr;
}

}  // namespace

bool resolve_url(Context& ctx, std::string& to, std::string& error) {
  // The connection checked is the one to the router the URL is for: a Gateway whose listener takes
  // the host on the URL's port (what `packetwalk routes --request` picks), else the ingress-nginx
  // controller's LoadBalancer address (where packetwalk sends a URL whose host nothing else
  // resolves, docs/ingress.md); the URL's host when it is an address.
  auto url = ingress::parse_url(to, error);
  if (!url) return false;
  const auto& rt = ctx.cluster.ingress();
  const auto lb = rt.nginx_address();
  const auto literal = net::Ipv4Address::parse(url->host);
  ctx.http_port = url->port;
  ctx.gateway = literal ? nearest_gateway(ctx, url->host, url->port, literal)
                        : ingress::gateway_for_request(rt.gateways(), url->port, url->host);
  if (!ctx.gateway && !literal && !lb) ctx.gateway = nearest_gateway(ctx, url->host, url->port, literal);
  std::optional<net::Ipv4Address> gateway_address;
  if (ctx.gateway && !ctx.gateway->addresses.empty()) gateway_address = net::Ipv4Address::parse(ctx.gateway->addresses.front());
  if (ctx.gateway && !literal && !gateway_address) {
    error = ctx.gateway->ref + " takes " + to + " but has no address (its data plane Service has no LoadBalancer IP)";
    return false;
  }
  if (!lb && !literal && !ctx.gateway) {
    error = "no Gateway listener and no ingress-nginx controller with a LoadBalancer address serves " + to;
    return false;
  }
  ingress::HttpRequest http;
  http.host = url->host;
  http.path = url->path;
  http.query = url->query;
  http.tls = url->scheme == "https";
  ctx.http = http;
  to = (literal ? *literal : gateway_address ? *gateway_address : *lb).to_string() + ":" + std::to_string(url->port);
  return true;
}

DiagnoseStep check_ingress(Context& ctx) {
  DiagnoseStep step;
  step.layer = "ingress";
  step.title = "Ingress routing";
  if (!ctx.http) {
    step.status = StepStatus::Skipped;
    step.summary = "not an HTTP request: no router involved";
    return step;
  }
  const auto& req = *ctx.http;
  const auto decision = ingress::route_nginx(ctx.cluster.ingress().nginx(), req, client_address(ctx));
  const std::string what = req.method + " " + (req.tls ? "https://" : "http://") + req.host + req.target();
  if (decision.matched && (!decision.upstream || decision.upstream->usable())) {
    for (const auto& l : decision.lost) step.checked.push_back(l);
    step.status = StepStatus::Ok;
    step.summary = "ingress-nginx routes " + what + " by " + decision.route + " (" + decision.match + ") to " +
                   decision.backend_label();
    return step;
  }
  step.status = StepStatus::Failed;
  if (decision.matched) {
    // A rule takes it, but its Service cannot answer: the controller answers 503 (or 502) itself.
    step.summary = what + ": " + decision.route + " takes it, but " + decision.upstream->label() + ": " +
                   decision.upstream->problem;
    step.evidence.push_back(decision.reason);
    step.fix = "give the Ingress backend's Service ready endpoints on the port the rule names";
    return step;
  }
  step.summary = what + ": no Ingress rule takes it (" + decision.reason + ")";
  step.evidence.push_back(decision.reason);
  for (const auto& l : decision.lost) step.evidence.push_back("not taken: " + l);
  const auto ignored = ignored_for_host(ctx, req.host);
  for (const auto& i : ignored) step.evidence.push_back(i);
  if (!ignored.empty())
    step.fix = "set spec.ingressClassName to a class this cluster's controller serves (kubectl get ingressclass)";
  else
    step.fix = "make a rule match the request: its host, and a path whose pathType covers it (Prefix for a path "
               "and everything below it, Exact for that one path); packetwalk routes --request URL shows why each "
               "location lost";
  return step;
}

}  // namespace packetwalk::model::query::diag
