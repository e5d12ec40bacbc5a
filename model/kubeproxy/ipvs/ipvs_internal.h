#pragma once
// Shared by the IPVS proxier's source files.

#include <map>
#include <string>

#include "packetwalk/model/datapath/ipset.h"
#include "packetwalk/model/datapath/netfilter.h"
#include "packetwalk/model/kubeproxy/ipvs_proxier.h"

namespace packetwalk::model::kubeproxy::ipvsdetail {

inline const std::string kLoopBackSet = "KUBE-LOOP-BACK";
inline const std::string kClusterIPSet = "KUBE-CLUSTER-IP";
inline const std::string kExternalIPSet = "KUBE-EXTERNAL-IP";
inline const std::string kExternalIPLocalSet = "KUBE-EXTERNAL-IP-LOCAL";
inline const std::string kLoadBalancerSet = "KUBE-LOAD-BALANCER";
inline const std::string kLoadBalancerFWSet = "KUBE-LOAD-BALANCER-FW";
inline const std::string kLoadBalancerLocalSet = "KUBE-LOAD-BALANCER-LOCAL";
inline const std::string kLoadBalancerSourceIPSet = "KUBE-LOAD-BALANCER-SOURCE-IP";
inline const std::string kLoadBalancerSourceCIDRSet = "KUBE-LOAD-BALANCER-SOURCE-CIDR";
inline const std::string kNodePortTCPSet = "KUBE-NODE-PORT-TCP";
inline const std::string kNodePortLocalTCPSet = "KUBE-NODE-PORT-LOCAL-TCP";
inline const std::string kNodePortUDPSet = "KUBE-NODE-PORT-UDP";
inline const std::string kNodePortLocalUDPSet = "KUBE-NODE-PORT-LOCAL-UDP";
inline const std::string kNodePortSCTPSet = "KUBE-NODE-PORT-SCTP-HASH";
inline const std::string kNodePortLocalSCTPSet = "KUBE-NODE-PORT-LOCAL-SCTP-HASH";
inline const std::string kHealthCheckNodePortSet = "KUBE-HEALTH-CHECK-NODE-PORT";
inline const std::string kIPVSSet = "KUBE-IPVS-IPS";

struct SyncContext {
  const ProxyConfig& config;
  datapath::Netfilter& nf;
  datapath::IpSets& sets;
  std::uint32_t mark = 0x4000;
};

// ipvs_iptables.cpp: the iptables side (createAndLinkKubeChain + writeIptablesRules), written
// after the ipsets are filled because some rules exist only for non-empty sets.
void write_iptables(SyncContext& ctx);

}  // namespace packetwalk::model::kubeproxy::ipvsdetail
