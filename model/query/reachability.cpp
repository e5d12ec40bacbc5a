#include "packetwalk/model/query/reachability.h"

#include "packetwalk/model/query/reach_groups.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

namespace packetwalk::model::query {

namespace {

// What policy evaluation can see of a workload pod. Two pods with equal signatures get equal
// verdicts against any counterpart, so one evaluation serves the whole group.
std::string signature(const kube::PodInfo& pod, const policy::PolicyIndex& index,
                      const std::vector<std::pair<std::string, net::Protocol>>& named_ports) {
  std::string sig = pod.namespace_ + "|";
  const policy::Endpoint e{&pod, pod.ip, pod.node};
  for (const auto* p : index.all()) {
    sig += policy::policy_selects(*p, pod) ? '1' : '0';
    for (auto d : {policy::Direction::Ingress, policy::Direction::Egress}) {
      for (const auto& rule : policy::rules_of(*p, d)) {
        if (!rule.peers) continue;
        for (const auto& peer : *rule.peers) sig += policy::match_peer(peer, p->meta.namespace_, e, index).matched ? '1' : '0';
      }
    }
  }
  for (const auto& [name, proto] : named_ports) {
    auto r = policy::resolve_named_port(pod, name, proto);
    sig += "|" + (r ? std::to_string(*r) : std::string("-"));
  }
  return sig + "|" + policy::admin_signature(pod, index);  // AdminNetworkPolicy & co. (policy/admin.h)
}

std::vector<std::pair<std::string, net::Protocol>> named_ports_of(const policy::PolicyIndex& index) {
  std::set<std::pair<std::string, net::Protocol>> out;
  for (const auto* p : index.all()) {
    for (auto d : {policy::Direction::Ingress, policy::Direction::Egress}) {
      for (const auto& rule : policy::rules_of(*p, d)) {
        if (!rule.ports) continue;
        for (const auto& port : *rule.ports) {
          if (port.port && port.port->is_string) out.insert({port.port->text, port.protocol});
        }
      }
    }
  }
  return {out.begin(), out.end()};
}

bool declares(const kube::PodInfo& pod, const ReachPort& port) {
  for (const auto& c : pod.containers) {
    for (const auto& p : c.ports) {
      if (p.container_port == port.port && p.protocol == port.protocol) return true;
    }
  }
  return false;
}

// The ports checked towards `dst`: the given ones (else its declared ones) plus the extra ones.
std::vector<ReachPort> ports_towards(const kube::PodInfo& dst, const ReachOptions& options) {
  auto ports = options.ports.empty() ? declared_ports(dst) : options.ports;
  auto extra = options.extra_ports.find(dst.namespace_ + "/" + dst.name);
  if (extra == options.extra_ports.end()) return ports;
  std::set<ReachPort> all(ports.begin(), ports.end());
  all.insert(extra->second.begin(), extra->second.end());
  return {all.begin(), all.end()};
}

}  // namespace

std::vector<ReachPort> declared_ports(const kube::PodInfo& pod) {
  std::set<ReachPort> out;
  for (const auto& c : pod.containers) {
    for (const auto& p : c.ports) out.insert(ReachPort{p.protocol, static_cast<net::Port>(p.container_port)});
  }
  return {out.begin(), out.end()};
}

std::string ReachPort::to_string() const { return std::to_string(port) + "/" + std::string(net::kube_name(protocol)); }

std::optional<ReachPort> parse_reach_port(std::string_view text, std::string& error) {
  ReachPort out;
  auto slash = text.find('/');
  std::string_view number = text.substr(0, slash);
  unsigned v = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (ec != std::errc() || end != number.data() + number.size() || v == 0 || v > 65535) {
    error = "\"" + std::string(text) + "\" is not PORT or PORT/PROTOCOL (e.g. 80, 53/UDP)";
    return std::nullopt;
  }
  out.port = static_cast<net::Port>(v);
  if (slash != std::string_view::npos) {
    std::string proto(text.substr(slash + 1));
    std::transform(proto.begin(), proto.end(), proto.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    auto p = net::parse_kube_protocol(proto);
    if (!p) {
      error = "protocol \"" + std::string(text.substr(slash + 1)) + "\" is not one of TCP, UDP, SCTP";
      return std::nullopt;
    }
    out.protocol = *p;
  }
  return out;
}

const ReachCell* ReachMatrix::find(std::string_view from, std::string_view to, const ReachPort& port) const {
  for (const auto& c : results) {
    if (c.from == from && c.to == to && c.port == port) return &c;
  }
  return nullptr;
}

bool cni_enforces_policy(std::string_view cni) { return cni == "calico" || cni == "cilium"; }

policy::Endpoint destination_endpoint(const kube::PodInfo& pod, const kube::Inventory& inventory) {
  policy::Endpoint e{&pod, pod.ip, pod.node};
  if (pod.host_network) {
    if (const auto* n = inventory.find_node(pod.node)) e.ip = n->internal_ip;
  }
  return e;
}

policy::Endpoint source_endpoint(const cluster::Cluster& c, const kube::PodInfo& pod, net::Ipv4Address dst) {
  policy::Endpoint e{&pod, pod.ip, pod.node};
  if (!pod.host_network) return e;
  // A hostNetwork pod is its node: the source address is whatever the node's routing picks.
  auto ns = c.node_netns(pod.node);
  if (!ns) return e;
  const auto& topo = c.topology();
  if (topo.is_local_address(*ns, dst)) {
    e.ip = dst;
    return e;
  }
  if (const auto* r = topo.netns(*ns).routes.lookup(dst)) {
    if (r->preferred_source) e.ip = *r->preferred_source;
    else if (auto a = topo.iface(r->dev).primary_address()) e.ip = *a;
  }
  return e;
}

std::string cni_drop_reason(std::string_view cni, const policy::Endpoint& src, net::Protocol protocol, net::Port port) {
  if (cni == "calico" && src.is_workload() && protocol == net::Protocol::Udp && port == 4789)
    return "denied: Calico drops VXLAN-encapsulated packets (UDP 4789) originating in workloads";
  return {};
}

ReachMatrix compute_reach(const cluster::Cluster& c, const ReachOptions& options) {
  return compute_reach(reach_inputs(c), options);
}

// One implementation for the built cluster and for the control plane alone (reach_groups.h): only
// a hostNetwork source's address needs routes, and ReachInputs::host_source answers that either
// from the built cluster's routing or from the node table. Every pod reach covers is placed: a pod
// without a node is a load error, so no datapath is needed to know which pods exist.
ReachMatrix compute_reach(const ReachInputs& in, const ReachOptions& options) {
  ReachMatrix m;
  m.cni = in.cni;
  m.enforced = cni_enforces_policy(m.cni);
  policy::PolicyIndex index(*in.policies, *in.inventory, in.admin, policy::cni_semantics(m.cni));

  const auto pods = reach_pods(*in.inventory, options);
  std::set<ReachPort> all_ports(options.ports.begin(), options.ports.end());
  std::vector<std::vector<ReachPort>> towards;
  for (const auto* p : pods) {
    m.pods.push_back(p->namespace_ + "/" + p->name);
    towards.push_back(ports_towards(*p, options));
    all_ports.insert(towards.back().begin(), towards.back().end());
  }
  m.ports.assign(all_ports.begin(), all_ports.end());

  const auto named = named_ports_of(index);
  std::map<const kube::PodInfo*, std::string> sig;
  for (const auto* p : pods) sig[p] = signature(*p, index, named);
  std::map<std::tuple<std::string, std::string, ReachPort>, std::pair<bool, std::string>> cache;

  for (std::size_t s = 0; s < pods.size(); ++s) {
    if (options.progress) options.progress(s, pods.size());
    const auto* src = pods[s];
    for (std::size_t d = 0; d < pods.size(); ++d) {
      const auto* dst = pods[d];
      for (const auto& port : towards[d]) {
        ReachCell cell;
        cell.port = port;
        cell.listening = declares(*dst, port);
        cell.from = m.pods[s];
        cell.to = m.pods[d];
        if (src == dst || src->host_network || dst->host_network) {
          // Pairs whose addresses depend on the path (hostNetwork) or on identity (self) are not grouped.
          cell.allowed = pair_allowed(in, index, *src, *dst, port, &cell.reason);
        } else {
          auto key = std::make_tuple(sig[src], sig[dst], port);
          auto it = cache.find(key);
          if (it == cache.end()) {
            std::string reason;
            const bool allowed = pair_allowed(in, index, *src, *dst, port, &reason);
            ++m.evaluations;
            it = cache.emplace(key, std::make_pair(allowed, std::move(reason))).first;
          }
          cell.allowed = it->second.first;
          cell.reason = it->second.second;
        }
        m.results.push_back(std::move(cell));
      }
    }
  }
  return m;
}

}  // namespace packetwalk::model::query
