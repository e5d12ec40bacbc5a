#pragma once
// /etc/resolv.conf as the kubelet writes it for a pod (pkg/kubelet/network/dns/dns.go), and as
// glibc reads it.
//
//   dnsPolicy                      nameservers              search                                  options
//   ClusterFirst (default)         --cluster-dns            <ns>.svc.<d> svc.<d> <d> + node's       ndots:5
//   ClusterFirst + hostNetwork     as Default
//   ClusterFirstWithHostNet        as ClusterFirst, hostNetwork or not
//   Default                        the node's               the node's                              the node's
//   None                           dnsConfig only           dnsConfig only                          dnsConfig only
//   (ClusterFirst without --cluster-dns falls back to Default, with a MissingClusterDNS event.)
// spec.dnsConfig is then merged: nameservers and searches appended without duplicates, options
// merged by name (the pod's value wins). Limits: 3 nameservers, 32 search domains / 2048 characters;
// the excess is dropped with a DNSConfigForming event. The kubelet merges options through a Go map,
// so their order varies run to run; packetwalk sorts them by name.

#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/kube/inventory.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::dns {

struct ResolvConf {
  std::vector<std::string> nameservers;  // as written
  std::vector<std::string> search;
  std::vector<std::string> options;      // "ndots:5", "timeout:1", "single-request"
  std::string policy;                    // "ClusterFirst", ..., "node" for a node's own file
  std::vector<std::string> notes;        // kubelet's events and fallbacks, for the reader

  // glibc's reading of `options` (resolv.conf(5) defaults and upper limits applied).
  int ndots = 1;      // max 15
  int timeout = 5;    // seconds per try, max 30
  int attempts = 2;   // tries per nameserver, max 5
  bool rotate = false;
  bool single_request = false;
  bool use_vc = false;
  bool no_tld_query = false;
  bool edns0 = false;

  // The addresses glibc queries, in order: the first 3 IPv4 nameservers (MAXNS); none written:
  // 127.0.0.1, glibc's built-in default.
  std::vector<net::Ipv4Address> servers() const;
  // The file as containerd writes it: search, nameserver lines, options.
  std::string text() const;
};

// Re-reads `options` into the glibc fields.
void apply_options(ResolvConf& conf);

// What the kubelets of the cluster are configured with, and the nodes' own resolver.
struct ResolverEnvironment {
  std::optional<net::Ipv4Address> cluster_dns;  // --cluster-dns; nullopt: not set
  std::string cluster_domain = "cluster.local";
  ResolvConf node;  // the nodes' /etc/resolv.conf (kubelet --resolv-conf)
};

// The environment for `spec`: --cluster-dns from cluster.dns (default: the 10th address of the
// service CIDR, as kubeadm sets it), the node resolver from cluster.dns.upstream (default: the router
// at the node network's first address).
ResolverEnvironment resolver_environment(const load::ClusterSpec& spec);

// The pod's /etc/resolv.conf.
ResolvConf pod_resolv_conf(const kube::PodInfo& pod, const ResolverEnvironment& env);

}  // namespace packetwalk::model::dns
