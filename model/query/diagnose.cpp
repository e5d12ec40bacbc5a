// diagnose: resolving the request, the DNS and end-to-end steps, and the walk itself. The CNI,
// kube-proxy and policy checks live in diagnose_cni.cpp and diagnose_service.cpp.
#include "packetwalk/model/query/diagnose.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <tuple>

#include "diagnose_parts.h"
#include "packetwalk/model/dns/resolve_target.h"

namespace packetwalk::model::query {

std::string_view step_status_name(StepStatus s) {
  switch (s) {
    case StepStatus::Ok: return "ok";
    case StepStatus::Failed: return "failed";
    case StepStatus::Skipped: return "skipped";
    case StepStatus::NotChecked: return "not checked";
  }
  return "?";
}

namespace diag {

std::string Backend::label() const { return pod ? pod->namespace_ + "/" + pod->name : ip.to_string(); }

std::string cni_name(const Context& ctx) { return ctx.cluster.spec().cni; }

const ProbeResult& run_probe(Context& ctx, DiagnoseStep& step, datapath::NetnsId from, net::Ipv4Address ip,
                             net::Port port, std::string purpose, int size) {
  ProbeTarget target;
  target.from = from;
  target.dst = ip;
  target.port = port;
  target.protocol = ctx.protocol;
  if (size > 0) target.size = static_cast<std::uint16_t>(size);
  DiagnoseProbe probe;
  probe.purpose = std::move(purpose);
  probe.from = ctx.cluster.topology().netns(from).name;
  probe.to = ip.to_string() + ":" + std::to_string(port);
  probe.size = size;
  probe.result = ctx.runner.run(target);
  step.probes.push_back(std::move(probe));
  return step.probes.back().result;
}

bool reached(const ProbeResult& r, const std::string& netns) {
  if (r.trace.disposition == trace::Disposition::Connected) return true;
  for (const auto& leg : r.trace.legs) {
    for (const auto& h : leg.hops) {
      if (h.netns == netns && h.action != trace::HopAction::Drop) return true;
    }
  }
  return false;
}

const trace::Hop* first_drop(const trace::Trace& t) {
  for (const auto& leg : t.legs) {
    for (const auto& h : leg.hops) {
      if (h.action == trace::HopAction::Drop) return &h;
    }
  }
  return nullptr;
}

std::string drop_evidence(const trace::Trace& t) {
  for (const auto& leg : t.legs) {
    for (const auto& h : leg.hops) {
      if (h.action != trace::HopAction::Drop) continue;
      return leg.name + " dropped (" + std::string(trace::drop_reason_name(h.drop_reason)) + ") at " +
             sim::format_time(h.time) + " in " + h.netns + (h.iface.empty() ? "" : " " + h.iface) + ": " + h.detail;
    }
  }
  return std::string(trace::disposition_name(t.disposition)) + ": " + t.reason;
}

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::optional<net::Port> parse_port(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
  return static_cast<net::Port>(v);
}

// "api", "api.prod", "api.prod.svc", "api.prod.svc.cluster.local" -> (namespace, name).
std::pair<std::string, std::string> service_name_of(const Context& ctx, const std::string& host, const std::string& ns) {
  std::string h = host;
  const std::string domain = ".svc." + ctx.cluster.spec().cluster_domain;
  for (const std::string& suffix : {domain, std::string(".svc")}) {
    if (h.size() > suffix.size() && h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0) {
      h.resize(h.size() - suffix.size());
      break;
    }
  }
  auto dot = h.find('.');
  if (dot == std::string::npos) return {ns, h};
  return {h.substr(dot + 1), h.substr(0, dot)};
}

void add_endpoint_backends(Context& ctx) {
  if (!ctx.service_port) return;
  for (const auto& ep : ctx.service_port->endpoints) {
    if (!ep.ready) continue;
    Backend b;
    b.ip = ep.ip;
    b.port = static_cast<net::Port>(ep.port);
    b.node = ep.node;
    if (ep.target_ref && ep.target_ref->kind == "Pod")
      b.pod = ctx.cluster.inventory().find_pod(ep.target_ref->namespace_, ep.target_ref->name);
    ctx.backends.push_back(b);
  }
}

void pick_service_port(Context& ctx, bool node_port) {
  for (const auto& p : ctx.service->ports) {
    if (p.protocol != ctx.protocol) continue;
    if (ctx.port == 0 || (node_port ? p.node_port : p.port) == ctx.port) {
      ctx.service_port = &p;
      if (ctx.port == 0) ctx.port = static_cast<net::Port>(node_port ? p.node_port : p.port);
      break;
    }
  }
}

std::string node_of_address(const Context& ctx, net::Ipv4Address ip) {
  for (const auto& n : ctx.cluster.inventory().nodes) {
    if (n.internal_ip == ip) return n.name;
  }
  return "";
}

}  // namespace

bool resolve(Context& ctx, std::string& error) {
  auto& c = ctx.cluster;
  const auto& req = ctx.request;
  auto protocol = net::parse_kube_protocol(upper(req.protocol));
  if (!protocol) {
    error = "protocol \"" + req.protocol + "\" is not one of TCP, UDP, SCTP";
    return false;
  }
  ctx.protocol = *protocol;
  auto src = resolve_source(c, req.from, req.default_namespace, error);
  if (!src) return false;
  ctx.source = *src;
  const auto& src_ns = c.topology().netns(src->netns);
  ctx.source_node = src_ns.node;
  if (src_ns.kind == datapath::NetnsKind::Pod) {
    auto slash = src->label.find('/');
    ctx.source_pod = c.inventory().find_pod(src->label.substr(0, slash), src->label.substr(slash + 1));
  }
  std::string to = req.to;
  if (ingress::looks_like_url(to) && !diag::resolve_url(ctx, to, error)) return false;
  ctx.host = to;
  if (auto colon = to.rfind(':'); colon != std::string::npos) {
    auto port = parse_port(std::string_view(to).substr(colon + 1));
    if (!port) {
      error = "\"" + to.substr(colon + 1) + "\" is not a port number (1-65535)";
      return false;
    }
    ctx.port = *port;
    ctx.host = to.substr(0, colon);
  }
  const bool in_cluster = !ctx.source_node.empty();
  if (in_cluster) ctx.probe_from = src->netns;
  const std::string name_ns = ctx.source_pod ? ctx.source_pod->namespace_ : req.default_namespace;

  if (ctx.host.rfind("node/", 0) == 0) {
    const std::string node = ctx.host.substr(5);
    auto ns = c.node_netns(node);
    if (!ns) {
      error = "no node named \"" + node + "\"";
      return false;
    }
    ctx.translating_node = node;
    ctx.probe_from = *ns;
    for (const auto& s : c.services().services) {
      for (const auto& p : s.ports) {
        if (p.node_port != 0 && p.node_port == ctx.port && p.protocol == ctx.protocol) {
          ctx.service = &s;
          ctx.service_port = &p;
          ctx.access = Context::Access::NodePort;
        }
      }
    }
  } else if (auto ip = net::Ipv4Address::parse(ctx.host)) {
    for (const auto& s : c.services().services) {
      const bool lb = std::find(s.load_balancer_ips.begin(), s.load_balancer_ips.end(), *ip) != s.load_balancer_ips.end();
      if ((s.cluster_ip && *s.cluster_ip == *ip) || lb) {
        ctx.service = &s;
        ctx.access = lb ? Context::Access::LoadBalancer : Context::Access::ClusterIp;
      }
    }
    if (!ctx.service) {
      for (const auto& p : c.inventory().pods) {
        if (p.ip == *ip && !p.host_network) ctx.backends.push_back(Backend{&p, p.ip, ctx.port, p.node});
      }
    }
  } else if (ctx.host.rfind("external/", 0) != 0 && ctx.host != "localhost") {
    auto slash = ctx.host.find('/');
    const std::string pod_ns = slash == std::string::npos ? req.default_namespace : ctx.host.substr(0, slash);
    const std::string pod_name = slash == std::string::npos ? ctx.host : ctx.host.substr(slash + 1);
    if (const auto* pod = c.inventory().find_pod(pod_ns, pod_name)) {
      net::Port port = ctx.port;
      for (const auto& ct : pod->containers)
        for (const auto& cp : ct.ports)
          if (port == 0 && cp.protocol == ctx.protocol) port = static_cast<net::Port>(cp.container_port);
      ctx.port = port;
      ctx.backends.push_back(Backend{pod, pod->ip, port, pod->node});
    } else {
      // A Service, by NS/NAME or by DNS name (resolved by the source's resolver end to end).
      auto [svc_ns, svc_name] = slash == std::string::npos ? service_name_of(ctx, ctx.host, name_ns)
                                                            : std::make_pair(pod_ns, pod_name);
      ctx.host_is_name = slash == std::string::npos;
      ctx.service = c.services().find(svc_ns, svc_name);
      // An ExternalName Service is only a CNAME: the connection goes to its target. Follow it while
      // it names a Service of the cluster; a name outside the cluster is left to the DNS step.
      for (int hops = 0; ctx.host_is_name && ctx.service && ctx.service->type == kube::ServiceType::ExternalName; ++hops) {
        std::string target = ctx.service->external_name;
        if (!target.empty() && target.back() == '.') target.pop_back();
        const std::string domain = ".svc." + c.spec().cluster_domain;
        const bool in_cluster_name = target.size() > domain.size() &&
                                     target.compare(target.size() - domain.size(), domain.size(), domain) == 0;
        if (!in_cluster_name || hops == 8) {
          ctx.service = nullptr;
          break;
        }
        auto [target_ns, target_name] = service_name_of(ctx, target, name_ns);
        ctx.service = c.services().find(target_ns, target_name);
      }
      if (ctx.service) ctx.access = Context::Access::ClusterIp;
      else if (!ctx.host_is_name) {
        error = "no pod or Service \"" + pod_name + "\" in namespace \"" + pod_ns + "\"";
        return false;
      }
    }
  }
  if (ctx.service && !ctx.service_port) pick_service_port(ctx, ctx.access == Context::Access::NodePort);
  if (ctx.access == Context::Access::ClusterIp && in_cluster) ctx.translating_node = ctx.source_node;
  if (ctx.access == Context::Access::LoadBalancer) {
    // The load balancer (the router) sends the address to one node: that node's kube-proxy translates it.
    if (auto router = c.placement().external_netns.find("router"); router != c.placement().external_netns.end()) {
      if (const auto* r = c.topology().netns(router->second).routes.lookup(net::Ipv4Address::parse(ctx.host).value()))
        if (r->via) ctx.translating_node = node_of_address(ctx, *r->via);
    }
    if (!ctx.translating_node.empty()) ctx.probe_from = c.node_netns(ctx.translating_node);
  }
  add_endpoint_backends(ctx);
  if (ctx.port == 0) {
    error = "destination \"" + req.to + "\" needs a port (e.g. " + req.to + ":80)";
    return false;
  }
  return true;
}

}  // namespace diag

