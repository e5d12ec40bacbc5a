// The topology's address and neighbour lookups (datapath/topology_lookups.cpp) answer from
// indexes: here every answer is checked against a scan of the devices in interface order, for
// clusters built by each CNI (Flannel's bridge, Calico's proxy-ARP veths, Cilium's address-less
// tunnel) and by IPVS mode (kube-ipvs0 holding every Service address); a device changed after the
// indexes were built is seen at once; and a probe changes no device, so they are not rebuilt.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::datapath {
namespace {

std::string manifests() {
  std::string y;
  for (int node = 1; node <= 2; ++node) {
    for (int i = 0; i < 4; ++i) {
      y += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p" + std::to_string(node) + std::to_string(i) +
           ", labels: {app: web}}\nspec: {nodeName: node-" + std::to_string(node) +
           ", containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}\n";
    }
  }
  y += "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n";
  return y;
}

std::unique_ptr<cluster::Cluster> build(const std::string& cni, const std::string& proxy_mode) {
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "topology-lookups-test";
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = cni;
  s.cluster.proxy_mode = proxy_mode;
  s.manifests = load::load_manifest_text(manifests(), "topology-lookups-test.yaml", 0, diags);
  auto c = cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all()) EXPECT_NE(d.severity, load::Severity::Error) << cni << "/" << proxy_mode << ": " << load::format_diagnostic(d);
  return c;
}

// The scans the indexes replaced.
std::optional<IfaceId> scan_owner(const Topology& t, NetnsId ns, net::Ipv4Address a) {
  for (IfaceId id : t.netns(ns).interfaces)
    for (const auto& c : t.iface(id).addresses)
      if (c.address() == a) return id;
  return std::nullopt;
}

std::optional<net::MacAddress> scan_bridge_arp(const Topology& t, IfaceId bridge, net::Ipv4Address a) {
  for (IfaceId port : t.netns(t.iface(bridge).netns).interfaces) {
    const Interface& q = t.iface(port);
    if (q.master != bridge || q.peer == kNone) continue;
    for (const auto& c : t.iface(q.peer).addresses)
      if (c.address() == a) return t.iface(q.peer).mac;
  }
  return std::nullopt;
}

std::optional<net::MacAddress> owner_mac(const Interface& i, net::Ipv4Address a) {
  for (const auto& c : i.addresses)
    if (c.address() == a) return i.mac;
  return std::nullopt;
}

// ARP out of a veth: its peer (or, with proxy ARP, the peer for any address), else the peer's bridge.
std::optional<net::MacAddress> scan_veth_arp(const Topology& t, const Interface& veth, net::Ipv4Address a) {
  const Interface& p = t.iface(veth.peer);
  if (p.proxy_arp) return p.mac;
  if (auto m = owner_mac(p, a)) return m;
  if (p.master == kNone) return std::nullopt;
  if (auto m = owner_mac(t.iface(p.master), a)) return m;
  return scan_bridge_arp(t, p.master, a);
}

// ARP out of a VXLAN device: the remote VTEP (of the same VNI, in its FDB) that owns the address,
// or an address-less one whose namespace does.
std::optional<net::MacAddress> scan_vxlan_arp(const Topology& t, const Interface& o, net::Ipv4Address a) {
  for (const auto& other : t.all_interfaces()) {
    if (other.kind != IfaceKind::Vxlan || other.id == o.id || other.vni != o.vni || !o.fdb.count(other.mac)) continue;
    if (auto m = owner_mac(other, a)) return m;
    if (other.addresses.empty() && scan_owner(t, other.netns, a)) return other.mac;
  }
  return std::nullopt;
}

IfaceId scan_port(const Topology& t, IfaceId bridge, net::MacAddress mac) {
  for (IfaceId port : t.netns(t.iface(bridge).netns).interfaces) {
    const Interface& q = t.iface(port);
    if (q.master == bridge && q.peer != kNone && t.iface(q.peer).mac == mac) return port;
  }
  return kNone;
}

// Every address the topology holds, plus some it does not.
std::set<net::Ipv4Address> addresses(const Topology& t) {
  std::set<net::Ipv4Address> all = {*net::Ipv4Address::parse("10.244.9.9"), *net::Ipv4Address::parse("192.0.2.1")};
  for (const auto& i : t.all_interfaces())
    for (const auto& c : i.addresses) all.insert(c.address());
  return all;
}

