// /etc/resolv.conf per dnsPolicy, as the kubelet writes it (k8s-semantics §4.2).
#include <gtest/gtest.h>

#include "packetwalk/model/dns/resolv_conf.h"

namespace packetwalk::model::dns {
namespace {

ResolverEnvironment env_with_node_search() {
  auto spec = load::default_cluster_spec();
  spec.dns.node_search = {"corp.example", "cluster.local"};
  spec.dns.node_options = {"timeout:2"};
  return resolver_environment(spec);
}

kube::PodInfo pod(std::string policy, bool host_network = false) {
  kube::PodInfo p;
  p.namespace_ = "shop";
  p.name = "web";
  p.dns_policy = std::move(policy);
  p.host_network = host_network;
  return p;
}

TEST(ResolvConf, ClusterFirstIsTheClusterDnsWithTheNamespaceSearchList) {
  auto env = env_with_node_search();
  auto c = pod_resolv_conf(pod("ClusterFirst"), env);
  EXPECT_EQ(c.text(),
            "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\n"
            "nameserver 10.96.0.10\n"
            "options ndots:5\n");  // the node's cluster.local is a duplicate; its options are not inherited
  EXPECT_EQ(c.ndots, 5);
  EXPECT_EQ(c.timeout, 5);
  EXPECT_EQ(c.attempts, 2);
  EXPECT_EQ(c.servers(), std::vector<net::Ipv4Address>{*net::Ipv4Address::parse("10.96.0.10")});
  // An empty dnsPolicy is the API default, ClusterFirst.
  EXPECT_EQ(pod_resolv_conf(pod(""), env).text(), c.text());
}

TEST(ResolvConf, DefaultAndHostNetworkUseTheNodesFile) {
  auto env = env_with_node_search();
  const std::string node = "search corp.example cluster.local\nnameserver 192.168.0.1\noptions timeout:2\n";
  EXPECT_EQ(pod_resolv_conf(pod("Default"), env).text(), node);
  auto host = pod_resolv_conf(pod("ClusterFirst", true), env);
  EXPECT_EQ(host.text(), node);
  EXPECT_EQ(host.timeout, 2);
  ASSERT_EQ(host.notes.size(), 1u);
  EXPECT_NE(host.notes[0].find("behaves as Default"), std::string::npos);
  EXPECT_EQ(pod_resolv_conf(pod("ClusterFirstWithHostNet", true), env).text(),
            "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n");
}

TEST(ResolvConf, NoneTakesOnlyDnsConfigAndDnsConfigMergesIntoOthers) {
  auto env = env_with_node_search();
  auto none = pod("None");
  none.dns_config.nameservers = {"1.1.1.1"};
  none.dns_config.searches = {"a.example"};
  none.dns_config.options = {{"ndots", std::string("2")}, {"edns0", std::nullopt}};
  EXPECT_EQ(pod_resolv_conf(none, env).text(), "search a.example\nnameserver 1.1.1.1\noptions edns0 ndots:2\n");

  auto merged = pod("ClusterFirst");
  merged.dns_config.nameservers = {"10.96.0.10", "8.8.8.8"};
  merged.dns_config.searches = {"svc.cluster.local", "extra.example."};
  merged.dns_config.options = {{"ndots", std::string("2")}};
  auto c = pod_resolv_conf(merged, env);
  EXPECT_EQ(c.nameservers, (std::vector<std::string>{"10.96.0.10", "8.8.8.8"}));
  EXPECT_EQ(c.search, (std::vector<std::string>{"shop.svc.cluster.local", "svc.cluster.local", "cluster.local",
                                                "corp.example", "extra.example"}));
  EXPECT_EQ(c.options, std::vector<std::string>{"ndots:2"});  // the pod's value wins
  EXPECT_EQ(c.ndots, 2);
}

TEST(ResolvConf, LimitsAndFallbacks) {
  auto env = env_with_node_search();
  auto many = pod("None");
  many.dns_config.nameservers = {"1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"};
  auto c = pod_resolv_conf(many, env);
  EXPECT_EQ(c.nameservers.size(), 3u);
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes[0].find("nameserver limits were exceeded"), std::string::npos);

  auto spec = load::default_cluster_spec();
  spec.dns.cluster_dns_none = true;
  auto fallback = pod_resolv_conf(pod("ClusterFirst"), resolver_environment(spec));
  EXPECT_EQ(fallback.text(), "nameserver 192.168.0.1\n");
  EXPECT_NE(fallback.notes.at(0).find("MissingClusterDNS"), std::string::npos);

  ResolvConf empty;
  EXPECT_EQ(empty.servers(), std::vector<net::Ipv4Address>{net::Ipv4Address::from_octets(127, 0, 0, 1)});
  // Found by fuzz-dns: nameserver lines whose addresses do not parse count as none at all, so the
  // resolver still asks glibc's default rather than nobody.
  ResolvConf garbled;
  garbled.nameservers = {"19\x85", "not-an-address"};
  EXPECT_EQ(garbled.servers(), std::vector<net::Ipv4Address>{net::Ipv4Address::from_octets(127, 0, 0, 1)});
  empty.options = {"ndots:30", "attempts:9", "timeout:0"};
  apply_options(empty);
  EXPECT_EQ(empty.ndots, 15);
  EXPECT_EQ(empty.attempts, 5);
  EXPECT_EQ(empty.timeout, 1);
}

}  // namespace
}  // namespace packetwalk::model::dns
