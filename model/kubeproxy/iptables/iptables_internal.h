#pragma once
// Shared by the iptables proxier's source files: a rule builder that takes kube-proxy's
// arguments in the order kube-proxy writes them, and the per-service-port plan (which chains
// exist, which filter verdicts apply) that syncProxyRules computes before writing anything.

#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"

namespace packetwalk::model::kubeproxy::detail {

inline const std::string kServicesChain = "KUBE-SERVICES";
inline const std::string kExternalServicesChain = "KUBE-EXTERNAL-SERVICES";
inline const std::string kNodePortsChain = "KUBE-NODEPORTS";
inline const std::string kPostroutingChain = "KUBE-POSTROUTING";
inline const std::string kMarkMasqChain = "KUBE-MARK-MASQ";
inline const std::string kForwardChain = "KUBE-FORWARD";
inline const std::string kProxyFirewallChain = "KUBE-PROXY-FIREWALL";
inline const std::string kProxyCanaryChain = "KUBE-PROXY-CANARY";
inline const std::string kKubeletFirewallChain = "KUBE-FIREWALL";

// Builds one Rule from kube-proxy's argument list. ip-level options (-s -d -p) go to their fields
// wherever they appear (iptables does the same); "-m" modules keep their order, which is the
// order iptables-save prints them in.
class RuleBuilder {
public:
  RuleBuilder& comment(std::string text) { return module(datapath::CommentMatch{std::move(text)}); }
  // "-m proto -p proto": the protocol field, and the port module at this position.
  RuleBuilder& proto(net::Protocol p) {
    rule_.protocol = datapath::Negatable<net::Protocol>{p, false};
    datapath::PortMatch m;
    m.protocol = p;
    return module(m);
  }
  // "--dport N" of the last "-m proto".
  RuleBuilder& dport(int port);
  RuleBuilder& dst(net::Cidr c, bool negate = false) {
    rule_.destination = datapath::Negatable<net::Cidr>{c, negate};
    return *this;
  }
  RuleBuilder& dst(net::Ipv4Address a) { return dst(net::Cidr::host(a)); }
  RuleBuilder& src(net::Cidr c, bool negate = false) {
    rule_.source = datapath::Negatable<net::Cidr>{c, negate};
    return *this;
  }
  RuleBuilder& src(net::Ipv4Address a) { return src(net::Cidr::host(a)); }
  RuleBuilder& module(datapath::MatchModule m) {
    rule_.modules.push_back(std::move(m));
    return *this;
  }
  datapath::Rule jump(const std::string& chain) { return target(datapath::JumpTarget{chain, false}); }
  datapath::Rule target(datapath::Target t) {
    rule_.target = std::move(t);
    return std::move(rule_);
  }
  datapath::Rule no_target() { return std::move(rule_); }

private:
  datapath::Rule rule_;
};

// Everything one sync needs besides the Service being written.
struct SyncContext {
  const ProxyConfig& config;
  const ProxyNode& node;
  datapath::Netfilter& nf;
  std::uint32_t mark = 0;            // 1 << masquerade_bit
  bool large_cluster = false;        // per-endpoint comments omitted
  bool localhost_nodeports = true;   // effective (nodePortAddresses may turn it off)
  std::set<std::string> active_nat_chains = {};  // per-service chains declared by this sync
};

// KUBE-SVC-, KUBE-SVL-, KUBE-EXT-, KUBE-FW-, KUBE-SEP-: the chains kube-proxy deletes when unused.
bool is_service_chain(const std::string& name);

// What syncProxyRules decides for one service port before writing rules.
struct PortPlan {
  const kube::ServiceInfo* service = nullptr;
  const kube::ServicePortInfo* port = nullptr;
  std::string spn;  // ServicePortName string: "ns/name[:port]"
  net::Protocol protocol = net::Protocol::Tcp;
  net::Ipv4Address cluster_ip;

  std::string cluster_chain, local_chain, external_chain, firewall_chain;  // SVC, SVL, EXT, FW
  EndpointCategories endpoints;

  bool uses_cluster_chain = false;
  bool uses_local_chain = false;
  bool has_internal_endpoints = false;
  bool has_external_endpoints = false;
  bool uses_external_chain = false;
  bool uses_firewall_chain = false;
  std::string internal_chain;         // SVC or SVL
  std::string external_policy_chain;  // SVC or SVL
  std::string internal_filter_target, internal_filter_comment;  // "REJECT"/"DROP", when no internal endpoints
  std::string external_filter_target, external_filter_comment;  // when no external endpoints
};

PortPlan plan_port(const kube::ServiceInfo& service, const kube::ServicePortInfo& port, const SyncContext& ctx);

// Chain `name` in `table`, emptied (what a ":NAME - [0:0]" line in iptables-restore does).
datapath::Chain& declare_chain(datapath::Table& table, const std::string& name);

// fixed_chains.cpp
void write_jump_rules(SyncContext& ctx);
void write_fixed_chains(SyncContext& ctx);
void write_nodeports_tail(SyncContext& ctx);

// service_chains.cpp: nat rules of one service port.
void write_service_nat(SyncContext& ctx, const PortPlan& plan);

// filter_rules.cpp: filter rules of one service port.
void write_service_filter(SyncContext& ctx, const PortPlan& plan);

}  // namespace packetwalk::model::kubeproxy::detail
