#include "faults.h"

#include <algorithm>
#include <set>

#include "packetwalk/model/kubeproxy/iptables_proxier.h"

namespace packetwalk::model::cluster {

namespace {

using load::FaultKind;
using load::FaultSpec;

bool owned_by_kube_proxy(const std::string& chain) {
  // kubelet creates KUBE-FIREWALL and its canary before kube-proxy starts; they outlive it.
  return chain.rfind("KUBE-", 0) == 0 && chain != "KUBE-FIREWALL" && chain != "KUBE-KUBELET-CANARY";
}

// As `ip link set DEV down`: the device stops, and the kernel deletes the routes through it
// (fib_disable_ip), so lookups fall through to whatever route is left.
void take_down(datapath::Topology& topology, datapath::NetnsId ns, datapath::IfaceId dev) {
  topology.iface(dev).up = false;
  datapath::RouteTable kept;
  for (const auto& r : topology.netns(ns).routes.routes()) {
    if (r.dev != dev) kept.add(r);
  }
  topology.netns(ns).routes = std::move(kept);
}

std::optional<datapath::IfaceId> first_of_kind(const datapath::Topology& topology, datapath::NetnsId ns,
                                               datapath::IfaceKind kind) {
  for (auto id : topology.netns(ns).interfaces) {
    if (topology.iface(id).kind == kind) return id;
  }
  return std::nullopt;
}

// The cluster as a kube-proxy that last synced before `ignored` existed saw it.
bool without_services(const kube::ServiceState& all, const FaultSpec& fault, kube::ServiceState& out,
                      load::Diagnostics& diags) {
  std::set<std::pair<std::string, std::string>> ignored;
  bool ok = true;
  for (const auto& ref : fault.ignore_services) {
    auto slash = ref.find('/');
    std::string ns = slash == std::string::npos ? "default" : ref.substr(0, slash);
    std::string name = slash == std::string::npos ? ref : ref.substr(slash + 1);
    if (!all.find(ns, name)) {
      diags.error(fault.pos, "faults", "ignoreServices: no Service " + ns + "/" + name + " in the cluster");
      ok = false;
    }
    ignored.emplace(std::move(ns), std::move(name));
  }
  out = all;
  std::erase_if(out.services, [&](const kube::ServiceInfo& s) { return ignored.count({s.namespace_, s.name}) > 0; });
  return ok;
}

// kube-proxy's hairpin rule, the first of every endpoint chain: `-A KUBE-SEP-X -s EP/32 -j
// KUBE-MARK-MASQ` (iptables), `ip saddr EP jump mark-for-masquerade` (nftables). Deleted, an
// endpoint reaching itself through its Service sees its own address as the source, answers itself
// directly, and the client's SYN goes unanswered.
void remove_hairpin_masquerade(datapath::Netns& netns) {
  auto& nat = netns.netfilter.nat;
  nat.index_cache.reset();
  for (auto& [name, chain] : nat.chains) {
    if (name.rfind("KUBE-SEP-", 0) != 0) continue;
    std::erase_if(chain.rules, [](const datapath::Rule& r) {
      const auto* jump = std::get_if<datapath::JumpTarget>(&r.target);
      return jump && jump->chain == "KUBE-MARK-MASQ" && r.source;
    });
  }
  for (auto& table : netns.nft.tables) {
    std::vector<std::string> chains;
    for (const auto& c : table.chains()) {
      if (c.name.rfind("endpoint-", 0) == 0) chains.push_back(c.name);
    }
    for (const auto& name : chains) {
      auto& rules = table.chain(name).rules;
      std::erase_if(rules, [](const datapath::NftRule& r) {
        bool saddr = false, masq = false;
        for (const auto& e : r.exprs) {
          if (const auto* a = std::get_if<datapath::NftAddrMatch>(&e)) saddr = saddr || a->source;
          if (const auto* v = std::get_if<datapath::NftVerdict>(&e))
            masq = masq || (v->kind == datapath::NftVerdict::Kind::Jump && v->chain == "mark-for-masquerade");
        }
        return saddr && masq;
      });
    }
  }
  netns.nft.link();
}

}  // namespace

void remove_kube_proxy_rules(datapath::Netfilter& nf) {
  for (auto kind : {datapath::NfTableKind::Raw, datapath::NfTableKind::Mangle, datapath::NfTableKind::Nat,
                    datapath::NfTableKind::Filter}) {
    auto& table = nf.table(kind);
    table.index_cache.reset();  // the walker's cache would still hold the removed chains
    std::erase_if(table.chains, [](const auto& entry) { return owned_by_kube_proxy(entry.first); });
    for (auto& [name, chain] : table.chains) {
      std::erase_if(chain.rules, [](const datapath::Rule& r) {
        const auto* jump = std::get_if<datapath::JumpTarget>(&r.target);
        return jump && owned_by_kube_proxy(jump->chain);
      });
    }
  }
}

void apply_faults(const load::Scenario& scenario, const kube::Inventory& inventory, const kube::ServiceState& services,
                  const cni::Placement& placement, datapath::Topology& topology, load::Diagnostics& diags) {
  for (const auto& fault : scenario.faults) {
    if (fault.kind == FaultKind::UnderlayMtu) {
      if (placement.underlay != datapath::kNone) topology.segment(placement.underlay).mtu = static_cast<std::uint32_t>(fault.value);
      continue;
    }
    auto node_it = placement.node_netns.find(fault.node);
    const kube::NodeInfo* node = inventory.find_node(fault.node);
    if (node_it == placement.node_netns.end() || !node) {
      diags.error(fault.pos, "faults", "no node \"" + fault.node + "\" in the cluster (" + load::fault_text(fault) + ")");
      continue;
    }
    const datapath::NetnsId ns = node_it->second;
    auto& netns = topology.netns(ns);
    switch (fault.kind) {
      case FaultKind::KubeProxyDown:
      case FaultKind::KubeProxyStale: {
        if (scenario.cluster.proxy_mode != "iptables") {
          diags.error(fault.pos, "faults", load::fault_text(fault) + ": supported with proxyMode iptables only");
          continue;
        }
        remove_kube_proxy_rules(netns.netfilter);
        netns.kube_proxy_running = false;
        if (fault.kind == FaultKind::KubeProxyStale) {
          // Stopped on the timeline: the rules of its last sync, endpoints that may be gone included.
          kube::ServiceState seen;
          if (fault.synced) seen = *fault.synced;
          else if (!without_services(services, fault, seen, diags)) continue;
          kubeproxy::ProxyConfig proxy;
          proxy.cluster_cidr = scenario.cluster.pod_cidr;
          kubeproxy::program_iptables(seen, *node, proxy, netns.netfilter);
        }
        break;
      }
      case FaultKind::CniDown: {
        auto vtep = first_of_kind(topology, ns, datapath::IfaceKind::Vxlan);
        if (!vtep) {
          diags.error(fault.pos, "faults", "node " + fault.node + " has no VXLAN device to take down");
          continue;
        }
        take_down(topology, ns, *vtep);
        break;
      }
      case FaultKind::LinkDown: {
        auto eth0 = topology.find_iface(ns, "eth0");
        if (eth0) take_down(topology, ns, *eth0);
        break;
      }
      case FaultKind::ConntrackMax:
        netns.conntrack.max_entries = static_cast<std::size_t>(fault.value);
        break;
      case FaultKind::HairpinModeOff:
        for (auto id : netns.interfaces) {
          auto& port = topology.iface(id);
          if (port.master != datapath::kNone) port.hairpin = false;
        }
        break;
      case FaultKind::NoHairpinMasquerade:
        remove_hairpin_masquerade(netns);
        break;
      case FaultKind::BridgeNfCallIptablesOff:
        netns.sysctls.bridge_nf_call_iptables = false;
        break;
      case FaultKind::UnderlayMtu: break;
    }
  }
}

}  // namespace packetwalk::model::cluster