namespace {

using diag::Context;

// The first drop among a lookup's queries, when the layer it belongs to is NetworkPolicy.
const trace::Hop* dns_query_dropped_by_policy(const Context& ctx, const dns::NameLookup& lookup) {
  for (const auto& p : lookup.probes) {
    const auto* drop = diag::first_drop(p.trace);
    if (drop && diag::blame_drop(ctx, *drop).layer == "policy") return drop;
  }
  return nullptr;
}

DiagnoseStep check_dns(Context& ctx) {
  DiagnoseStep step;
  step.layer = "dns";
  step.title = "DNS";
  if (!ctx.host_is_name) {
    step.status = StepStatus::Skipped;
    step.summary = "the destination is an address or an object reference: nothing to resolve";
    return step;
  }
  std::string error;
  const std::string to = ctx.host + ":" + std::to_string(ctx.port);
  auto resolved = dns::resolve_target(ctx.cluster, ctx.runner, to, ctx.source, ctx.request.default_namespace, error);
  if (!resolved || !resolved->dns) {
    step.status = StepStatus::Skipped;
    step.summary = resolved ? "resolved without a DNS lookup" : error;
    return step;
  }
  const auto& lookup = *resolved->dns;
  for (const auto& p : lookup.probes) step.probes.push_back(DiagnoseProbe{"DNS query", lookup.source, "nameserver", 0, p});
  const std::string failed = dns::failed_lookup_outcome(lookup.result);
  if (failed.empty() && resolved->destination) {
    step.status = StepStatus::Ok;
    step.summary = ctx.host + " resolves to " + resolved->destination->address.to_string();
    step.checked.push_back("looked up by " + lookup.source + "'s resolver: " + step.summary);
    return step;
  }
  step.status = StepStatus::Failed;
  step.summary = ctx.host + " does not resolve (" + failed + ")";
  const auto& unresolved = dns::unresolved_result(lookup);
  step.evidence.push_back(unresolved.trace.reason);
  if (failed == "nxdomain") {
    step.fix = "the name does not exist as written: check its spelling and namespace (NAME.NAMESPACE), or that the "
               "Service exists (kubectl get svc -A)";
  } else if (const auto* blocked = dns_query_dropped_by_policy(ctx, lookup)) {
    // The classic: an egress policy that forgets port 53. CoreDNS is fine; the query never left.
    step.evidence.push_back("the DNS query was dropped by NetworkPolicy at " + blocked->netns +
                            (blocked->iface.empty() ? "" : " " + blocked->iface) + ": " + blocked->detail);
    step.fix = "a NetworkPolicy drops the DNS query: allow egress from " + lookup.source +
               " to kube-dns (namespace kube-system, pods k8s-app=kube-dns) on UDP and TCP port 53; packetwalk explain "
               "--from " + lookup.source + " --to kube-system/kube-dns --port 53/UDP names the policy and the rule to add";
  } else {
    step.fix = "the cluster DNS did not answer: check the kube-dns Service's endpoints and the CoreDNS pods "
               "(kubectl -n kube-system get pods -l k8s-app=kube-dns), then this checklist for the source to kube-dns:53";
  }
  return step;
}

DiagnoseStep check_connection(Context& ctx) {
  DiagnoseStep step;
  step.layer = "connection";
  step.title = "connection, end to end";
  std::string error;
  const std::string to = ctx.host + ":" + std::to_string(ctx.port);
  auto resolved = dns::resolve_target(ctx.cluster, ctx.runner, to, ctx.source, ctx.request.default_namespace, error);
  if (!resolved || !resolved->destination) {
    step.status = StepStatus::Failed;
    step.layer = "dns";
    step.summary = resolved ? "the name does not resolve" : error;
    return step;
  }
  const auto& dst = *resolved->destination;
  const auto& r = diag::run_probe(ctx, step, ctx.source.netns, dst.address, dst.port, ctx.source.label + " -> " + to);
  if (r.trace.disposition == trace::Disposition::Connected) {
    step.status = StepStatus::Ok;
    step.summary = "connected: " + r.trace.reason;
    return step;
  }
  step.status = StepStatus::Failed;
  step.summary = std::string(trace::disposition_name(r.trace.disposition)) + ": " + r.trace.reason;
  step.evidence.push_back(diag::drop_evidence(r.trace));
  if (const auto* drop = diag::first_drop(r.trace)) {
    auto blame = diag::blame_drop(ctx, *drop);
    step.layer = blame.layer;
    step.fix = blame.fix;
  } else {
    step.fix = "follow the trace: packetwalk trace --from " + ctx.request.from + " --to " + to;
  }
  return step;
}

DiagnoseStep not_checked(std::string layer, std::string title) {
  DiagnoseStep s;
  s.layer = std::move(layer);
  s.title = std::move(title);
  s.status = StepStatus::NotChecked;
  s.summary = "not checked: an earlier layer failed";
  return s;
}

std::string describe_target(const Context& ctx) {
  if (!ctx.service) {
    if (ctx.backends.size() == 1 && ctx.backends.front().pod)
      return "pod " + ctx.backends.front().label() + " (" + ctx.backends.front().ip.to_string() + ") on " +
             ctx.backends.front().node;
    return ctx.host;
  }
  std::string s = ctx.service->ref();
  if (ctx.service_port) {
    s += " port " + std::to_string(ctx.service_port->port) + "/" + std::string(net::kube_name(ctx.protocol));
    if (ctx.access == Context::Access::NodePort) s += " (NodePort " + std::to_string(ctx.service_port->node_port) + ")";
    s += " -> targetPort " + ctx.service_port->target_port.to_string();
  }
  s += ", " + std::to_string(ctx.backends.size()) + " ready endpoint" + (ctx.backends.size() == 1 ? "" : "s");
  if (!ctx.translating_node.empty()) s += "; translated on " + ctx.translating_node;
  return s;
}

}  // namespace

