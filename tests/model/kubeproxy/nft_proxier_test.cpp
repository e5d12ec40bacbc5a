// kube-proxy nftables mode against upstream's own golden: TestOverallNFTablesRules in
// pkg/proxy/nftables/proxier_test.go (baseRules + six services), same inputs, compared line by
// line. Upstream prints kube-proxy's input ("add rule ... mark set mark or 0x4000"); we print
// what `nft list` gives back, so six documented normalisations are applied to upstream's text
// before comparing (see nft_print.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "packetwalk/model/datapath/nft_print.h"
#include "packetwalk/model/kubeproxy/chain_names.h"
#include "packetwalk/model/kubeproxy/nftables_proxier.h"
#include "test_services.h"

namespace packetwalk::model::kubeproxy {
namespace {

using namespace kptest;  // NOLINT: test helpers
using datapath::NftTable;

// The table as upstream's knftables fake dumps it: one "add ..." line per object.
std::set<std::string> dump(const NftTable& t) {
  std::set<std::string> out;
  const std::string pfx = " ip kube-proxy ";
  for (const auto& s : t.sets()) {
    std::string line = std::string(s.is_map ? "add map" : "add set") + pfx + s.name + " { type ";
    for (std::size_t i = 0; i < s.key_type.size(); ++i)
      line += std::string(i ? " . " : "") + std::string(datapath::nft_data_type_name(s.key_type[i]));
    if (s.is_map) line += " : verdict";
    line += " ; ";
    if (s.dynamic) line += "flags dynamic,timeout ; ";
    if (s.timeout_seconds) line += "timeout " + std::to_string(s.timeout_seconds) + "s ; ";
    if (!s.comment.empty()) line += "comment \"" + s.comment + "\" ; ";
    out.insert(line + "}");
    for (const auto& e : s.elements) out.insert("add element" + pfx + s.name + " { " + datapath::nft_element_text(s, e) + " }");
  }
  for (const auto& c : t.chains()) {
    std::string line = "add chain" + pfx + c.name;
    if (c.base)
      line += " { type " + std::string(datapath::nft_chain_type_name(c.base->type)) + " hook " +
              std::string(datapath::nft_hook_name(c.base->hook)) + " priority " + std::to_string(c.base->priority) + " ; }";
    if (!c.comment.empty()) line += " { comment \"" + c.comment + "\" ; }";
    out.insert(line);
    for (const auto& r : c.rules) out.insert("add rule" + pfx + c.name + " " + datapath::nft_rule_text(r));
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line.erase(0, line.find_first_not_of(" \t"));
    if (line.empty() || line[0] == '#' || line.rfind("add table", 0) == 0) continue;
    // What `nft list` prints for kube-proxy's input syntax.
    line = replace_all(line, "mark set mark or 0x4000", "meta mark set meta mark | 0x00004000");
    line = replace_all(line, "mark set mark xor 0x4000", "meta mark set meta mark ^ 0x00004000");
    line = replace_all(line, "mark and 0x4000 == 0 return", "meta mark & 0x00004000 == 0x00000000 return");
    line = replace_all(line, "ip daddr { 172.30.0.0/16 } drop", "ip daddr 172.30.0.0/16 drop");
    line = replace_all(line, "ip saddr != { 203.0.113.0/25 } drop", "ip saddr != 203.0.113.0/25 drop");
    // knftables.Concat joins numgen vmap elements with " , "; nft lists them as "goto a, 1 : goto b".
    line = replace_all(line, " , ", ", ");
    out.insert(line);
  }
  return out;
}

// Upstream's golden (TestOverallNFTablesRules), verbatim.
const char* kUpstream = R"(
add set ip kube-proxy cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }
add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }
add map ip kube-proxy firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }
add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }
add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }
add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }
add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }
add chain ip kube-proxy cluster-ips-check
add chain ip kube-proxy filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }
add chain ip kube-proxy filter-output-pre-dnat { type filter hook output priority -110 ; }
add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }
add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
add chain ip kube-proxy filter-output { type filter hook output priority 0 ; }
add chain ip kube-proxy firewall-check
add chain ip kube-proxy mark-for-masquerade
add chain ip kube-proxy masquerading
add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }
add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip kube-proxy nodeport-endpoints-check
add chain ip kube-proxy reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }
add chain ip kube-proxy services
add chain ip kube-proxy service-endpoints-check
add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
add rule ip kube-proxy cluster-ips-check ip daddr { 172.30.0.0/16 } drop comment "Drop traffic to unallocated ClusterIPs"
add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check
add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check
add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check
add rule ip kube-proxy filter-input ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy filter-output ct state new jump cluster-ips-check
add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips
add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000
add rule ip kube-proxy masquerading mark and 0x4000 == 0 return
add rule ip kube-proxy masquerading mark set mark xor 0x4000
add rule ip kube-proxy masquerading masquerade fully-random
add rule ip kube-proxy nat-output jump services
add rule ip kube-proxy nat-postrouting jump masquerading
add rule ip kube-proxy nat-prerouting jump services
add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ip kube-proxy reject-chain reject
add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
add element ip kube-proxy nodeport-ips { 192.168.0.2 }
add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services