void expect_lookups_match_scans(const Topology& t, const std::string& what) {
  std::size_t bridged = 0;
  for (const auto& a : addresses(t)) {
    for (const auto& ns : t.all_netns())
      ASSERT_EQ(t.iface_with_address(ns.id, a), scan_owner(t, ns.id, a)) << what << ": " << ns.name << " " << a.to_string();
    for (const auto& i : t.all_interfaces()) {
      std::optional<net::MacAddress> want;
      if (i.kind == IfaceKind::Bridge) {
        want = scan_bridge_arp(t, i.id, a);
        bridged += want.has_value();
      } else if (i.kind == IfaceKind::Veth) {
        want = scan_veth_arp(t, i, a);
      } else if (i.kind == IfaceKind::Vxlan) {
        want = scan_vxlan_arp(t, i, a);
      } else {
        continue;
      }
      ASSERT_EQ(t.resolve_neighbour(i.id, a), want) << what << ": " << i.name << " " << a.to_string();
    }
  }
  for (const auto& bridge : t.all_interfaces()) {
    if (bridge.kind != IfaceKind::Bridge) continue;
    for (const auto& i : t.all_interfaces())
      ASSERT_EQ(t.bridge_port_for(bridge.id, i.mac), scan_port(t, bridge.id, i.mac)) << what << ": " << bridge.name << " " << i.name;
  }
  if (what.rfind("flannel", 0) == 0) {
    EXPECT_GE(bridged, 8u) << what << ": every pod answers ARP on its node's cni0";
  }
}

TEST(TopologyLookups, AnswerAsAScanOfTheDevicesWouldForEachCniAndProxyMode) {
  // (Cilium with IPVS is not modelled: Cilium replaces kube-proxy's IPVS mode.)
  const std::pair<std::string, std::string> clusters[] = {{"flannel", "iptables"}, {"flannel", "ipvs"}, {"calico", "iptables"},
                                                          {"calico", "ipvs"},      {"cilium", "iptables"}};
  for (const auto& [cni, mode] : clusters) {
    auto c = build(cni, mode);
    ASSERT_TRUE(c);
    expect_lookups_match_scans(c->topology(), cni + "/" + mode);
  }
}

TEST(TopologyLookups, AChangedDeviceIsSeenAtOnce) {
  auto c = build("flannel", "iptables");
  ASSERT_TRUE(c);
  Topology& t = c->topology();
  const NetnsId node = *c->node_netns("node-1");
  const auto extra = *net::Ipv4Address::parse("198.51.100.7");
  ASSERT_FALSE(t.is_local_address(node, extra));  // the indexes are built now
  const IfaceId eth0 = *t.find_iface(node, "eth0");
  t.iface(eth0).addresses.push_back(net::Cidr::host(extra));
  EXPECT_EQ(t.iface_with_address(node, extra), eth0);
  // A pod's address moved to another pod: ARP on the bridge answers with the new owner's MAC.
  const NetnsId a = *c->pod_netns("default", "p10"), b = *c->pod_netns("default", "p11");
  const IfaceId a_eth0 = *t.find_iface(a, "eth0"), b_eth0 = *t.find_iface(b, "eth0");
  const net::Ipv4Address moved = t.iface(a_eth0).addresses.front().address();
  const IfaceId cni0 = *t.find_iface(node, "cni0");
  ASSERT_EQ(t.resolve_neighbour(cni0, moved), t.iface(a_eth0).mac);
  t.iface(a_eth0).addresses.clear();
  t.iface(b_eth0).addresses.push_back(net::Cidr(moved, 24));
  EXPECT_EQ(t.resolve_neighbour(cni0, moved), t.iface(b_eth0).mac);
  // Two devices with one address: the first in interface order owns it, as a scan finds it.
  const net::Ipv4Address node_ip = t.iface(eth0).addresses.front().address();
  ASSERT_LT(std::find(t.netns(node).interfaces.begin(), t.netns(node).interfaces.end(), eth0),
            std::find(t.netns(node).interfaces.begin(), t.netns(node).interfaces.end(), cni0));
  t.iface(cni0).addresses.push_back(net::Cidr::host(node_ip));
  EXPECT_EQ(t.iface_with_address(node, node_ip), eth0);
  expect_lookups_match_scans(t, "flannel after changes");
}

TEST(TopologyLookups, AProbeChangesNoDeviceSoTheIndexesAreNotRebuilt) {
  auto c = build("flannel", "iptables");
  ASSERT_TRUE(c);
  query::ProbeRunner runner(c->topology(), c->spec().seed);
  query::ProbeTarget target;
  target.from = *c->pod_netns("default", "p10");
  target.dst = *c->services().find("default", "web")->cluster_ip;
  target.port = 80;
  ASSERT_EQ(runner.run(target).trace.disposition, trace::Disposition::Connected);
  const auto generation = c->topology().generation();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(runner.run(target).trace.disposition, trace::Disposition::Connected);
  EXPECT_EQ(c->topology().generation(), generation);
}

}  // namespace
}  // namespace packetwalk::model::datapath