std::optional<Diagnosis> diagnose(cluster::Cluster& cluster, ProbeRunner& runner, const DiagnoseRequest& request,
                                  std::string& error) {
  Context ctx{cluster, runner, request};
  if (!diag::resolve(ctx, error)) return std::nullopt;
  Diagnosis d;
  d.from = ctx.source.label;
  d.to = ctx.http ? request.to : ctx.host + ":" + std::to_string(ctx.port);
  d.target = describe_target(ctx);

  // The article's order; each check runs only while the ones before it passed.
  using Check = DiagnoseStep (*)(Context&);
  const std::array<std::tuple<const char*, const char*, Check>, 5> checklist = {{
      {"cni", "CNI", diag::check_cni},
      {"kube-proxy", "kube-proxy and the Service's endpoints", diag::check_kube_proxy},
      {"dns", "DNS", check_dns},
      {"policy", "NetworkPolicy", diag::check_policy},
      {"connection", "connection, end to end", check_connection},
  }};
  // A URL for a Gateway on a port none of its listeners has: its data plane exposes no such port,
  // so every connection check would fail on a symptom (the Service has no such port); the cause is
  // the Gateway's listeners, and the Gateway step says so first.
  const bool no_listener =
      ctx.gateway && std::none_of(ctx.gateway->listeners.begin(), ctx.gateway->listeners.end(),
                                  [&](const ingress::ListenerState& l) { return l.port == ctx.http_port; });
  if (no_listener) {
    d.steps.push_back(diag::check_gateway(ctx));
    d.failed_layer = d.steps.back().layer;
    d.verdict = "the " + d.failed_layer + " layer fails: " + d.steps.back().summary;
  }
  for (const auto& [layer, title, check] : checklist) {
    if (!d.failed_layer.empty()) {
      d.steps.push_back(not_checked(layer, title));
      continue;
    }
    d.steps.push_back(check(ctx));
    const auto& step = d.steps.back();
    if (step.status == StepStatus::Failed) {
      d.failed_layer = step.layer;
      d.verdict = "the " + step.layer + " layer fails: " + step.summary;
    }
  }
  // A URL: once the connection to the controller works, what the controller does with the request.
  if (ctx.http && !no_listener) {
    const bool gateway = ctx.gateway != nullptr;
    if (!d.failed_layer.empty())
      d.steps.push_back(gateway ? not_checked("gateway", "Gateway API routing") : not_checked("ingress", "Ingress routing"));
    else {
      d.steps.push_back(gateway ? diag::check_gateway(ctx) : diag::check_ingress(ctx));
      const auto& step = d.steps.back();
      if (step.status == StepStatus::Failed) {
        d.failed_layer = step.layer;
        d.verdict = "the " + step.layer + " layer fails: " + step.summary;
      }
    }
  }
  if (d.failed_layer.empty()) d.verdict = "healthy: every layer checked passes and the connection succeeds";
  return d;
}

}  // namespace packetwalk::model::query
