#include "faults.h"

#include <algorithm>
#include <set>

#include "packetwalk/model/kubeproxy/iptables_proxier.h"
#include "packetwalk/model/kubeproxy/ipvs_proxier.h"
#include "packetwalk/model/kubeproxy/nftables_proxier.h"

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

// Everything kube-proxy programs on the node in `mode`, gone as if it never ran: its iptables
// chains (IPVS mode keeps some too), nftables' `table ip kube-proxy`, IPVS's virtual servers, its
// ipsets and the addresses of kube-ipvs0 (which made the Service addresses local).
void remove_kube_proxy_state(datapath::Topology& topology, datapath::NetnsId ns, const std::string& mode) {
  auto& netns = topology.netns(ns);
  remove_kube_proxy_rules(netns.netfilter);
  if (mode == "nftables") {
    std::erase_if(netns.nft.tables, [](const datapath::NftTable& t) {
      return t.family() == "ip" && t.name() == kubeproxy::kNftTable;
    });
    netns.nft.link();
  } else if (mode == "ipvs") {
    netns.ipvs.assign({});
    netns.ipsets.erase_if([](const auto& entry) { return entry.first.rfind("KUBE-", 0) == 0; });
    if (auto dummy = topology.find_iface(ns, kubeproxy::kIpvsDummyDevice)) topology.iface(*dummy).addresses.clear();
  }
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

void apply_manifest_faults(const load::Scenario& scenario, load::ManifestSet& manifests, load::Diagnostics& diags) {
  for (const auto& fault : scenario.faults) {
    if (fault.kind != FaultKind::CoreDnsDown) continue;
    auto it = std::find_if(manifests.deployments.begin(), manifests.deployments.end(), [](const kube::Deployment& d) {
      return d.meta.namespace_ == "kube-system" && d.meta.name == "coredns";
    });
    if (it == manifests.deployments.end()) {
      diags.error(fault.pos, "faults", "coreDnsDown: no Deployment kube-system/coredns in the cluster" +
                                           std::string(scenario.cluster.dns.enabled ? "" : " (cluster.dns.enabled is false)"));
      continue;
    }
    // kubectl -n kube-system scale deployment coredns --replicas=0: the pods go, and with them the
    // kube-dns endpoints; kube-proxy then programs the Service as one without endpoints.
    it->replicas = 0;
  }
}

sim::Time coredns_answer_delay(const load::Scenario& scenario, load::Diagnostics& diags) {
  sim::Time delay;
  for (const auto& fault : scenario.faults) {
    if (fault.kind != FaultKind::CoreDnsSlow) continue;
    if (!scenario.cluster.dns.enabled) {
      diags.error(fault.pos, "faults", "coreDnsSlow: cluster.dns.enabled is false: there is no CoreDNS to slow down");
      continue;
    }
    delay = std::max(delay, sim::Time::ns(static_cast<std::int64_t>(fault.seconds * 1e9 + 0.5)));
  }
  return delay;
}

void apply_faults(const load::Scenario& scenario, const kube::Inventory& inventory, const kube::ServiceState& services,
                  const cni::Placement& placement, datapath::Topology& topology, load::Diagnostics& diags) {
  for (const auto& fault : scenario.faults) {
    if (fault.kind == FaultKind::UnderlayMtu) {
      if (placement.underlay != datapath::kNone) topology.segment(placement.underlay).mtu = static_cast<std::uint32_t>(fault.value);
      continue;
    }
    if (!load::fault_has_node(fault.kind)) continue;  // CoreDNS: apply_manifest_faults, coredns_answer_delay
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
        const std::string& mode = scenario.cluster.proxy_mode;
        remove_kube_proxy_state(topology, ns, mode);
        netns.kube_proxy_running = false;
        if (fault.kind == FaultKind::KubeProxyStale) {
          // Stopped on the timeline: the rules of its last sync, endpoints that may be gone included.
          kube::ServiceState seen;
          if (fault.synced) seen = *fault.synced;
          else if (!without_services(services, fault, seen, diags)) continue;
          kubeproxy::ProxyConfig proxy;
          proxy.cluster_cidr = scenario.cluster.pod_cidr;
          const kubeproxy::ProxyNode proxy_node{node->name, node->internal_ip};
          if (mode == "nftables") {
            kubeproxy::program_nftables(seen, proxy_node, proxy, {scenario.cluster.service_cidr}, netns.nft);
          } else if (mode == "ipvs") {
            // kubelet's KUBE-FIREWALL stayed; the sync writes its rule again.
            if (auto it = netns.netfilter.filter.chains.find("KUBE-FIREWALL"); it != netns.netfilter.filter.chains.end()) {
              it->second.rules.clear();
              netns.netfilter.filter.index_cache.reset();
            }
            kubeproxy::program_ipvs(seen, proxy_node, proxy, topology, ns);
          } else {
            kubeproxy::program_iptables(seen, *node, proxy, netns.netfilter);
          }
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
      case FaultKind::LinkDelay:
      case FaultKind::LinkLoss: {
        // One netem qdisc on eth0 holds both settings (`tc qdisc replace dev eth0 root netem delay
        // 50ms loss 30%`); a second fault of a kind replaces the first's value.
        auto eth0 = topology.find_iface(ns, "eth0");
        if (!eth0) {
          diags.error(fault.pos, "faults", "node " + fault.node + " has no eth0 to add netem to");
          continue;
        }
        auto& dev = topology.iface(*eth0);
        if (fault.kind == FaultKind::LinkDelay) dev.netem.delay = sim::Time::ns(static_cast<std::int64_t>(fault.seconds * 1e9 + 0.5));
        else dev.netem.loss_percent = fault.percent;
        break;
      }
      case FaultKind::UnderlayMtu:
      case FaultKind::CoreDnsDown:
      case FaultKind::CoreDnsSlow: break;
    }
  }
}

}  // namespace packetwalk::model::cluster
