#include "packetwalk/model/ingress/routing.h"

namespace packetwalk::model::ingress {

Upstream resolve_upstream(const kube::ServiceState& services, const std::string& ns, const std::string& name,
                          const ServicePortRef& port) {
  Upstream u;
  u.namespace_ = ns;
  u.service = name;
  u.port_text = port.to_string();
  const auto* svc = services.find(ns, name);
  if (!svc) {
    u.problem = "Service " + ns + "/" + name + " not found";
    u.failure_status = 503;
    return u;
  }
  if (svc->type == kube::ServiceType::ExternalName) {
    u.problem = "Service " + ns + "/" + name + " is ExternalName (" + svc->external_name + "): not simulated";
    u.failure_status = 502;
    return u;
  }
  const kube::ServicePortInfo* sp = nullptr;
  for (const auto& p : svc->ports) {
    if (p.protocol != net::Protocol::Tcp) continue;
    if ((port.name.empty() && p.port == port.number) || (!port.name.empty() && p.name == port.name)) sp = &p;
  }
  if (!sp) {
    u.problem = "Service " + ns + "/" + name + " has no TCP port " +
                (port.name.empty() ? std::to_string(port.number) : "named \"" + port.name + "\"");
    u.failure_status = 503;
    return u;
  }
  u.service_port = sp->port;
  u.cluster_ip = svc->cluster_ip;
  for (const auto& ep : sp->endpoints) {
    if (ep.ready && !ep.terminating) u.endpoints.push_back(ep);
  }
  if (u.endpoints.empty()) {
    u.problem = "Service " + ns + "/" + name + " has no ready endpoints";
    u.failure_status = 503;
  }
  return u;
}

std::string RouteDecision::backend_label() const {
  if (upstream) return upstream->label();
  if (!matched && status == 404) return "default backend";
  return "";
}

}  // namespace packetwalk::model::ingress
