// Target "cidr": IPv4 addresses and prefixes as users write them (podCIDR, ipBlock.cidr, clusterIP,
// `reach --port`), and the per-node subnet and address arithmetic the scenario loader does on them.
// Input: up to three lines — a CIDR or address, a second CIDR, a reach port.
#include <vector>

#include "fuzz_bodies.h"
#include "packetwalk/model/load/scenario.h"
#include "packetwalk/model/net/ip.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::fuzz {

namespace {

using model::net::Cidr;
using model::net::Ipv4Address;

// The promises of ip.h about one parsed prefix.
void check_cidr(const Cidr& c, const std::string& text) {
  check(c.prefix_length() >= 0 && c.prefix_length() <= 32, "prefix length out of range: " + text);
  check(Cidr::parse(c.to_string()) == c, "Cidr to_string does not parse back: " + text + " -> " + c.to_string());
  check(c.contains(c.address()) && c.contains(c.network()) && c.contains(c.broadcast()),
        "a prefix does not contain its own addresses: " + text);
  check(c.network() <= c.broadcast(), "network above broadcast: " + text);
  check(c.size() == std::uint64_t{c.broadcast().value()} - c.network().value() + 1, "size disagrees with the range: " + text);
  check(Cidr(c.network(), c.prefix_length()).contains(c), "the masked prefix does not contain the prefix: " + text);
}

}  // namespace

void fuzz_cidr(Bytes data) {
  const auto lines = split_lines(as_text(data), 3);
  std::vector<Cidr> cidrs;
  for (std::size_t i = 0; i < lines.size() && i < 2; ++i) {
    const auto& text = lines[i];
    if (auto a = Ipv4Address::parse(text)) {
      check(a->to_string() == text, "an accepted address does not print as written: \"" + text + "\" -> " + a->to_string());
      check(Cidr::host(*a).contains(*a), "a /32 does not contain its address");
    }
    if (auto c = Cidr::parse(text)) {
      check_cidr(*c, text);
      cidrs.push_back(*c);
    }
  }
  if (cidrs.size() == 2) {
    const auto& a = cidrs[0];
    const auto& b = cidrs[1];
    check(a.overlaps(b) == b.overlaps(a), "overlaps is not symmetric: " + a.to_string() + " " + b.to_string());
    if (a.contains(b)) check(a.overlaps(b), "contains without overlapping: " + a.to_string() + " " + b.to_string());
  }
  if (!cidrs.empty()) {
    // Flannel's per-node subnets and the default node addresses, as load_scenario derives them.
    const Cidr& pod = cidrs[0];
    const Cidr& nodes = cidrs.size() > 1 ? cidrs[1] : cidrs[0];
    const int sub = model::load::node_subnet_length(pod);
    for (std::uint32_t index : {0u, 1u, 2u, 255u, 65535u, 0xffffffffu}) {
      if (auto c = model::load::node_pod_cidr(pod, index)) {
        check(c->prefix_length() == sub, "node_pod_cidr's length differs from node_subnet_length");
        check(pod.contains(*c), "a node's pod subnet outside the cluster CIDR: " + c->to_string());
        check(!c->has_host_bits(), "a node's pod subnet with host bits: " + c->to_string());
      }
      if (auto ip = model::load::node_address(nodes, index)) {
        check(nodes.contains(*ip) && *ip != nodes.broadcast(), "a node address outside its network: " + ip->to_string());
      }
    }
    std::vector<model::load::NodeAddressing> addressing(4);
    // A node with its own podCIDR the others must avoid. fill_node_addressing steps through the
    // candidate subnets one by one, so a huge overlap (0.0.0.0/0 against /24 subnets: 2^24 steps,
    // half a second) is slow but correct; /8 and longer keep the fuzzer fast.
    if (cidrs.back().prefix_length() >= 8) addressing[1].pod_cidr = cidrs.back();
    model::load::fill_node_addressing(addressing, nodes, pod);
    for (std::size_t i = 0; i < addressing.size(); ++i)
      for (std::size_t j = i + 1; j < addressing.size(); ++j) {
        if (addressing[i].ip && addressing[j].ip) check(*addressing[i].ip != *addressing[j].ip, "two nodes got one address");
        if (addressing[i].pod_cidr && addressing[j].pod_cidr)
          check(!addressing[i].pod_cidr->overlaps(*addressing[j].pod_cidr), "two nodes got overlapping pod subnets");
      }
  }
  if (lines.size() > 2) {
    std::string error;
    auto port = model::query::parse_reach_port(lines[2], error);
    check(port || !error.empty(), "parse_reach_port failed without an error message");
    if (port) {
      auto again = model::query::parse_reach_port(port->to_string(), error);
      check(again && *again == *port, "a reach port does not parse back: " + port->to_string());
    }
  }
}

}  // namespace packetwalk::fuzz
