#include "packetwalk/model/query/reachability_services.h"

#include <algorithm>
#include <tuple>

namespace packetwalk::model::query {

namespace {

// The same namespace scope as compute_reach's pod list.
bool in_scope(const std::string& ns, const ReachOptions& options) {
  if (!options.namespace_.empty()) return ns == options.namespace_;
  return options.all_namespaces || ns != "kube-system";
}

const kube::PodInfo* backend_pod(const kube::EndpointInfo& ep, const kube::Inventory& inv) {
  if (ep.target_ref && ep.target_ref->kind == "Pod") {
    if (const auto* p = inv.find_pod(ep.target_ref->namespace_, ep.target_ref->name)) return p;
  }
  // Hand-written EndpointSlices: the pod owning the address. hostNetwork pods share their node's
  // address, so an address alone cannot name one of them.
  for (const auto& p : inv.pods) {
    if (p.ip == ep.ip && !p.host_network) return &p;
  }
  return nullptr;
}

// The endpoints kube-proxy may pick for a client on `node`: the ready ones (else, as kube-proxy
// falls back, the serving terminating ones), only those on the client's node when
// internalTrafficPolicy is Local.
std::vector<const kube::EndpointInfo*> usable(const kube::ServiceInfo& svc, const kube::ServicePortInfo& sp, const std::string& node) {
  std::vector<const kube::EndpointInfo*> ready, terminating;
  for (const auto& ep : sp.endpoints) {
    if (svc.internal_traffic_policy_local && ep.node != node) continue;
    if (ep.ready) ready.push_back(&ep);
    else if (ep.serving && ep.terminating) terminating.push_back(&ep);
  }
  return ready.empty() ? terminating : ready;
}

// Why a whole Service gets no verdict ("" when it gets one): compute_service_reach skips it and
// skipped_services says why, from this one test.
std::string why_not_judged(const kube::ServiceInfo& svc) {
  if (!svc.external_name.empty()) return "ExternalName (" + svc.external_name + "): a DNS alias, kube-proxy forwards nothing; not judged";
  if (svc.headless) return "headless (clusterIP: None): clients connect to the pods' own addresses, judged in the pod rows";
  if (!svc.cluster_ip) return "no ClusterIP was allocated; not judged";
  return {};
}

}  // namespace

ConnectionVerdict judge_connection(std::string_view cni, const policy::PolicyIndex& index, const policy::Connection& conn) {
  if (auto why = cni_drop_reason(cni, conn.src, conn.protocol, conn.port); !why.empty()) return {false, why};
  if (!cni_enforces_policy(cni)) return {true, "allowed: " + std::string(cni) + " does not enforce NetworkPolicy"};
  auto e = policy::evaluate(index, conn);
  return {e.allowed, e.reason()};
}

std::vector<ServiceReachCell> compute_service_reach(const cluster::Cluster& c, const ReachOptions& options) {
  std::vector<ServiceReachCell> out;
  const auto& inv = c.inventory();
  const std::string& cni = c.spec().cni;
  policy::PolicyIndex index(c.scenario().manifests.network_policies, inv, &c.scenario().manifests.admin_policies,
                            policy::cni_semantics(cni));
  std::vector<const kube::PodInfo*> clients;
  for (const auto& p : inv.pods) {
    if (in_scope(p.namespace_, options) && c.pod_netns(p.namespace_, p.name)) clients.push_back(&p);
  }
  for (const auto& svc : c.services().services) {
    if (svc.implicit || !in_scope(svc.namespace_, options) || !why_not_judged(svc).empty()) continue;
    const std::string svc_name = svc.namespace_ + "/" + svc.name;
    for (const auto& sp : svc.ports) {
      const ReachPort port{sp.protocol, static_cast<net::Port>(sp.port)};
      bool any_pod = sp.endpoints.empty();
      for (const auto& ep : sp.endpoints) any_pod = any_pod || backend_pod(ep, inv) != nullptr;
      if (!any_pod) continue;  // only endpoints outside the cluster's pods
      for (const auto* src : clients) {
        const std::string from = src->namespace_ + "/" + src->name;
        const auto eps = usable(svc, sp, src->node);
        bool judged = false;
        for (const auto* ep : eps) {
          const auto* pod = backend_pod(*ep, inv);
          if (!pod) continue;
          ServiceReachCell cell{from, svc_name, port, pod->namespace_ + "/" + pod->name,
                                ReachPort{sp.protocol, static_cast<net::Port>(ep->port)}, false, false, ""};
          const auto declared = declared_ports(*pod);
          cell.listening = std::find(declared.begin(), declared.end(), cell.target) != declared.end();
          policy::Connection conn;
          conn.dst = destination_endpoint(*pod, inv);
          conn.src = source_endpoint(c, *src, conn.dst.ip);
          conn.protocol = sp.protocol;
          conn.port = static_cast<net::Port>(ep->port);
          conn.via_service = true;
          auto v = judge_connection(cni, index, conn);
          cell.allowed = v.allowed;
          cell.reason = std::move(v.reason);
          out.push_back(std::move(cell));
          judged = true;
        }
        if (judged) continue;
        ServiceReachCell none{from, svc_name, port, "", ReachPort{sp.protocol, 0}, false, false, ""};
        none.reason = sp.endpoints.empty()
                          ? "denied: the Service has no endpoints for this port: kube-proxy rejects the connection"
                          : svc.internal_traffic_policy_local
                                ? "denied: internalTrafficPolicy Local and no ready endpoint on node " + src->node + ": kube-proxy drops it"
                                : "denied: no ready endpoint for this port: kube-proxy rejects the connection";
        out.push_back(std::move(none));
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const ServiceReachCell& a, const ServiceReachCell& b) {
    return std::tie(a.service, a.port, a.from, a.backend, a.target) < std::tie(b.service, b.port, b.from, b.backend, b.target);
  });
  return out;
}

std::vector<ServiceSkip> skipped_services(const cluster::Cluster& c, const ReachOptions& options) {
  std::vector<ServiceSkip> out;
  const auto& inv = c.inventory();
  for (const auto& svc : c.services().services) {
    if (svc.implicit || !in_scope(svc.namespace_, options)) continue;
    const std::string name = svc.namespace_ + "/" + svc.name;
    if (auto why = why_not_judged(svc); !why.empty()) {
      out.push_back({name, why});
      continue;
    }
    for (const auto& sp : svc.ports) {
      std::vector<std::string> outside;
      for (const auto& ep : sp.endpoints)
        if (!backend_pod(ep, inv)) outside.push_back(ep.to_string());
      if (outside.empty()) continue;
      std::string list;
      for (const auto& e : outside) list += (list.empty() ? "" : ", ") + e;
      const ReachPort port{sp.protocol, static_cast<net::Port>(sp.port)};
      const std::string origin = svc.has_selector ? "hand-written EndpointSlice" : "selector-less Service";
      std::string note;
      if (outside.size() == sp.endpoints.size()) {
        note = "every endpoint (" + list + ") is not a pod of the cluster (" + origin + "): the port is not judged";
      } else {
        note = std::string(outside.size() == 1 ? "endpoint " : "endpoints ") + list + (outside.size() == 1 ? " is" : " are") +
               " not a pod of the cluster (" + origin + "): not judged, the pod backends are";
      }
      out.push_back({name, "port " + port.to_string() + ": " + note});
    }
  }
  return out;
}

std::uint64_t service_reach_cell_bound(const kube::ServiceState& services, std::uint64_t clients,
                                       const ReachOptions& options) {
  std::uint64_t cells = 0;
  for (const auto& svc : services.services) {
    if (svc.implicit || !in_scope(svc.namespace_, options) || !why_not_judged(svc).empty()) continue;
    for (const auto& sp : svc.ports) {
      const ReachPort port{sp.protocol, static_cast<net::Port>(sp.port)};
      if (!options.ports.empty() && std::find(options.ports.begin(), options.ports.end(), port) == options.ports.end())
        continue;
      cells += clients * std::max<std::uint64_t>(1, sp.endpoints.size());
    }
  }
  return cells;
}

}  // namespace packetwalk::model::query