# svc1
add chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80
add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }
add chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80
add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 ip saddr 10.180.0.1 jump mark-for-masquerade
add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80
add element ip kube-proxy cluster-ips { 172.30.0.41 }
add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }

# svc2
add chain ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80
add rule ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80 ip daddr 172.30.0.42 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 }
add chain ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80
add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 ip saddr 10.0.0.0/8 goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit pod traffic"
add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"
add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit local traffic"
add chain ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80
add rule ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 ip saddr 10.180.0.2 jump mark-for-masquerade
add rule ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 meta l4proto tcp dnat to 10.180.0.2:80
add element ip kube-proxy cluster-ips { 172.30.0.42 }
add element ip kube-proxy service-ips { 172.30.0.42 . tcp . 80 : goto service-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip kube-proxy service-ips { 192.168.99.22 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip kube-proxy service-ips { 1.2.3.4 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip kube-proxy service-nodeports { tcp . 3001 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment "ns2/svc2:p80" : drop }
add element ip kube-proxy no-endpoint-services { 1.2.3.4 . tcp . 80 comment "ns2/svc2:p80" : drop }
add element ip kube-proxy no-endpoint-services { 192.168.99.22 . tcp . 80 comment "ns2/svc2:p80" : drop }

# svc3
add chain ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80
add rule ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80 ip daddr 172.30.0.43 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 }
add chain ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80
add rule ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80 jump mark-for-masquerade
add rule ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80 goto service-4AT6LBPK-ns3/svc3/tcp/p80
add chain ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80
add rule ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade
add rule ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80
add element ip kube-proxy cluster-ips { 172.30.0.43 }
add element ip kube-proxy service-ips { 172.30.0.43 . tcp . 80 : goto service-4AT6LBPK-ns3/svc3/tcp/p80 }
add element ip kube-proxy service-nodeports { tcp . 3003 : goto external-4AT6LBPK-ns3/svc3/tcp/p80 }

# svc4
add chain ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80
add rule ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80 ip daddr 172.30.0.44 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80 numgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 , 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }
add chain ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80
add rule ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80 jump mark-for-masquerade
add rule ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80 goto service-LAUZTJTB-ns4/svc4/tcp/p80
add chain ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80
add rule ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 ip saddr 10.180.0.5 jump mark-for-masquerade
add rule ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 meta l4proto tcp dnat to 10.180.0.5:80
add chain ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80
add rule ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 ip saddr 10.180.0.4 jump mark-for-masquerade
add rule ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 meta l4proto tcp dnat to 10.180.0.4:80
add element ip kube-proxy cluster-ips { 172.30.0.44 }
add element ip kube-proxy service-ips { 172.30.0.44 . tcp . 80 : goto service-LAUZTJTB-ns4/svc4/tcp/p80 }
add element ip kube-proxy service-ips { 192.168.99.33 . tcp . 80 : goto external-LAUZTJTB-ns4/svc4/tcp/p80 }

# svc5
add set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }
add chain ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80
add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 ip daddr 172.30.0.45 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80
add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 }
add chain ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80
add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 jump mark-for-masquerade
add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 goto service-HVFWP5L3-ns5/svc5/tcp/p80
add chain ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80
add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade
add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 update @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { ip saddr }
add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80
add chain ip kube-proxy firewall-HVFWP5L3-ns5/svc5/tcp/p80
add rule ip kube-proxy firewall-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr != { 203.0.113.0/25 } drop
add element ip kube-proxy cluster-ips { 172.30.0.45 }
add element ip kube-proxy service-ips { 172.30.0.45 . tcp . 80 : goto service-HVFWP5L3-ns5/svc5/tcp/p80 }
add element ip kube-proxy service-ips { 5.6.7.8 . tcp . 80 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }
add element ip kube-proxy service-nodeports { tcp . 3002 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }
add element ip kube-proxy firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-HVFWP5L3-ns5/svc5/tcp/p80 }

