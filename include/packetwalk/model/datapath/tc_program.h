#pragma once
// An eBPF program attached to a device with tc (clsact), as Cilium attaches its datapath: the
// engine runs a device's `tc_ingress` program on every packet the device receives from its link
// (for a pod's host-side veth: what the container sends) and its `tc_egress` program on every
// packet it is about to transmit (what goes into the container). The engine only asks for a
// verdict and records it as a `bpf` hop; what the program decides is the CNI's business
// (cni/cilium.h).
//
// Ordering the model uses (simplification, docs/cilium.md): tc ingress runs after the node's
// netfilter PREROUTING, so a Service address has already been translated to its backend, and tc
// egress after POSTROUTING. Real tc ingress runs before netfilter; Cilium compensates by
// translating Services itself in bpf_lxc before it applies policy, which the model leaves to
// kube-proxy.

#include <string>

#include "packetwalk/model/net/packet.h"

namespace packetwalk::model::datapath {

struct TcContext {
  const net::Packet& packet;
  // Conntrack saw this packet's connection in both directions, or it is a reply or an ICMP error
  // about a tracked connection (Cilium's own connection tracking lets such packets through
  // without a policy lookup).
  bool tracked_reply = false;
};

struct TcVerdict {
  bool drop = false;
  std::string program;      // "bpf_lxc cil_from_container": the object file and section
  std::string detail;       // the policy verdict as a person reads it
  std::string drop_detail;  // on drop: the reason as `cilium monitor` prints it, and who decided
};

class TcProgram {
public:
  virtual ~TcProgram() = default;
  virtual TcVerdict run(const TcContext& ctx) const = 0;
};

}  // namespace packetwalk::model::datapath
