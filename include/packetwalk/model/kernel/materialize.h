#pragma once
// Renders a built cluster's datapath as a POSIX sh script that recreates it in real Linux network
// namespaces, so the kernel can be asked the same questions as the model (`packetwalk verify`).
// Nothing here runs anything: it only writes text, deterministically (same cluster and prefix,
// same bytes).
//
// What the script builds, one namespace per model namespace plus one "switch":
//   PREFIX-sw      a bridge per L2 segment of the model (node network, external network); every
//                  model Ethernet device plugged into a segment becomes a veth whose far end is a
//                  port of that bridge
//   PREFIX-<node>  a node's root namespace (PREFIX-nN when the node name is not usable as is)
//   PREFIX-pN      the N-th pod namespace (topology order); hostNetwork pods live in their node's
//   PREFIX-xN      the N-th namespace outside the cluster (the router, external hosts)
// Inside them: the model's interfaces with the model's names, MACs, MTUs, bridge masters and
// hairpin flags; VXLAN devices with the model's VNI/port/local address, `nolearning`, and static
// FDB + permanent neighbour entries; the model's addresses (`noprefixroute`, so the kernel adds no
// route the model does not have) and routes; the model's sysctls; and each namespace's netfilter
// tables loaded with iptables-restore from exactly the text `packetwalk rules` prints (after
// creating, as kube-proxy does at start-up, the nfacct counters those rules name: python3 over
// netlink, since iptables-restore rejects a rule whose counter does not exist).
//
// Safety contract (tested): every command is either `ip netns add|del NAME`, `ip -n NAME ...`,
// `bridge -n NAME ...` or `ip netns exec NAME ...` with NAME one of the script's own namespaces;
// no command touches the namespace the script runs in. Every name is single-quoted.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"

namespace packetwalk::model::kernel {

struct MaterializeOptions {
  std::string prefix = "pw";  // check_prefix() must accept it
};

struct NamespaceName {
  datapath::NetnsId model = datapath::kNone;  // kNone for the switch namespace
  std::string model_name;                     // "node-1", "default/web-app", "external/client"; "" for the switch
  std::string real_name;                      // "pw-node-1", "pw-p1", "pw-sw"
};

struct Materialized {
  std::string prefix;
  std::vector<NamespaceName> namespaces;  // the switch first, then in topology order
  std::string setup_script;
  std::string teardown_script;
  // What the kernel copy does not reproduce (modes, features), one sentence each. The script is
  // still usable; `verify` reports these.
  std::vector<std::string> limitations;

  // The real namespace of a model namespace; "" when it has none.
  std::string real_name(datapath::NetnsId id) const;
};

// nullopt when `prefix` is usable: 1-20 characters of [a-z0-9-], starting with a letter. Otherwise
// the reason. Kept short so "PREFIX-pNNN" stays a readable namespace name.
std::optional<std::string> check_prefix(std::string_view prefix);

// The scripts for `cluster` (check_prefix(options.prefix) must have passed).
Materialized materialize(const cluster::Cluster& cluster, const MaterializeOptions& options);

// sh single-quoting: 'text' with every ' written as '\''.
std::string sh_quote(std::string_view text);

}  // namespace packetwalk::model::kernel
