// The routers as applications: building the runtime and serving one request.
#include "packetwalk/model/ingress/runtime.h"

#include <algorithm>

#include "packetwalk/model/ingress/controller.h"

namespace packetwalk::model::ingress {

namespace {

bool is_nginx_controller(const kube::Labels& labels) {
  auto has = [&](const char* k, const char* v) {
    auto it = labels.find(k);
    return it != labels.end() && it->second == v;
  };
  return has("app.kubernetes.io/name", "ingress-nginx") && has("app.kubernetes.io/component", "controller");
}

HttpResponse error_response(const RouteDecision& d) {
  HttpResponse r;
  r.status = d.status;
  r.headers = d.response_headers;
  r.headers.emplace_back("Content-Type", "text/html");
  if (d.status == 404 && !d.matched && d.router == "ingress-nginx") {
    r.body = "default backend - 404\n";
  } else {
    r.body = std::to_string(d.status) + " " + std::string(reason_phrase(d.status)) + "\n";
  }
  return r;
}

std::uint64_t mix(std::uint64_t seed, const std::string& name) { return seed ^ sim::fnv1a64(name); }

}  // namespace

std::unique_ptr<IngressRuntime> IngressRuntime::build(const load::ManifestSet& manifests, const kube::Inventory& inventory,
                                                      const kube::ServiceState& services, const cni::Placement& placement,
                                                      datapath::Topology& topology, std::uint64_t seed,
                                                      load::Diagnostics& diags) {
  std::unique_ptr<IngressRuntime> rt(new IngressRuntime());
  rt->services_ = &services;
  rt->objects_ = parse_routing_objects(manifests, diags);
  std::map<std::string, std::string> config;
  for (const auto& cm : manifests.config_maps)
    if (cm.meta.namespace_ == kNginxNamespace && cm.meta.name == kNginxName) config = cm.data;
  rt->nginx_ = build_nginx_table(rt->objects_, services, config, diags);
  rt->gateways_ = build_gateway_tables(rt->objects_, services, inventory.namespaces);

  // The controller Service's address: the installed one, else a LoadBalancer selecting controller pods.
  for (const auto& svc : services.services) {
    if (svc.type != kube::ServiceType::LoadBalancer || svc.load_balancer_ips.empty()) continue;
    const bool named = svc.namespace_ == kNginxNamespace && svc.name == kNginxName;
    bool selects = false;
    for (const auto& port : svc.ports)
      for (const auto& ep : port.endpoints)
        if (ep.target_ref)
          if (const auto* pod = inventory.find_pod(ep.target_ref->namespace_, ep.target_ref->name))
            selects |= is_nginx_controller(pod->labels);
    if (named || (selects && !rt->nginx_address_)) rt->nginx_address_ = svc.load_balancer_ips.front();
    for (auto& g : rt->gateways_.gateways) {
      bool mine = false;
      for (const auto& port : svc.ports)
        for (const auto& ep : port.endpoints)
          if (ep.target_ref && ep.target_ref->namespace_ == g.namespace_)
            if (const auto* pod = inventory.find_pod(ep.target_ref->namespace_, ep.target_ref->name)) {
              auto it = pod->labels.find(std::string(kGatewayNameLabel));
              mine |= it != pod->labels.end() && it->second == g.name;
            }
      if (!mine) continue;
      for (auto ip : svc.load_balancer_ips) {
        auto text = ip.to_string();
        if (std::find(g.addresses.begin(), g.addresses.end(), text) == g.addresses.end()) g.addresses.push_back(text);
      }
    }
  }

  for (const auto& pod : inventory.pods) {
    auto it = placement.pod_netns.find(pod.namespace_ + "/" + pod.name);
    if (it == placement.pod_netns.end()) continue;
    const auto ns = it->second;
    auto& listeners = topology.netns(ns).listeners;
    if (is_nginx_controller(pod.labels)) {
      for (auto& [key, listener] : listeners) {
        const auto [proto, port] = key;
        if (proto != net::Protocol::Tcp) continue;
        const bool https = port == 443 || listener.port_name == "https";
        if (!(https || port == 80 || listener.port_name == "http")) continue;
        listener.app = std::string(kNginxApp);
        rt->tls_ports_[{ns, port}] = https;
      }
      rt->pod_by_netns_[ns] = rt->pods_.size();
      rt->pods_.push_back({pod.namespace_ + "/" + pod.name, ns, pod.ip, ""});
      rt->nginx_state_[ns] = std::make_unique<NginxState>(mix(seed, pod.namespace_ + "/" + pod.name));
      continue;
    }
    auto gw_label = pod.labels.find(std::string(kGatewayNameLabel));
    if (gw_label == pod.labels.end()) continue;
    const auto* gs = rt->gateways_.find(pod.namespace_, gw_label->second);
    if (!gs) continue;
    for (const auto& l : gs->listeners) {
      if (l.protocol != "HTTP" && l.protocol != "HTTPS") continue;
      auto& listener = listeners[{net::Protocol::Tcp, static_cast<net::Port>(l.port)}];
      if (listener.container.empty()) listener.container = pod.containers.empty() ? "proxy" : pod.containers.front().name;
      listener.app = std::string(kGatewayApp);
      rt->tls_ports_[{ns, l.port}] = l.protocol == "HTTPS";
    }
    rt->pod_by_netns_[ns] = rt->pods_.size();
    rt->pods_.push_back({pod.namespace_ + "/" + pod.name, ns, pod.ip, pod.namespace_ + "/" + gw_label->second});
    rt->gateway_random_[ns] = std::make_unique<sim::RandomStreams>(mix(seed, pod.namespace_ + "/" + pod.name));
  }
  return rt;
}

bool IngressRuntime::has_nginx_controller() const {
  return std::any_of(pods_.begin(), pods_.end(), [](const RouterPod& p) { return p.gateway.empty(); });
}

void IngressRuntime::reset_limits() {
  for (auto& [ns, state] : nginx_state_) state->reset();
}

void IngressRuntime::register_apps(query::ApplicationRegistry& apps) {
  apps.add(std::string(kNginxApp), [this](const query::AppRequest& r) { return serve(r, false); });
  apps.add(std::string(kGatewayApp), [this](const query::AppRequest& r) { return serve(r, true); });
}

query::AppResponse IngressRuntime::serve(const query::AppRequest& req, bool gateway) {
  query::AppResponse out;
  out.delay = processing;
  auto pod_it = pod_by_netns_.find(req.netns);
  ServedRequest rec;
  rec.router_pod = pod_it == pod_by_netns_.end() ? req.netns_name : pods_[pod_it->second].pod;
  rec.client = req.packet->src;
  HttpResponse resp;
  auto parsed = parse_request(req.packet->payload);
  if (!parsed) {
    resp.status = 400;
    resp.body = "400 Bad Request\n";
    rec.status = 400;
    rec.failure = "not an HTTP/1.1 request with a Host header";
    served_.push_back(rec);
    out.payload = to_bytes(resp);
    out.note = resp.summary() + " (not an HTTP/1.1 request)";
    return out;
  }
  const net::Port local_port = req.packet->dport;
  parsed->tls = tls_ports_.count({req.netns, local_port}) && tls_ports_.at({req.netns, local_port});
  rec.request = *parsed;
  const sim::Time now = clock_ + req.time;

  RouteDecision d;
  if (gateway) {
    const GatewayState* gs = nullptr;
    if (pod_it != pod_by_netns_.end()) {
      const auto& key = pods_[pod_it->second].gateway;
      auto slash = key.find('/');
      gs = gateways_.find(key.substr(0, slash), key.substr(slash + 1));
    }
    if (!gs) {
      d.status = 404;
      d.reason = "this pod is not a data plane of any Gateway";
    } else {
      d = route_gateway(*gs, local_port, *parsed, &gateway_random_.at(req.netns)->stream("gateway-backend-weights"));
    }
  } else {
    auto st = nginx_state_.find(req.netns);
    d = st == nginx_state_.end() ? route_nginx(nginx_, *parsed, rec.client) : st->second->route(nginx_, *parsed, rec.client, now);
  }

  if (d.status != 0) {
    resp = error_response(d);
  } else {
    const Upstream& up = *d.upstream;
    net::Ipv4Address dst;
    net::Port port = 0;
    if (d.proxy_to_cluster_ip && up.cluster_ip) {
      dst = *up.cluster_ip;
      port = static_cast<net::Port>(up.service_port);
    } else {
      auto& next = round_robin_[rec.router_pod + "|" + up.label()];
      const auto& ep = up.endpoints[next++ % up.endpoints.size()];
      dst = ep.ip;
      port = static_cast<net::Port>(ep.port);
    }
    rec.endpoint = dst.to_string() + ":" + std::to_string(port);
    HttpRequest forwarded = d.upstream_request;
    // What ingress-nginx (and most Gateway data planes) add: the client address survives only here.
    forwarded.set_header("X-Forwarded-For", rec.client.to_string());
    forwarded.set_header("X-Real-IP", rec.client.to_string());
    forwarded.set_header("X-Forwarded-Host", parsed->host);
    forwarded.set_header("X-Forwarded-Proto", parsed->tls ? "https" : "http");
    forwarded.tls = false;
    if (!connector_) {
      resp.status = 502;
      rec.failure = "the backend connection is not simulated here (no connector)";
    } else {
      UpstreamCall call;
      call.from = req.netns;
      call.dst = dst;
      call.port = port;
      call.payload = to_bytes(forwarded);
      call.note = "HTTP " + forwarded.method + " " + forwarded.host + forwarded.target() + " (proxied)";
      call.at = req.time;
      UpstreamReply reply = connector_(call);
      rec.upstream_elapsed = reply.elapsed;
      rec.backend_pod = reply.answered_by;
      switch (reply.outcome) {
        case UpstreamReply::Outcome::Answered: {
          auto r = parse_response(reply.response);
          resp = r ? *r : HttpResponse{502, {}, "502 Bad Gateway\n"};
          if (!r) rec.failure = "upstream sent an invalid HTTP response";
          out.delay += reply.elapsed;
          break;
        }
        case UpstreamReply::Outcome::Refused:
          resp.status = 502;
          rec.failure = "connect() to " + rec.endpoint + " failed: " + reply.reason;
          out.delay += reply.elapsed;
          break;
        case UpstreamReply::Outcome::Unreachable:
          resp.status = 502;
          rec.failure = "connect() to " + rec.endpoint + " failed: " + reply.reason;
          out.delay += reply.elapsed;
          break;
        case UpstreamReply::Outcome::Timeout:
          resp.status = 504;
          rec.failure = "upstream timed out (" + reply.reason + ")";
          out.delay += connect_timeout;
          break;
      }
      if (!rec.failure.empty()) resp.body = std::to_string(resp.status) + " " + std::string(reason_phrase(resp.status)) + "\n";
    }
    for (const auto& h : d.response_headers) resp.headers.push_back(h);
  }
  rec.decision = d;
  rec.status = resp.status;
  out.payload = to_bytes(resp);
  out.note = resp.summary();
  if (!d.route.empty()) out.note += " (" + d.route + (d.rule >= 0 ? " rule " + std::to_string(d.rule) : "") + ")";
  else if (d.status == 404) out.note += " (no route: default backend)";
  served_.push_back(std::move(rec));
  return out;
}

}  // namespace packetwalk::model::ingress