# svc6
add element ip kube-proxy cluster-ips { 172.30.0.46 }
add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }
)";

kube::ServiceState upstream_services() {
  using kube::ServiceType;
  using net::Protocol;
  kube::ServiceState st;
  auto svc = [](const char* ns, const char* name, ServiceType type, const char* cip, int node_port,
                std::initializer_list<kube::EndpointInfo> eps) {
    return service(ns, name, type, cip, {port("p80", Protocol::Tcp, 80, 80, eps, node_port)});
  };
  st.services.push_back(svc("ns1", "svc1", ServiceType::ClusterIP, "172.30.0.41", 0, {ep("10.180.0.1", 80, "")}));
  auto s2 = svc("ns2", "svc2", ServiceType::LoadBalancer, "172.30.0.42", 3001, {ep("10.180.0.2", 80, "")});
  s2.external_traffic_policy_local = true;
  s2.load_balancer_ips = {ip("1.2.3.4")};
  s2.external_ips = {ip("192.168.99.22")};
  s2.health_check_node_port = 30000;
  st.services.push_back(s2);
  st.services.push_back(svc("ns3", "svc3", ServiceType::NodePort, "172.30.0.43", 3003, {ep("10.180.0.3", 80, "")}));
  auto s4 = svc("ns4", "svc4", ServiceType::NodePort, "172.30.0.44", 0,
                {ep("10.180.0.4", 80, ""), ep("10.180.0.5", 80, "test-node")});
  s4.external_ips = {ip("192.168.99.33")};
  st.services.push_back(s4);
  auto s5 = svc("ns5", "svc5", ServiceType::LoadBalancer, "172.30.0.45", 3002, {ep("10.180.0.3", 80, "")});
  s5.load_balancer_ips = {ip("5.6.7.8")};
  s5.health_check_node_port = 30000;
  s5.load_balancer_source_ranges = {cidr("203.0.113.0/25")};
  s5.session_affinity_client_ip = true;
  st.services.push_back(s5);
  st.services.push_back(svc("ns6", "svc6", ServiceType::ClusterIP, "172.30.0.46", 0, {}));
  return st;
}

datapath::NftRuleset upstream_ruleset() {
  ProxyConfig config;
  config.cluster_cidr = cidr("10.0.0.0/8");
  config.node_port_addresses = {cidr("192.168.0.2/32")};
  datapath::NftRuleset rs;
  program_nftables(upstream_services(), ProxyNode{"test-node", ip("192.168.0.2")}, config, {cidr("172.30.0.0/16")}, rs);
  return rs;
}

TEST(NftProxier, MatchesUpstreamOverallRules) {
  auto rs = upstream_ruleset();
  ASSERT_EQ(rs.tables.size(), 1u);
  const auto got = dump(rs.tables.front());
  const auto want = lines_of(kUpstream);
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  for (const auto& l : missing) ADD_FAILURE() << "missing: " << l;
  for (const auto& l : extra) ADD_FAILURE() << "extra:   " << l;
}

