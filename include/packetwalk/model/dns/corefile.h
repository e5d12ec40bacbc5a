#pragma once
// The CoreDNS configuration (Corefile) as far as it decides answers: server blocks with their zones
// and the plugins that answer — kubernetes, hosts, rewrite name, forward — plus cache (its TTL cap).
//
// Plugins run in CoreDNS's compiled order (plugin.cfg), whatever order the Corefile lists them in:
// cache, rewrite, hosts, kubernetes, forward. Plugins that do not change answers (errors, health,
// ready, prometheus, loop, reload, log, loadbalance, bind, ...) are accepted silently; known plugins
// packetwalk does not model (autopath, template, file, etcd, ...) and unknown ones are warnings
// naming the Corefile line. Syntax errors (unbalanced braces, a block without zones) are errors:
// CoreDNS would refuse to start.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"
#include "packetwalk/model/net/ip.h"

namespace packetwalk::model::dns {

enum class PodsMode { Disabled, Insecure, Verified };
std::string_view pods_mode_name(PodsMode m);  // "disabled"

// `fallthrough [ZONES...]`: nullopt = absent; an empty list = every zone.
using Fallthrough = std::optional<std::vector<std::string>>;
bool falls_through(const Fallthrough& f, std::string_view qname);

struct KubernetesConfig {
  std::vector<std::string> zones;  // canonical ("cluster.local.", "in-addr.arpa.")
  PodsMode pods = PodsMode::Disabled;  // the plugin's default
  std::uint32_t ttl = 5;               // the plugin's default; kubeadm writes `ttl 30`
  Fallthrough fallthrough;
  std::vector<std::string> namespaces;  // `namespaces`: only these are exposed (empty: all)
  bool endpoint_pod_names = false;      // endpoint names from the pod name instead of the dashed IP
  bool ignore_empty_service = false;    // NXDOMAIN for ClusterIP Services without ready endpoints
  int line = 0;                         // Corefile line of the directive
};

struct ForwardConfig {
  std::string from;                // canonical zone ("." = everything)
  std::vector<std::string> except;  // canonical zones not forwarded
  bool resolv_conf = false;        // TO names a resolv.conf: the CoreDNS pod's (dnsPolicy Default: the node's)
  std::vector<net::Ipv4Address> to;  // explicit upstream addresses, in order
  int line = 0;
};

struct HostsEntry {
  net::Ipv4Address address;
  std::vector<std::string> names;  // canonical
};

struct HostsConfig {
  std::vector<std::string> zones;  // canonical; empty: the server block's zones
  std::vector<HostsEntry> entries;  // inline entries (and localhost for the hosts file)
  std::uint32_t ttl = 3600;
  bool no_reverse = false;
  Fallthrough fallthrough;
  int line = 0;
};

enum class RewriteMatch { Exact, Prefix, Suffix, Substring, Regex };

struct RewriteRule {
  bool stop = true;  // `continue` applies the next rule too
  RewriteMatch match = RewriteMatch::Exact;
  std::string from, to;  // exact/suffix/prefix compare canonical absolute names; regex is RE2 (Go regexp syntax)
  // How the answer's owner names are rewritten back to what was asked: `answer auto` (every
  // non-regex match), or `answer name FROM TO` (regex). Without it the question is restored but
  // the answers keep the rewritten names, as CoreDNS does.
  bool answer_auto = false;
  std::optional<std::pair<std::string, std::string>> answer_name;
  int line = 0;
};

struct CacheConfig {
  std::uint32_t success_ttl = 3600;  // caps positive answers' TTLs
  std::uint32_t denial_ttl = 1800;   // caps negative answers' TTLs
  std::vector<std::string> zones;    // empty: the server block's zones
  std::vector<std::string> disable_success;  // zones whose positive answers are not cached
  std::vector<std::string> disable_denial;
  int line = 0;
};

struct ServerBlock {
  std::vector<std::string> zones;  // canonical ("." for the root)
  int port = 53;
  std::optional<KubernetesConfig> kubernetes;
  std::optional<ForwardConfig> forward;
  std::optional<HostsConfig> hosts;
  std::vector<RewriteRule> rewrites;
  std::optional<CacheConfig> cache;
  std::vector<std::string> plugins;  // every directive, in Corefile order (for display)
  int line = 0;
};

struct Corefile {
  std::vector<ServerBlock> blocks;
  std::string origin;  // "ConfigMap kube-system/coredns" or "kubeadm's default Corefile"

  // The block serving `qname` on `port`: the one whose zone is the longest suffix of qname.
  const ServerBlock* block_for(std::string_view qname, int port = 53) const;
};

// Where the Corefile text came from, for diagnostics: its line k is `first_line + k - 1` of `file`.
struct CorefileSource {
  std::string file;
  int first_line = 0;  // 0: positions unknown (the default Corefile)
  std::string object;  // "ConfigMap kube-system/coredns"
};

Corefile parse_corefile(std::string_view text, const CorefileSource& source, load::Diagnostics& diags);

// kubeadm's Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go) for `cluster_domain`.
std::string kubeadm_corefile(std::string_view cluster_domain);

}  // namespace packetwalk::model::dns
