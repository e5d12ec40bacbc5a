// diagnose, steps 2 and 4 (kube-proxy with the Service's endpoints; NetworkPolicy), and which
// layer a drop hop belongs to.
#include <algorithm>
#include <map>

#include "diagnose_parts.h"
#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kube/selector.h"
#include "packetwalk/model/policy/evaluate.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::model::query::diag {

namespace {

std::string selector_text(const kube::Labels& l) {
  std::string s;
  for (const auto& [k, v] : l) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

std::string declared_ports(const kube::PodInfo& pod) {
  std::string s;
  for (const auto& c : pod.containers) {
    for (const auto& p : c.ports) {
      s += (s.empty() ? "" : ", ") + std::to_string(p.container_port) + "/" + std::string(net::kube_name(p.protocol)) +
           (p.name.empty() ? " (unnamed)" : " named " + p.name) + " in " + c.name;
    }
  }
  return s.empty() ? "no ports" : s;
}

// Why a Service has no ready endpoint, read from its spec and the pods of its namespace.
void explain_no_endpoints(const Context& ctx, DiagnoseStep& step) {
  const auto& svc = *ctx.service;
  step.layer = "endpoints";
  step.status = StepStatus::Failed;
  step.summary = svc.ref() + " has no ready endpoints: kube-proxy rejects connections to it";
  const kube::Service* spec = nullptr;
  for (const auto& s : ctx.cluster.scenario().manifests.services)
    if (s.meta.namespace_ == svc.namespace_ && s.meta.name == svc.name) spec = &s;
  if (!spec || spec->selector.empty()) {
    step.evidence.push_back(svc.ref() + " has no selector, and no EndpointSlice labelled kubernetes.io/service-name=" +
                            svc.name + " lists a ready address");
    step.fix = "give the Service a selector matching its pods, or write the EndpointSlice for it";
    return;
  }
  std::vector<const kube::PodInfo*> matching;
  std::map<std::string, std::map<std::string, int>> seen;  // selector key -> value -> pods in the namespace
  for (const auto& p : ctx.cluster.inventory().pods) {
    if (p.namespace_ != svc.namespace_) continue;
    if (kube::labels_match(spec->selector, p.labels)) matching.push_back(&p);
    for (const auto& [k, v] : spec->selector) {
      if (auto it = p.labels.find(k); it != p.labels.end()) ++seen[k][it->second];
    }
  }
  if (matching.empty()) {
    step.evidence.push_back("selector " + selector_text(spec->selector) + " matches no pod in namespace " + svc.namespace_);
    for (const auto& [k, values] : seen) {
      std::string vs;
      for (const auto& [v, n] : values) vs += (vs.empty() ? "" : ", ") + k + "=" + v + " (" + std::to_string(n) + " pod" + (n == 1 ? ")" : "s)");
      step.evidence.push_back("pods in " + svc.namespace_ + " carry " + vs);
    }
    step.fix = "make the Service's spec.selector match the pods' labels (kubectl get pods -n " + svc.namespace_ +
               " --show-labels), or fix the labels in the pods' template";
    return;
  }
  std::size_t ready = 0;
  for (const auto* p : matching) ready += p->ready ? 1 : 0;
  if (ready == 0) {
    step.evidence.push_back(std::to_string(matching.size()) + " pods match " + selector_text(spec->selector) +
                            " but none is Ready");
    step.fix = "find out why the pods are not Ready (kubectl describe pod: readiness probe, crash loop)";
    return;
  }
  if (ctx.service_port && ctx.service_port->target_port.is_string) {
    const std::string& name = ctx.service_port->target_port.text;
    step.evidence.push_back("targetPort \"" + name + "\" names no " + std::string(net::kube_name(ctx.protocol)) +
                            " containerPort of the " + std::to_string(matching.size()) + " selected pod" +
                            (matching.size() == 1 ? "" : "s") + " (" + matching.front()->namespace_ + "/" +
                            matching.front()->name + " declares " + declared_ports(*matching.front()) + ")");
    step.fix = "name the container's port \"" + name + "\" (ports: [{name: " + name +
               ", containerPort: ...}]) or set the Service's targetPort to the port number";
    return;
  }
  step.evidence.push_back(std::to_string(matching.size()) + " pods match, yet no endpoint is ready for this port");
  step.fix = "compare the Service's ports with the pods' (kubectl get endpointslices -l kubernetes.io/service-name=" +
             svc.name + ")";
}

// The nat rule that sends this Service port to kube-proxy's chains on the translating node.
const datapath::Rule* service_rule(const Context& ctx, const datapath::Netfilter& nf, std::string& chain) {
  const bool node_port = ctx.access == Context::Access::NodePort;
  chain = node_port ? "KUBE-NODEPORTS" : "KUBE-SERVICES";
  const auto* c = nf.nat.find(chain);
  if (!c) return nullptr;
  const net::Port want = static_cast<net::Port>(node_port ? ctx.service_port->node_port : ctx.port);
  const auto dst = net::Ipv4Address::parse(ctx.host);
  for (const auto& r : c->rules) {
    if (!node_port && dst && ctx.access != Context::Access::ClusterIp &&
        (!r.destination || r.destination->value.address() != *dst))
      continue;
    if (!node_port && ctx.access == Context::Access::ClusterIp &&
        (!r.destination || !ctx.service->cluster_ip || r.destination->value.address() != *ctx.service->cluster_ip))
      continue;
    for (const auto& m : r.modules) {
      const auto* pm = std::get_if<datapath::PortMatch>(&m);
      if (pm && pm->dport && pm->dport->first == want && pm->protocol == ctx.protocol) return &r;
    }
  }
  return nullptr;
}

std::string filter_rule_with(const datapath::Netfilter& nf, const std::string& comment) {
  for (const auto& [name, chain] : nf.filter.chains) {
    for (const auto& r : chain.rules) {
      for (const auto& m : r.modules) {
        const auto* cm = std::get_if<datapath::CommentMatch>(&m);
        if (cm && cm->text == comment) return datapath::rule_to_string(name, r);
      }
    }
  }
  return "";
}

}  // namespace

DiagnoseStep check_kube_proxy(Context& ctx) {
  DiagnoseStep step;
  step.layer = "kube-proxy";
  step.title = "kube-proxy and the Service's endpoints";
  if (!ctx.service) {
    step.status = StepStatus::Skipped;
    step.summary = "the destination is not a Service";
    return step;
  }
  step.status = StepStatus::Failed;
  const auto& svc = *ctx.service;
  if (!ctx.service_port) {
    std::string ports;
    for (const auto& p : svc.ports) ports += (ports.empty() ? "" : ", ") + std::to_string(p.port) + "/" + std::string(net::kube_name(p.protocol));
    step.summary = svc.ref() + " has no port " + std::to_string(ctx.port) + "/" + std::string(net::kube_name(ctx.protocol));
    step.evidence.push_back(svc.ref() + " serves " + ports + "; kube-proxy writes rules for those ports only, so the "
                            "packet keeps its address and is routed like any other");
    step.fix = "connect to one of the Service's ports, or add the port to the Service";
    return step;
  }
  if (ctx.translating_node.empty()) {
    step.summary = "nothing translates " + ctx.host + " for " + ctx.source.label + ": ClusterIPs work from nodes and pods";
    step.evidence.push_back(ctx.source.label + " is outside the cluster; kube-proxy's rules run on the nodes");
    step.fix = "from outside, use a NodePort or LoadBalancer Service (or an Ingress)";
    return step;
  }
  const auto& node = ctx.translating_node;
  const auto& netns = ctx.cluster.topology().netns(*ctx.cluster.node_netns(node));
  const bool iptables = ctx.cluster.spec().proxy_mode == "iptables";
  if (iptables && !netns.netfilter.nat.find("KUBE-SERVICES")) {
    step.summary = "kube-proxy is not running on " + node;
    step.evidence.push_back(node + ": iptables-save -t nat has no KUBE-SERVICES chain, and PREROUTING/OUTPUT jump "
                            "to none: nothing translates Service addresses there");
    step.fix = "start kube-proxy on " + node + ": find its pod (kubectl -n kube-system get pods -l k8s-app=kube-proxy "
               "-o wide), read its logs, check the DaemonSet schedules onto " + node + " (taints, nodeSelector)";
    return step;
  }
  if (!iptables && !netns.kube_proxy_running) {
    step.summary = "kube-proxy is not running on " + node;
    step.fix = "start kube-proxy on " + node;
    return step;
  }
  step.checked.push_back(node + ": kube-proxy's chains present" +
                         std::string(netns.kube_proxy_running ? "" : " (kube-proxy is not running: rules of its last sync)"));
  if (ctx.backends.empty()) {
    explain_no_endpoints(ctx, step);
    return step;
  }
  step.checked.push_back(svc.ref() + " has " + std::to_string(ctx.backends.size()) + " ready endpoint" +
                         (ctx.backends.size() == 1 ? "" : "s"));
  if (iptables) {
    std::string chain;
    const auto* rule = service_rule(ctx, netns.netfilter, chain);
    if (!rule) {
      step.summary = "kube-proxy on " + node + " has no rule for " + svc.ref() + " port " + std::to_string(ctx.service_port->port);
      step.evidence.push_back(node + ": nat " + chain + " has no rule for " + ctx.host + ":" + std::to_string(ctx.port) +
                              (netns.kube_proxy_running ? "" : "; kube-proxy is not running, so its rules are those of its "
                                                               "last sync, from before the Service existed"));
      step.fix = "restart kube-proxy on " + node + " and check its logs for sync errors; a node keeps the rules of "
                 "kube-proxy's last sync until it syncs again";
      return step;
    }
    step.checked.push_back(node + ": " + datapath::rule_to_string(chain, *rule));
  }
  const bool external = ctx.access == Context::Access::NodePort || ctx.access == Context::Access::LoadBalancer;
  if (external && svc.external_traffic_policy_local) {
    bool local = std::any_of(ctx.backends.begin(), ctx.backends.end(), [&](const Backend& b) { return b.node == node; });
    if (!local) {
      std::string where;
      for (const auto& b : ctx.backends) where += (where.empty() ? "" : ", ") + b.node;
      step.summary = svc.ref() + " has externalTrafficPolicy: Local and no ready endpoint on " + node +
                     ": kube-proxy drops external traffic arriving there";
      const auto spn = ctx.service_port->name.empty() ? svc.namespace_ + "/" + svc.name
                                                      : svc.namespace_ + "/" + svc.name + ":" + ctx.service_port->name;
      if (auto text = filter_rule_with(netns.netfilter, spn + " has no local endpoints"); !text.empty())
        step.evidence.push_back(node + ": " + text);
      step.evidence.push_back("its endpoints run on " + where);
      step.fix = "send the traffic to a node with a ready endpoint (" + where + "), let the load balancer's health "
                 "check on healthCheckNodePort choose the nodes, run a backend on every node, or use "
                 "externalTrafficPolicy: Cluster (the client address is then masqueraded)";
      return step;
    }
  }
  step.status = StepStatus::Ok;
  step.summary = "kube-proxy on " + node + " translates " + svc.ref() + " to " + std::to_string(ctx.backends.size()) +
                 " endpoint" + (ctx.backends.size() == 1 ? "" : "s");
  return step;
}

namespace {

policy::Endpoint source_endpoint(const Context& ctx) {
  policy::Endpoint src;
  src.pod = ctx.source_pod;
  src.node = ctx.source_node;
  if (ctx.source_pod) src.ip = ctx.source_pod->ip;
  else if (const auto* n = ctx.cluster.inventory().find_node(ctx.source_node)) src.ip = n->internal_ip;
  return src;
}

std::string policy_names(const policy::SideVerdict& side) {
  std::string s;
  for (const auto& p : side.policies) s += (s.empty() ? "" : ", ") + p.policy->meta.namespace_ + "/" + p.policy->meta.name;
  return s;
}

// A CNI without a policy engine (flannel): the API server stores NetworkPolicies and nothing turns
// them into packet filtering. When the policies that select the source or a backend would deny
// this connection, the cluster does not do what they say: that is the policy layer's failure, not
// a healthy connection. Policies that select the pods and would allow it are only noted.
DiagnoseStep unenforced_policy(const Context& ctx, const policy::PolicyIndex& index, DiagnoseStep step) {
  const std::string cni = cni_name(ctx);
  const auto& policies = ctx.cluster.scenario().manifests.network_policies;
  step.status = StepStatus::Ok;
  step.summary = "cni " + cni + " enforces no NetworkPolicy" +
                 (policies.empty() ? "" : " (" + std::to_string(policies.size()) + " written, none in effect)");
  for (const auto& b : ctx.backends) {
    policy::Connection conn{source_endpoint(ctx), policy::Endpoint{b.pod, b.ip, b.node}, ctx.protocol, b.port,
                            ctx.service != nullptr};
    const auto verdict = policy::evaluate(index, conn);
    const bool selected = verdict.ingress.isolated() || verdict.egress.isolated();
    if (!selected && verdict.allowed) continue;
    // The side that denies (or, when allowed, the one that selects).
    const bool at_ingress = verdict.allowed ? verdict.ingress.isolated() : !verdict.ingress.allowed;
    const std::string selecting = policy_names(at_ingress ? verdict.ingress : verdict.egress);
    if (verdict.allowed) {
      step.checked.push_back(b.label() + ": selected by NetworkPolicy " + selecting + ", which would allow it; cni " +
                             cni + " does not enforce it");
      continue;
    }
    step.status = StepStatus::Failed;
    step.summary = "the policies as written deny " + ctx.source.label + " -> " + b.label() + ":" +
                   std::to_string(b.port) +
                   (selecting.empty() ? "" : " (NetworkPolicy " + selecting + " selects " +
                                                 (at_ingress ? b.label() : ctx.source.label) + ")") +
                   ", but cni " + cni + " enforces no NetworkPolicy: nothing filters the connection";
    step.evidence.push_back("as written: " + verdict.reason());
    step.evidence.push_back("cni " + cni + " has no policy engine: the API server stores the policy objects, nothing on "
                            "the nodes turns them into packet filtering (no policy chain on the trace)");
    step.fix = "run a CNI that enforces NetworkPolicy: Calico or Cilium, or Canal (Calico's policy agent on top of "
               "flannel); check what runs on the nodes with kubectl get daemonsets -A (look for calico-node, cilium "
               "or canal), and packetwalk explain --from " + ctx.request.from + " --to " + b.label() + " --port " +
               std::to_string(b.port) + " for the policy as written";
    return step;
  }
  return step;
}

}  // namespace

DiagnoseStep check_policy(Context& ctx) {
  DiagnoseStep step;
  step.layer = "policy";
  step.title = "NetworkPolicy";
  const auto& policies = ctx.cluster.scenario().manifests.network_policies;
  policy::PolicyIndex index(policies, ctx.cluster.inventory(), &ctx.cluster.scenario().manifests.admin_policies,
                            policy::cni_semantics(cni_name(ctx)));
  if (!cni_enforces_policy(cni_name(ctx))) return unenforced_policy(ctx, index, std::move(step));
  const policy::Endpoint src = source_endpoint(ctx);
  for (const auto& b : ctx.backends) {
    policy::Connection conn;
    conn.src = src;
    conn.dst = policy::Endpoint{b.pod, b.ip, b.node};
    conn.protocol = ctx.protocol;
    conn.port = b.port;
    conn.via_service = ctx.service != nullptr;
    auto verdict = policy::evaluate(index, conn);
    if (!verdict.allowed) {
      step.status = StepStatus::Failed;
      step.summary = ctx.source.label + " -> " + b.label() + ":" + std::to_string(b.port) + " " + verdict.reason();
      step.evidence.push_back(verdict.reason());
      step.fix = "allow it where it is denied (an ingress rule of the policy isolating " + b.label() +
                 ", or an egress rule at the source); packetwalk explain --from " + ctx.request.from + " --to " +
                 b.label() + " --port " + std::to_string(b.port) + " names the rule to add";
      return step;
    }
    step.checked.push_back(b.label() + ": " + verdict.reason());
  }
  step.status = StepStatus::Ok;
  step.summary = ctx.backends.empty() ? "no backend to evaluate" : "every backend allows it";
  return step;
}

Blame blame_drop(const Context& ctx, const trace::Hop& drop) {
  using trace::DropReason;
  const std::string& d = drop.detail;
  switch (drop.drop_reason) {
    case DropReason::NoListener: {
      std::string fix = "nothing listens on the port the packet reached";
      if (ctx.service_port)
        fix = "the Service's targetPort (" + ctx.service_port->target_port.to_string() +
              ") must be a port the container listens on: set targetPort to the containerPort, or fix the container";
      return {"listener", fix};
    }
    case DropReason::NetfilterDrop:
    case DropReason::NetfilterReject:
      if (d.find("has no endpoints") != std::string::npos) return {"endpoints", "give the Service ready endpoints"};
      if (d.find("has no local endpoints") != std::string::npos)
        return {"kube-proxy", "send the traffic to a node with a local endpoint, or use externalTrafficPolicy: Cluster"};
      if (d.find("KUBE-") != std::string::npos) return {"kube-proxy", "read the rule that decided in the trace"};
      if (d.find("cali") != std::string::npos || d.find("NetworkPolicy") != std::string::npos)
        return {"policy", "allow the connection in the NetworkPolicy that isolates the pod (packetwalk explain)"};
      return {"node", "a firewall rule on " + drop.netns + " drops it: " + d};
    case DropReason::PolicyDenied:
      return {"policy", "allow the connection in the NetworkPolicy that isolates the pod (packetwalk explain)"};
    case DropReason::ConntrackFull:
      return {"node", "raise nf_conntrack_max on " + drop.node +
                          " (sysctl net.netfilter.nf_conntrack_max, kube-proxy's conntrack.maxPerCore)"};
    case DropReason::ForwardingDisabled:
    case DropReason::NoSocket: return {"node", "the kernel of " + drop.netns + " drops it: " + d};
    case DropReason::Unclaimed:
      if (d.find("hairpin") != std::string::npos)
        return {"cni", "turn on hairpin mode (\"hairpinMode\": true in the bridge CNI configuration)"};
      return {"cni", "the frame has nowhere to go: " + d};
    case DropReason::MtuExceeded:
      return {"cni", "make the overlay fit the network: the nodes' MTU must match what the node network carries"};
    case DropReason::InterfaceDown: return {"cni", "bring the device back up: " + d};
    case DropReason::LinkLoss:
      return {"node", "the link of " + drop.node + " loses frames (" + d + "): fix the link, or remove the qdisc (tc qdisc del dev " +
                          drop.iface + " root)"};
    case DropReason::NoRoute:
    case DropReason::NoNeighbour:
    case DropReason::TtlExceeded:
    case DropReason::None: break;
  }
  return {"cni", "the pod network does not deliver it: check the routes on " + drop.netns + " (" + d + ")"};
}

}  // namespace packetwalk::model::query::diag