TEST(NftProxier, DefaultNodePortAddressesUseFibAndNoNodePortSet) {
  ProxyConfig config;
  config.cluster_cidr = cidr("10.0.0.0/8");
  datapath::NftRuleset rs;
  program_nftables(upstream_services(), ProxyNode{"test-node", ip("192.168.0.2")}, config, {}, rs);
  const auto got = dump(rs.tables.front());
  EXPECT_TRUE(got.count("add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports"));
  EXPECT_TRUE(got.count("add rule ip kube-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports"));
  EXPECT_EQ(rs.tables.front().find_set("nodeport-ips"), nullptr);
  // No service CIDR known: no "unallocated ClusterIP" drop.
  for (const auto& l : got) EXPECT_EQ(l.find("unallocated"), std::string::npos) << l;
}

TEST(NftProxier, ResyncReplacesTheTable) {
  auto rs = upstream_ruleset();
  ProxyConfig config;
  config.cluster_cidr = cidr("10.0.0.0/8");
  kube::ServiceState one;
  one.services.push_back(upstream_services().services.front());
  program_nftables(one, ProxyNode{"test-node", ip("192.168.0.2")}, config, {}, rs);
  ASSERT_EQ(rs.tables.size(), 1u);
  EXPECT_EQ(rs.tables.front().find_chain("service-42NFTM6N-ns2/svc2/tcp/p80"), nullptr);
  EXPECT_NE(rs.tables.front().find_chain("service-ULMVA6XW-ns1/svc1/tcp/p80"), nullptr);
  EXPECT_TRUE(rs.tables.front().linked());
}

TEST(NftProxier, ListRulesetLayout) {
  auto rs = upstream_ruleset();
  const std::string text = datapath::nft_list_ruleset(rs);
  EXPECT_EQ(text.rfind("table ip kube-proxy {\n\tcomment \"rules for kube-proxy\"\n\tset cluster-ips {\n", 0), 0u) << text;
  EXPECT_NE(text.find("\tchain filter-prerouting-pre-dnat {\n\t\ttype filter hook prerouting priority dstnat - 10; policy accept;\n"
                      "\t\tct state new jump firewall-check\n\t}\n"),
            std::string::npos);
  EXPECT_NE(text.find("\t\ttype nat hook postrouting priority srcnat; policy accept;\n"), std::string::npos);
  EXPECT_NE(text.find("\tset affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 {\n\t\ttype ipv4_addr\n\t\tsize 65535\n"
                      "\t\tflags dynamic,timeout\n\t\ttimeout 3h\n\t}\n"),
            std::string::npos);
  EXPECT_NE(text.find("\t\telements = { 172.30.0.41, 172.30.0.42,\n\t\t\t     172.30.0.43, 172.30.0.44,\n"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 5), "\t}\n}\n");
}

TEST(NftPrint, PriorityAndTimeText) {
  using datapath::NfHook;
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Prerouting, -110), "dstnat - 10");
  // nft 1.0.6 names dstnat only at prerouting: it rejects `priority dstnat` on an output chain and
  // lists one as -100 (checked against the real nft by NftOracle; nft >= 1.0.8 relaxed this).
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Output, -100), "-100");
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Output, -110), "-110");
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Input, 100), "100");
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Input, 0), "filter");
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Postrouting, 100), "srcnat");
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Forward, 100), "100");  // srcnat is no name at forward
  EXPECT_EQ(datapath::nft_priority_text(NfHook::Prerouting, -300), "raw");
  EXPECT_EQ(datapath::nft_time_text(10800), "3h");
  EXPECT_EQ(datapath::nft_time_text(90), "1m30s");
  EXPECT_EQ(datapath::nft_time_text(86400 + 1), "1d1s");
}

}  // namespace
}  // namespace packetwalk::model::kubeproxy
