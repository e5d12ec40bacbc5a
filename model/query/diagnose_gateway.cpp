// diagnose for an HTTP URL a Gateway serves (Gateway API): the checklist runs for the connection to
// the Gateway's address (its data plane's LoadBalancer Service and pods), then this last step asks
// the Gateway's routing table (route_gateway, what `packetwalk routes --request` asks) what it does
// with the request, and names the Gateway-layer reason when it is not routed: the Gateway not
// programmed, no listener for the host and port, no rule that matches (with the routes that did not
// attach and their status conditions), a backendRef that does not resolve or a Service without
// ready endpoints.
#include <algorithm>

#include "diagnose_parts.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/ingress/match.h"
#include "packetwalk/model/ingress/runtime.h"

namespace packetwalk::model::query::diag {

namespace {

// The conditions that are not what a working object shows ("Accepted=False NoMatchingParent
// (message)"); Conflicted is the one condition that is good when False.
std::string failing(const std::vector<ingress::Condition>& cs) {
  std::string out;
  for (const auto& c : cs) {
    const bool good = c.type == "Conflicted" ? c.status == "False" : c.status == "True";
    if (good) continue;
    out += (out.empty() ? "" : ", ") + c.type + "=" + c.status + " " + c.reason;
    if (!c.message.empty()) out += " (" + c.message + ")";
  }
  return out;
}

std::string listener_text(const ingress::ListenerState& l) {
  const std::string bad = failing(l.conditions);
  return "listener " + l.name + ": " + l.protocol + " port " + std::to_string(l.port) + " hostname " +
         (l.hostname.empty() ? "*" : l.hostname) + (bad.empty() ? ": programmed" : ": " + bad);
}

bool names_gateway(const ingress::HttpRoute& r, const ingress::GatewayState& gs) {
  return std::any_of(r.parent_refs.begin(), r.parent_refs.end(), [&](const ingress::ParentRef& p) {
    const std::string ns = p.namespace_.empty() ? r.meta.namespace_ : p.namespace_;
    return p.kind == "Gateway" && ns == gs.namespace_ && p.name == gs.name;
  });
}

// The HTTPRoutes meant for this Gateway and this host whose status toward it is not clean, as
// "HTTPRoute default/api -> Gateway default/gw: Accepted=False NoMatchingListenerHostname (...)".
std::vector<std::string> route_problems(const Context& ctx, const ingress::GatewayState& gs, const std::string& host) {
  std::vector<std::string> out;
  const auto& rt = ctx.cluster.ingress();
  for (const auto& r : rt.objects().http_routes) {
    if (!names_gateway(r, gs)) continue;
    const bool for_host = r.hostnames.empty() || std::any_of(r.hostnames.begin(), r.hostnames.end(), [&](const std::string& h) {
                            return ingress::gateway_host_matches(h, host);
                          });
    if (!for_host) continue;
    const std::string ref = "HTTPRoute " + r.meta.namespace_ + "/" + r.meta.name;
    for (const auto& status : rt.gateways().routes) {
      if (status.route != ref) continue;
      for (const auto& p : status.parents) {
        if (p.parent.rfind(gs.ref, 0) != 0) continue;
        const std::string bad = failing(p.conditions);
        if (!bad.empty()) out.push_back(ref + " -> " + p.parent + ": " + bad);
      }
    }
  }
  return out;
}

std::string backend_fix(const std::string& problem) {
  if (problem.find("ReferenceGrant") != std::string::npos)
    return "add a ReferenceGrant in the Service's namespace that allows HTTPRoutes from the route's namespace to "
           "reference the Service (from: {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ...}, to: "
           "{kind: Service}), or move the route next to the Service";
  if (problem.find("not found") != std::string::npos || problem.find("has no TCP port") != std::string::npos)
    return "make the backendRef name an existing Service and one of its ports (kubectl get svc -n NAMESPACE), or "
           "create the Service";
  if (problem.find("no ready endpoints") != std::string::npos)
    return "give the backend Service ready endpoints: its selector must match running, Ready pods";
  return "fix the rule's backendRefs: " + problem;
}

}  // namespace

DiagnoseStep check_gateway(Context& ctx) {
  DiagnoseStep step;
  step.layer = "gateway";
  step.title = "Gateway API routing";
  if (!ctx.http || !ctx.gateway) {
    step.status = StepStatus::Skipped;
    step.summary = "not a request for a Gateway";
    return step;
  }
  const auto& gs = *ctx.gateway;
  const auto& req = *ctx.http;
  step.title += " (" + gs.ref + ")";
  const bool default_port = ctx.http_port == (req.tls ? 443 : 80);
  const std::string what = req.method + " " + (req.tls ? "https://" : "http://") + req.host +
                           (default_port ? "" : ":" + std::to_string(ctx.http_port)) + req.target();
  const std::string gateway_name = gs.namespace_ + "/" + gs.name;
  step.status = StepStatus::Failed;

  if (const std::string bad = failing(gs.conditions); !bad.empty()) {
    step.summary = gs.ref + " is not programmed: " + bad;
    step.evidence.push_back(gs.ref + " (class " + gs.class_name + "): " + bad);
    step.fix = "the Gateway's GatewayClass must exist and name a controller that runs in the cluster (kubectl get "
               "gatewayclass; kubectl describe gateway -n " + gs.namespace_ + " " + gs.name + ")";
    return step;
  }
  step.checked.push_back(gs.ref + " (class " + gs.class_name + "): Accepted, Programmed");

  // The same decision `packetwalk routes --request` prints.
  const auto d = ingress::route_gateway(gs, ctx.http_port, req, nullptr);
  if (d.server.empty()) {
    step.summary = what + ": " + d.reason + " on " + gs.ref;
    for (const auto& l : gs.listeners) step.evidence.push_back(listener_text(l));
    for (const auto& l : d.lost) step.evidence.push_back("not taken: " + l);
    step.fix = "give Gateway " + gateway_name + " a listener for port " + std::to_string(ctx.http_port) + " (" +
               (req.tls ? "HTTPS" : "HTTP") + ") whose hostname covers " + req.host +
               ", or send the request to a host and port a listener takes (kubectl get gateway -n " + gs.namespace_ +
               " " + gs.name + " -o yaml: spec.listeners and status.listeners)";
    return step;
  }
  step.checked.push_back(d.router + " (hostname " + d.server + ") takes host " + req.host);

  if (!d.matched) {
    step.summary = what + ": " + d.reason + " (" + gs.ref + " answers 404)";
    const auto problems = route_problems(ctx, gs, req.host);
    for (const auto& p : problems) step.evidence.push_back(p);
    for (const auto& l : d.lost) step.evidence.push_back("not taken: " + l);
    if (!problems.empty())
      step.fix = "the HTTPRoute meant for " + req.host + " is not attached: its parentRefs (name, namespace, "
                 "sectionName, port) must name a listener of " + gateway_name + " that allows it (allowedRoutes), and "
                 "its hostnames must overlap the listener's (kubectl describe httproute: status.parents)";
    else
      step.fix = "make a rule match the request: the route's hostnames, a path match that covers " + req.path +
                 " (PathPrefix for a path and everything below it, Exact for that one path), its header and method "
                 "matches; packetwalk routes --request URL shows why each rule lost";
    return step;
  }

  const bool broken_backend = d.upstream && !d.upstream->usable();
  if (broken_backend || d.status >= 500) {
    step.summary = what + ": " + d.route + " rule " + std::to_string(d.rule) + " takes it, but " +
                   (broken_backend ? d.upstream->label() + ": " + d.upstream->problem : d.reason) + " (" + gs.ref +
                   " answers " + std::to_string(d.status) + ")";
    step.evidence.push_back(d.reason);
    for (const auto& p : route_problems(ctx, gs, req.host)) step.evidence.push_back(p);
    step.fix = broken_backend ? backend_fix(d.upstream->problem) : "give the rule backendRefs with a non-zero weight";
    return step;
  }
  step.status = StepStatus::Ok;
  for (const auto& l : d.lost) step.checked.push_back("not taken: " + l);
  step.summary = gs.ref + " routes " + what + " by " + d.route + " (" + d.match + ")" +
                 (d.status ? ": answers " + std::to_string(d.status) + " itself" : " to " + d.backend_label());
  return step;
}

}  // namespace packetwalk::model::query::diag
