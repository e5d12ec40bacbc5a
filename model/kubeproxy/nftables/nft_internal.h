#pragma once
// Shared by the nftables proxier's source files: a rule builder that reads like the rule text
// kube-proxy writes, and the per-service-port plan.

#include <string>
#include <utility>
#include <vector>

#include "packetwalk/model/datapath/nft.h"
#include "packetwalk/model/kubeproxy/nftables_proxier.h"

namespace packetwalk::model::kubeproxy::nftdetail {

using datapath::NftRule;
using datapath::NftVerdict;

inline const std::string kServicesChain = "services";
inline const std::string kMarkMasqChain = "mark-for-masquerade";
inline const std::string kMasqueradingChain = "masquerading";
inline const std::string kFirewallCheckChain = "firewall-check";
inline const std::string kServiceEndpointsCheckChain = "service-endpoints-check";
inline const std::string kNodePortEndpointsCheckChain = "nodeport-endpoints-check";
inline const std::string kClusterIPsCheckChain = "cluster-ips-check";
inline const std::string kRejectChain = "reject-chain";
inline const std::string kClusterIPsSet = "cluster-ips";
inline const std::string kNodePortIPsSet = "nodeport-ips";
inline const std::string kServiceIPsMap = "service-ips";
inline const std::string kServiceNodePortsMap = "service-nodeports";
inline const std::string kFirewallIPsMap = "firewall-ips";
inline const std::string kNoEndpointServicesMap = "no-endpoint-services";
inline const std::string kNoEndpointNodePortsMap = "no-endpoint-nodeports";

NftVerdict jump_to(const std::string& chain);
NftVerdict goto_chain(const std::string& chain);
NftVerdict verdict(NftVerdict::Kind k);

class Rule {
public:
  Rule& daddr(net::Cidr c, bool negate = false) { return add(datapath::NftAddrMatch{false, negate, {c}}); }
  Rule& saddr(net::Cidr c, bool negate = false) { return add(datapath::NftAddrMatch{true, negate, {c}}); }
  Rule& saddr_in(std::vector<net::Cidr> cs, bool negate) { return add(datapath::NftAddrMatch{true, negate, std::move(cs)}); }
  Rule& daddr_in(std::vector<net::Cidr> cs) { return add(datapath::NftAddrMatch{false, false, std::move(cs)}); }
  Rule& in_set(bool source, const std::string& set) { return add(datapath::NftSetMatch{source, false, set}); }
  Rule& l4proto(net::Protocol p) { return add(datapath::NftProtoMatch{p}); }
  Rule& dport(net::Protocol p, int port) { return add(datapath::NftPortMatch{p, static_cast<net::Port>(port)}); }
  Rule& ct_new() { return add(datapath::NftCtStateMatch{datapath::kCtNew}); }
  Rule& fib_local(bool source) { return add(datapath::NftFibLocalMatch{source}); }
  Rule& mark_clear(std::uint32_t mask) { return add(datapath::NftMarkMatch{mask, 0, false}); }
  Rule& vmap(std::vector<datapath::NftField> key, const std::string& map) {
    return add(datapath::NftVmapLookup{std::move(key), map});
  }
  Rule& comment(std::string text) {
    rule_.comment = std::move(text);
    return *this;
  }
  Rule& add(datapath::NftExpr e) {
    rule_.exprs.push_back(std::move(e));
    return *this;
  }
  NftRule then(NftVerdict v) { return add(std::move(v)).done(); }
  NftRule done() { return std::move(rule_); }

private:
  NftRule rule_;
};

// Which chains one service port uses and what the no-endpoint maps say (syncProxyRules' preamble).
struct PortPlan {
  const kube::ServiceInfo* service = nullptr;
  const kube::ServicePortInfo* port = nullptr;
  std::string spn;  // "ns/name[:port]" (element comments)
  net::Protocol protocol = net::Protocol::Tcp;
  std::string cluster_chain, local_chain, external_chain, firewall_chain;
  EndpointCategories endpoints;
  bool uses_cluster_chain = false, uses_local_chain = false, uses_external_chain = false, uses_firewall_chain = false;
  bool has_internal_endpoints = false, has_external_endpoints = false;
  std::string internal_chain, external_policy_chain;
  NftVerdict internal_filter, external_filter;  // goto reject-chain / drop, when the matching has_* is false
};

struct SyncContext {
  const ProxyConfig& config;
  const ProxyNode& node;
  datapath::NftTable& table;
  std::uint32_t mark = 0x4000;
  bool match_all_nodeport_addresses = true;
};

PortPlan plan_port(const kube::ServiceInfo& service, const kube::ServicePortInfo& port, const SyncContext& ctx);
std::string endpoint_base(const PortPlan& plan, const kube::EndpointInfo& e);

// nft_setup.cpp
void write_setup(SyncContext& ctx, const std::vector<net::Cidr>& service_cidrs);
// nft_services.cpp
void write_service_port(SyncContext& ctx, const PortPlan& plan);

}  // namespace packetwalk::model::kubeproxy::nftdetail
