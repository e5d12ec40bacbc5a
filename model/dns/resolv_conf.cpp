// The kubelet's pod resolv.conf (GetPodDNS, appendDNSConfig, formDNSConfigFitsLimits) and glibc's
// reading of its options (res_init.c).
#include "packetwalk/model/dns/resolv_conf.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace packetwalk::model::dns {

namespace {

constexpr std::size_t kMaxNameservers = 3;        // kubelet validation.MaxDNSNameservers; glibc MAXNS
constexpr std::size_t kMaxSearchPaths = 32;       // MaxDNSSearchPathsExpanded
constexpr std::size_t kMaxSearchListChars = 2048;  // MaxDNSSearchListCharsExpanded

std::vector<std::string> omit_duplicates(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in)
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
}

std::string trim_dot(std::string s) {
  if (s.size() > 1 && s.back() == '.') s.pop_back();
  return s;
}

std::pair<std::string, std::string> split_option(const std::string& o) {
  auto colon = o.find(':');
  if (colon == std::string::npos) return {o, ""};
  return {o.substr(0, colon), o.substr(colon + 1)};
}

// mergeDNSOptions, sorted by name for determinism (the kubelet's Go map has no order).
std::vector<std::string> merge_options(const std::vector<std::string>& existing, const std::vector<kube::PodDnsConfigOption>& pod) {
  std::map<std::string, std::string> merged;
  for (const auto& o : existing) {
    auto [name, value] = split_option(o);
    merged[name] = value;
  }
  for (const auto& o : pod) merged[o.name] = o.value.value_or("");
  std::vector<std::string> out;
  for (const auto& [name, value] : merged) out.push_back(value.empty() ? name : name + ":" + value);
  return out;
}

void fit_limits(ResolvConf& c) {
  if (c.nameservers.size() > kMaxNameservers) {
    c.notes.push_back("DNSConfigForming: nameserver limits were exceeded, some nameservers have been omitted");
    c.nameservers.resize(kMaxNameservers);
  }
  if (c.search.size() > kMaxSearchPaths) {
    c.notes.push_back("DNSConfigForming: search line limits were exceeded, some search paths have been omitted");
    c.search.resize(kMaxSearchPaths);
  }
  std::size_t chars = 0;
  for (std::size_t i = 0; i < c.search.size(); ++i) {
    chars += c.search[i].size() + (i ? 1 : 0);
    if (chars > kMaxSearchListChars) {
      c.notes.push_back("DNSConfigForming: search line limits were exceeded, some search paths have been omitted");
      c.search.resize(i);
      break;
    }
  }
}

}  // namespace

std::vector<net::Ipv4Address> ResolvConf::servers() const {
  std::vector<net::Ipv4Address> out;
  for (const auto& s : nameservers) {
    if (out.size() == kMaxNameservers) break;
    if (auto ip = net::Ipv4Address::parse(s)) out.push_back(*ip);
  }
  // glibc counts only the nameserver lines whose address parses; with none left it falls back to
  // its built-in default, the loopback address, exactly as for a file with no nameserver line.
  if (out.empty()) out.push_back(net::Ipv4Address::from_octets(127, 0, 0, 1));
  return out;
}

std::string ResolvConf::text() const {
  std::string out;
  if (!search.empty()) {
    out += "search";
    for (const auto& s : search) out += " " + s;
    out += "\n";
  }
  for (const auto& n : nameservers) out += "nameserver " + n + "\n";
  if (!options.empty()) {
    out += "options";
    for (const auto& o : options) out += " " + o;
    out += "\n";
  }
  return out;
}

void apply_options(ResolvConf& c) {
  c.ndots = 1;
  c.timeout = 5;
  c.attempts = 2;
  c.rotate = c.single_request = c.use_vc = c.no_tld_query = c.edns0 = false;
  auto number = [](const std::string& v, int max) -> std::optional<int> {
    int n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
    return std::min(n, max);
  };
  for (const auto& o : c.options) {
    auto [name, value] = split_option(o);
    if (name == "ndots") c.ndots = number(value, 15).value_or(c.ndots);
    else if (name == "timeout") c.timeout = std::max(1, number(value, 30).value_or(c.timeout));
    else if (name == "attempts") c.attempts = std::max(1, number(value, 5).value_or(c.attempts));
    else if (name == "rotate") c.rotate = true;
    else if (name == "single-request" || name == "single-request-reopen") c.single_request = true;
    else if (name == "use-vc") c.use_vc = true;
    else if (name == "no-tld-query") c.no_tld_query = true;
    else if (name == "edns0") c.edns0 = true;
  }
}

ResolverEnvironment resolver_environment(const load::ClusterSpec& spec) {
  ResolverEnvironment env;
  env.cluster_domain = spec.cluster_domain;
  if (!spec.dns.cluster_dns_none) env.cluster_dns = spec.dns.cluster_dns.value_or(spec.service_cidr.nth(10));
  ResolvConf& node = env.node;
  node.policy = "node";
  if (spec.dns.node_nameservers.empty()) node.nameservers.push_back(spec.node_network.nth(1).to_string());
  for (auto ip : spec.dns.node_nameservers) node.nameservers.push_back(ip.to_string());
  for (const auto& s : spec.dns.node_search) node.search.push_back(trim_dot(s));
  node.options = spec.dns.node_options;
  apply_options(node);
  return env;
}

ResolvConf pod_resolv_conf(const kube::PodInfo& pod, const ResolverEnvironment& env) {
  ResolvConf c;
  std::string policy = pod.dns_policy.empty() ? "ClusterFirst" : pod.dns_policy;
  c.policy = policy;
  enum class Kind { Cluster, Host, None } kind = Kind::Cluster;
  if (policy == "None") kind = Kind::None;
  else if (policy == "Default") kind = Kind::Host;
  else if (policy == "ClusterFirst" && pod.host_network) {
    kind = Kind::Host;
    c.notes.push_back("dnsPolicy ClusterFirst on a hostNetwork pod behaves as Default (the node's resolv.conf)");
  }
  if (kind == Kind::Cluster && !env.cluster_dns) {
    kind = Kind::Host;
    c.notes.push_back("MissingClusterDNS: kubelet does not have ClusterDNS IP configured; falling back to \"Default\"");
  }
  switch (kind) {
    case Kind::None: break;
    case Kind::Host:
      c.nameservers = env.node.nameservers;
      c.search = env.node.search;
      c.options = env.node.options;
      break;
    case Kind::Cluster: {
      c.nameservers = {env.cluster_dns->to_string()};
      const std::string& d = env.cluster_domain;
      std::vector<std::string> search = {pod.namespace_ + ".svc." + d, "svc." + d, d};
      search.insert(search.end(), env.node.search.begin(), env.node.search.end());
      c.search = omit_duplicates(search);
      c.options = {"ndots:5"};
      break;
    }
  }
  const auto& cfg = pod.dns_config;
  if (!cfg.nameservers.empty() || !cfg.searches.empty() || !cfg.options.empty() || kind == Kind::None) {
    std::vector<std::string> ns = c.nameservers;
    ns.insert(ns.end(), cfg.nameservers.begin(), cfg.nameservers.end());
    c.nameservers = omit_duplicates(ns);
    std::vector<std::string> search = c.search;
    for (const auto& s : cfg.searches) search.push_back(trim_dot(s));
    c.search = omit_duplicates(search);
    c.options = merge_options(c.options, cfg.options);
  }
  fit_limits(c);
  apply_options(c);
  return c;
}

}  // namespace packetwalk::model::dns
