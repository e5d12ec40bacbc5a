// packetwalk lint: Services that reach no pod, and Service ports whose targetPort no backend
// declares. Backends are chosen as the EndpointSlice controller chooses them: pods of the
// Service's namespace whose labels include the selector (hostNetwork pods included).
#include <algorithm>

#include "lint_detail.h"

namespace packetwalk::model::policy::lint_detail {

namespace {

std::string proto_name(net::Protocol p) { return std::string(net::kube_name(p)); }

// The container ports a pod offers: its containers' and its native sidecars' (restartPolicy
// Always init containers keep running next to the app, so their ports serve too).
std::vector<kube::ContainerPort> declared_ports(const kube::PodInfo& pod) {
  std::vector<kube::ContainerPort> out;
  for (const auto& c : pod.containers) out.insert(out.end(), c.ports.begin(), c.ports.end());
  for (const auto& c : pod.init_containers)
    if (c.restart_policy == "Always") out.insert(out.end(), c.ports.begin(), c.ports.end());
  return out;
}

bool declares(const kube::PodInfo& pod, const kube::IntOrString& target, net::Protocol protocol) {
  const auto ports = declared_ports(pod);
  return std::any_of(ports.begin(), ports.end(), [&](const kube::ContainerPort& p) {
    return p.protocol == protocol && (target.is_string ? p.name == target.text : p.container_port == target.number);
  });
}

// What the first backend declares, for a person comparing: "8080/TCP (http), 9090/TCP".
std::string declared_text(const kube::PodInfo& pod) {
  const auto ports = declared_ports(pod);
  std::string out;
  for (std::size_t i = 0; i < ports.size() && i < 4; ++i) {
    out += (i ? ", " : "") + std::to_string(ports[i].container_port) + "/" + proto_name(ports[i].protocol);
    if (!ports[i].name.empty()) out += " (" + ports[i].name + ")";
  }
  if (ports.size() > 4) out += " and " + std::to_string(ports.size() - 4) + " more";
  return out.empty() ? "no ports" : out;
}

void check_ports(const kube::Service& s, const std::vector<const kube::PodInfo*>& backends, std::vector<LintFinding>& out) {
  for (std::size_t k = 0; k < s.ports.size(); ++k) {
    const auto& sp = s.ports[k];
    // The API server defaults targetPort to port; keep that reading if the loader left it unset.
    const kube::IntOrString target = !sp.target_port.is_string && sp.target_port.number == 0 ? kube::IntOrString::of(sp.port)
                                                                                              : sp.target_port;
    if (std::any_of(backends.begin(), backends.end(), [&](auto* pod) { return declares(*pod, target, sp.protocol); }))
      continue;
    const std::string field = "spec.ports[" + std::to_string(k) + "].targetPort";
    const std::string pods = "its pods (" + pod_list(backends) + "; " + backends.front()->namespace_ + "/" +
                             backends.front()->name + " declares " + declared_text(*backends.front()) + ")";
    if (target.is_string) {
      add(out, LintKind::TargetPortUndeclared, s.meta, field,
          "targetPort \"" + target.text + "\" is not the name of a " + proto_name(sp.protocol) + " container port of any of " +
              pods + ", so port " + std::to_string(sp.port) + " has no endpoints and connections to it are refused");
    } else {
      add(out, LintKind::TargetPortUndeclared, s.meta, field,
          "targetPort " + std::to_string(target.number) + "/" + proto_name(sp.protocol) +
              " is not a containerPort of any of " + pods + ": unless a process listens there undeclared, connections to port " +
              std::to_string(sp.port) + " are reset by the pods");
    }
  }
}

}  // namespace

void check_services(const std::vector<kube::Service>& services, const kube::Inventory& inventory,
                    std::vector<LintFinding>& out) {
  for (const auto& s : services) {
    // Selector-less Services take their endpoints from hand-written EndpointSlices; ExternalName
    // Services have none at all.
    if (!user_written(s.meta) || s.selector.empty() || s.type == kube::ServiceType::ExternalName) continue;
    std::vector<const kube::PodInfo*> backends, elsewhere;
    for (const auto& pod : inventory.pods) {
      if (!kube::labels_match(s.selector, pod.labels)) continue;
      (pod.namespace_ == s.meta.namespace_ ? backends : elsewhere).push_back(&pod);
    }
    if (backends.empty()) {
      kube::LabelSelector sel;
      sel.match_labels = s.selector;
      std::string msg = "selector " + sel.to_string() + " matches no pod of namespace " + s.meta.namespace_ +
                        ", so the Service has no endpoints and connections to it are refused";
      if (!elsewhere.empty())
        msg += " (" + pod_list(elsewhere) + " match, but a Service selects only pods of its own namespace)";
      add(out, LintKind::ServiceSelectsNothing, s.meta, "spec.selector", msg);
      continue;
    }
    check_ports(s, backends, out);
  }
}

}  // namespace packetwalk::model::policy::lint_detail
