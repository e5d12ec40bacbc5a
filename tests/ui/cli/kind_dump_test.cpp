// A `kubectl get namespaces,nodes,pods,services,endpointslices,... -A -o yaml` dump of a kind
// cluster loads as-is, without warnings, and keeps the cluster's own addresses.
#include <gtest/gtest.h>

#include <sstream>

#include "../../../ui/cli/commands.h"
#include "../../../ui/cli/common.h"

namespace packetwalk::ui::cli {
namespace {

const std::string kDump = std::string(PACKETWALK_SOURCE_DIR) + "/tests/data/kubectl/kind-dump.yaml";

using model::net::Ipv4Address;

TEST(KindDump, LoadsWithoutAnyDiagnostic) {
  std::ostringstream err;
  auto loaded = load_cluster(std::nullopt, {kDump}, {}, err);
  ASSERT_TRUE(loaded.cluster) << err.str();
  EXPECT_EQ(err.str(), "");
}

TEST(KindDump, KeepsNodeNamesInternalIpsAndPodCidrs) {
  std::ostringstream err;
  auto loaded = load_cluster(std::nullopt, {kDump}, {}, err);
  ASSERT_TRUE(loaded.cluster) << err.str();
  const auto& inv = loaded.cluster->inventory();
  ASSERT_EQ(inv.nodes.size(), 2u);
  EXPECT_EQ(inv.nodes[0].name, "kind-control-plane");
  EXPECT_EQ(inv.nodes[0].internal_ip.to_string(), "172.18.0.3");
  EXPECT_EQ(inv.nodes[0].pod_cidr.to_string(), "10.244.0.0/24");
  EXPECT_EQ(inv.nodes[1].name, "kind-worker");
  EXPECT_EQ(inv.nodes[1].internal_ip.to_string(), "172.18.0.2");
  EXPECT_EQ(inv.nodes[1].pod_cidr.to_string(), "10.244.1.0/24");
  // The node's eth0 in the model carries the InternalIP.
  auto ns = loaded.cluster->node_netns("kind-worker");
  ASSERT_TRUE(ns);
  auto eth0 = loaded.cluster->topology().find_iface(*ns, "eth0");
  ASSERT_TRUE(eth0);
  EXPECT_EQ(loaded.cluster->topology().iface(*eth0).primary_address()->to_string(), "172.18.0.2");
}

TEST(KindDump, KeepsEveryPodIpAndPlacement) {
  std::ostringstream err;
  auto loaded = load_cluster(std::nullopt, {kDump}, {}, err);
  ASSERT_TRUE(loaded.cluster) << err.str();
  const auto& inv = loaded.cluster->inventory();
  const std::vector<std::tuple<std::string, std::string, std::string, std::string, bool>> want = {
      {"default", "client", "kind-worker", "10.244.1.9", false},
      {"default", "web-7c5ddbdf54-8xk2q", "kind-worker", "10.244.1.7", false},
      {"kube-system", "coredns-76f75df574-4jwkd", "kind-control-plane", "10.244.0.3", false},
      {"kube-system", "coredns-76f75df574-xv8tq", "kind-control-plane", "10.244.0.2", false},
      {"kube-system", "etcd-kind-control-plane", "kind-control-plane", "172.18.0.3", true},
      {"kube-system", "kube-apiserver-kind-control-plane", "kind-control-plane", "172.18.0.3", true},
      {"kube-system", "kindnet-2xw8d", "kind-control-plane", "172.18.0.3", true},
      {"kube-system", "kindnet-r5m2c", "kind-worker", "172.18.0.2", true},
      {"kube-system", "kube-proxy-9h4lp", "kind-control-plane", "172.18.0.3", true},
      {"kube-system", "kube-proxy-tx7ns", "kind-worker", "172.18.0.2", true},
      {"local-path-storage", "local-path-provisioner-7577fdbbfb-kq4nt", "kind-control-plane", "10.244.0.4", false},
  };
  EXPECT_EQ(inv.pods.size(), want.size());
  for (const auto& [ns, name, node, ip, host] : want) {
    const auto* pod = inv.find_pod(ns, name);
    ASSERT_TRUE(pod) << ns << "/" << name << " is missing";
    EXPECT_EQ(pod->node, node) << name;
    EXPECT_EQ(pod->ip.to_string(), ip) << name;
    EXPECT_EQ(pod->host_network, host) << name;
  }
}

TEST(KindDump, KeepsServiceClusterIpsAndEndpoints) {
  std::ostringstream err;
  auto loaded = load_cluster(std::nullopt, {kDump}, {}, err);
  ASSERT_TRUE(loaded.cluster) << err.str();
  const auto& svcs = loaded.cluster->services();
  const auto* kubernetes = svcs.find("default", "kubernetes");
  ASSERT_TRUE(kubernetes);
  EXPECT_EQ(kubernetes->cluster_ip->to_string(), "10.96.0.1");
  ASSERT_EQ(kubernetes->ports.size(), 1u);
  ASSERT_EQ(kubernetes->ports[0].endpoints.size(), 1u);
  EXPECT_EQ(kubernetes->ports[0].endpoints[0].to_string(), "172.18.0.3:6443");
  const auto* dns = svcs.find("kube-system", "kube-dns");
  ASSERT_TRUE(dns);
  EXPECT_EQ(dns->cluster_ip->to_string(), "10.96.0.10");
  ASSERT_EQ(dns->ports.size(), 3u);
  for (const auto& p : dns->ports) {
    ASSERT_EQ(p.endpoints.size(), 2u) << p.name;
    EXPECT_EQ(p.endpoints[0].ip.to_string(), "10.244.0.2");
    EXPECT_EQ(p.endpoints[1].ip.to_string(), "10.244.0.3");
  }
  const auto* web = svcs.find("default", "web");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->cluster_ip->to_string(), "10.96.183.21");
  ASSERT_EQ(web->ports[0].endpoints.size(), 1u);
  EXPECT_EQ(web->ports[0].endpoints[0].to_string(), "10.244.1.7:80");
}

TEST(KindDump, TracesPodToService) {
  std::ostringstream out, err;
  int code = cmd_trace({"trace", "-f", kDump, "--from", "default/client", "--to", "web:80"}, out, err);
  ASSERT_EQ(code, 0) << err.str();
  EXPECT_EQ(err.str(), "");
  EXPECT_NE(out.str().find("DNAT 10.96.183.21:80 -> 10.244.1.7:80"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("result: connected"), std::string::npos) << out.str();
}

TEST(KindDump, TracesPodToKubeDnsOnTheOtherNode) {
  std::ostringstream out, err;
  int code = cmd_trace({"trace", "-f", kDump, "--from", "default/client", "--to", "kube-system/kube-dns:53", "-p", "udp"}, out, err);
  ASSERT_EQ(code, 0) << err.str();
  EXPECT_NE(out.str().find("encapsulate VXLAN VNI 1 to 172.18.0.3:8472"), std::string::npos) << out.str();
  // The datagram reaches CoreDNS's socket on the other node; an empty datagram is no DNS query, so
  // CoreDNS stays silent, as the real server does (`packetwalk dns` sends real queries).
  EXPECT_NE(out.str().find("received by coredns on UDP 53"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("not a DNS message"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace packetwalk::ui::cli
