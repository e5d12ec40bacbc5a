// The `cluster` section of scenario files and the default cluster.
#include <algorithm>
#include <cstdint>
#include <set>

#include "packetwalk/model/kube/validate.h"
#include "packetwalk/model/load/scenario.h"
#include "scenario_parts.h"

namespace packetwalk::model::load {

int node_subnet_length(const net::Cidr& cluster_pod_cidr) {
  int prefix = cluster_pod_cidr.prefix_length();
  return prefix <= 22 ? 24 : prefix + 2;
}

std::optional<net::Cidr> node_pod_cidr(const net::Cidr& cluster_pod_cidr, std::uint32_t index) {
  int length = node_subnet_length(cluster_pod_cidr);
  if (length > 30) return std::nullopt;  // no room for the bridge, flannel.1 and a pod
  std::uint64_t count = std::uint64_t{1} << (length - cluster_pod_cidr.prefix_length());
  if (index >= count) return std::nullopt;
  auto size = static_cast<std::uint32_t>(std::uint64_t{1} << (32 - length));
  return net::Cidr(cluster_pod_cidr.nth(index * size), length);
}

std::optional<net::Ipv4Address> node_address(const net::Cidr& node_network, std::uint32_t index) {
  std::uint64_t n = 11 + std::uint64_t{index};
  if (n + 1 >= node_network.size()) return std::nullopt;  // keep the broadcast address free
  return node_network.nth(static_cast<std::uint32_t>(n));
}

void fill_node_addressing(std::vector<NodeAddressing>& nodes, const net::Cidr& node_network,
                          const net::Cidr& cluster_pod_cidr) {
  std::set<net::Ipv4Address> used_ips;
  std::vector<net::Cidr> used_cidrs;
  for (const auto& n : nodes) {
    if (n.ip) used_ips.insert(*n.ip);
    if (n.pod_cidr) used_cidrs.push_back(*n.pod_cidr);
  }
  std::uint32_t next_ip = 0;
  std::uint32_t next_cidr = 0;
  for (auto& n : nodes) {
    while (!n.ip) {
      auto candidate = node_address(node_network, next_ip++);
      if (!candidate) break;
      if (used_ips.insert(*candidate).second) n.ip = candidate;
    }
    while (!n.pod_cidr) {
      auto candidate = node_pod_cidr(cluster_pod_cidr, next_cidr);
      if (!candidate) break;
      auto taken = std::find_if(used_cidrs.begin(), used_cidrs.end(),
                                [&](const net::Cidr& c) { return c.overlaps(*candidate); });
      if (taken == used_cidrs.end()) {
        n.pod_cidr = candidate;
        used_cidrs.push_back(*candidate);
        ++next_cidr;
        continue;
      }
      // Skip every block the taken range covers at once: a node given a /8 of a /0 cluster range
      // would otherwise cost 2^16 steps per node (found by fuzzing the scenario loader).
      const std::uint64_t taken_end = std::uint64_t{taken->network().value()} + taken->size();
      const std::uint64_t block_end = std::uint64_t{candidate->network().value()} + candidate->size();
      const std::uint64_t offset = std::max(taken_end, block_end) - cluster_pod_cidr.network().value();
      const std::uint64_t next = offset / candidate->size();
      if (next > UINT32_MAX) break;
      next_cidr = static_cast<std::uint32_t>(next);
    }
  }
}

namespace {

std::vector<ClusterNode> generated_nodes(std::size_t count) {
  std::vector<ClusterNode> nodes(count);
  for (std::size_t i = 0; i < count; ++i) nodes[i].name = "node-" + std::to_string(i + 1);
  return nodes;
}

}  // namespace

ClusterSpec default_cluster_spec() {
  ClusterSpec spec;
  spec.nodes = generated_nodes(3);
  std::vector<NodeAddressing> addressing(spec.nodes.size());
  fill_node_addressing(addressing, spec.node_network, spec.pod_cidr);
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    spec.nodes[i].ip = *addressing[i].ip;
    spec.nodes[i].pod_cidr = *addressing[i].pod_cidr;
  }
  spec.external_hosts.push_back(ExternalHost{"client", spec.external_network.nth(10), {}, {}});
  return spec;
}

namespace detail {

std::optional<net::Cidr> read_cidr(ParseContext& ctx, const Field& f, std::string_view example) {
  auto text = read_string(ctx, f);
  if (!text) return std::nullopt;
  auto cidr = net::Cidr::parse(*text);
  if (!cidr) {
    ctx.error(f.pos, f.path, "must be a valid IPv4 CIDR (e.g. " + std::string(example) + "), got \"" + *text + "\"");
  } else if (cidr->has_host_bits()) {
    ctx.error(f.pos, f.path, "must be a network address without host bits (e.g. " +
                                 net::Cidr(cidr->network(), cidr->prefix_length()).to_string() + "), got \"" +
                                 *text + "\"");
    return std::nullopt;
  }
  return cidr;
}

namespace {

ClusterNode read_node_entry(ParseContext& ctx, const Field& f, NodeAddressing& addressing, std::size_t index) {
  ClusterNode node;
  node.pos = f.pos;
  MapReader m(ctx, f, {"name", "ip", "podCIDR", "labels"});
  node.name = m.string("name").value_or("node-" + std::to_string(index + 1));
  if (auto e = kube::dns1123_subdomain_error(node.name); !e.empty())
    ctx.error(m.get("name") ? m.get("name")->pos : f.pos, child_path(f.path, "name"), e + ", got \"" + node.name + "\"");
  if (auto ip = m.get("ip")) {
    auto text = read_string(ctx, *ip);
    if (text && !(addressing.ip = net::Ipv4Address::parse(*text)))
      ctx.error(ip->pos, ip->path, "must be a valid IPv4 address (e.g. 192.168.0.11), got \"" + *text + "\"");
  }
  if (auto cidr = m.get("podCIDR")) addressing.pod_cidr = read_cidr(ctx, *cidr, "10.244.0.0/24");
  if (auto labels = m.get("labels")) node.labels = read_string_map(ctx, *labels);
  return node;
}

// Checks the explicit values of spec.nodes (which must fit the cluster's ranges and not collide),
// then fills in the missing ones. `f` is the `nodes` field (or the `cluster` section).
void finish_nodes(ParseContext& ctx, const Field& f, ClusterSpec& spec, std::vector<NodeAddressing>& addressing) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    const auto& at = spec.nodes[i].pos.line > 0 ? spec.nodes[i].pos : f.pos;
    std::string path = item_path(f.path, i);
    if (!names.insert(spec.nodes[i].name).second)
      ctx.error(at, path + ".name", "duplicate node name \"" + spec.nodes[i].name + "\"");
    if (const auto& c = addressing[i].pod_cidr; c && !spec.pod_cidr.contains(*c))
      ctx.error(at, path + ".podCIDR", "must lie inside the cluster podCIDR " + spec.pod_cidr.to_string() +
                                           ", got \"" + c->to_string() + "\"");
    for (std::size_t j = 0; j < i; ++j) {
      if (addressing[i].ip && addressing[j].ip && *addressing[i].ip == *addressing[j].ip)
        ctx.error(at, path + ".ip", "address " + addressing[i].ip->to_string() + " is also used by node \"" +
                                        spec.nodes[j].name + "\"");
      if (addressing[i].pod_cidr && addressing[j].pod_cidr && addressing[i].pod_cidr->overlaps(*addressing[j].pod_cidr))
        ctx.error(at, path + ".podCIDR", "overlaps the podCIDR of node \"" + spec.nodes[j].name + "\"");
    }
  }
  fill_node_addressing(addressing, spec.node_network, spec.pod_cidr);
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    if (!addressing[i].ip || !addressing[i].pod_cidr) {
      ctx.error(f.pos, f.path, "too many nodes for nodeNetwork " + spec.node_network.to_string() + " and podCIDR " +
                                   spec.pod_cidr.to_string() + " (no address or pod subnet left for node \"" +
                                   spec.nodes[i].name + "\")");
      spec.nodes.resize(i);
      break;
    }
    spec.nodes[i].ip = *addressing[i].ip;
    spec.nodes[i].pod_cidr = *addressing[i].pod_cidr;
  }
}

// `nodes: 3` or `nodes: [{name, ip, podCIDR, labels}, ...]`.
void read_nodes(ParseContext& ctx, const Field& f, ClusterSpec& spec) {
  std::vector<NodeAddressing> addressing;
  if (f.node.IsScalar()) {
    auto count = read_int(ctx, f);
    if (!count) return;
    if (*count < 1 || *count > 1000) {
      ctx.error(f.pos, f.path, "must be between 1 and 1000, got " + std::to_string(*count));
      return;
    }
    spec.nodes = generated_nodes(static_cast<std::size_t>(*count));
    addressing.resize(spec.nodes.size());
  } else {
    spec.nodes.clear();
    read_list(ctx, f, [&](const Field& item) {
      addressing.emplace_back();
      spec.nodes.push_back(read_node_entry(ctx, item, addressing.back(), spec.nodes.size()));
    });
    if (spec.nodes.empty()) {
      ctx.error(f.pos, f.path, "must list at least one node");
      return;
    }
  }
  finish_nodes(ctx, f, spec, addressing);
}

}  // namespace

void parse_cluster(ParseContext& ctx, const Field& f, ClusterSpec& spec) {
  spec.pos = f.pos;
  MapReader m(ctx, f, {"nodes", "nodeNetwork", "podCIDR", "serviceCIDR", "clusterDomain", "cni", "proxyMode", "seed",
                       "mtu", "external", "loadBalancerPool", "dns"});
  if (auto v = m.get("external")) parse_external(ctx, *v, spec);
  if (auto v = m.get("loadBalancerPool")) {
    spec.load_balancer_pool = read_cidr(ctx, *v, "198.51.100.0/24").value_or(spec.load_balancer_pool);
  }
  auto read_range = [&](std::string_view key, bool& set, net::Cidr& value, std::string_view example) {
    if (auto v = m.get(key)) {
      set = true;
      value = read_cidr(ctx, *v, example).value_or(value);
    }
  };
  read_range("nodeNetwork", spec.set.node_network, spec.node_network, "192.168.0.0/24");
  read_range("podCIDR", spec.set.pod_cidr, spec.pod_cidr, "10.244.0.0/16");
  read_range("serviceCIDR", spec.set.service_cidr, spec.service_cidr, "10.96.0.0/12");
  auto overlap = [&](std::string_view key, const net::Cidr& a, std::string_view other, const net::Cidr& b) {
    if (!a.overlaps(b)) return;
    auto at = m.get(key);
    ctx.error(at ? at->pos : f.pos, child_path(f.path, key),
              a.to_string() + " overlaps " + std::string(other) + " " + b.to_string());
  };
  overlap("podCIDR", spec.pod_cidr, "serviceCIDR", spec.service_cidr);
  overlap("nodeNetwork", spec.node_network, "podCIDR", spec.pod_cidr);
  overlap("nodeNetwork", spec.node_network, "serviceCIDR", spec.service_cidr);
  if (node_subnet_length(spec.pod_cidr) > 30) {
    auto at = m.get("podCIDR");
    ctx.error(at ? at->pos : f.pos, child_path(f.path, "podCIDR"), "is too small to give each node a pod subnet");
  }
  if (auto v = m.get("clusterDomain")) {
    spec.set.cluster_domain = true;
    if (auto text = read_string(ctx, *v)) {
      if (auto e = kube::dns1123_subdomain_error(*text); !e.empty())
        ctx.error(v->pos, v->path, e + ", got \"" + *text + "\"");
      else spec.cluster_domain = *text;
    }
  }
  if (auto v = m.get("cni")) {
    spec.set.cni = true;
    spec.cni = read_enum(ctx, *v, {"calico", "cilium", "flannel"}).value_or(spec.cni);
  }
  if (auto v = m.get("proxyMode")) {
    spec.set.proxy_mode = true;
    spec.proxy_mode = read_enum(ctx, *v, {"iptables", "ipvs", "nftables"}).value_or(spec.proxy_mode);
  }
  if (auto v = m.get("seed")) {
    spec.set.seed = true;
    if (auto seed = read_int(ctx, *v)) {
      if (*seed < 0) ctx.error(v->pos, v->path, "must not be negative, got " + std::to_string(*seed));
      else spec.seed = static_cast<std::uint32_t>(*seed);
    }
  }
  if (auto v = m.get("mtu")) {
    spec.set.mtu = true;
    if (auto mtu = read_int(ctx, *v)) {
      if (*mtu < 576 || *mtu > 65535) ctx.error(v->pos, v->path, "must be between 576 and 65535, got " + std::to_string(*mtu));
      else spec.mtu = *mtu;
    }
  }
  if (auto v = m.get("dns")) parse_dns(ctx, *v, spec);
  if (auto v = m.get("nodes")) {
    spec.set.nodes = true;
    read_nodes(ctx, *v, spec);
  } else {
    // The default nodes, addressed from the ranges the scenario chose.
    spec.nodes = generated_nodes(3);
    std::vector<NodeAddressing> addressing(spec.nodes.size());
    finish_nodes(ctx, f, spec, addressing);
  }
}

}  // namespace detail

}  // namespace packetwalk::model::load
