// The phases of the materialize script (materialize_parts.h). Each writes plain `ip` commands;
// the comments they emit say which model object a command stands for.
#include <set>
#include <sstream>

#include "materialize_parts.h"

namespace packetwalk::model::kernel::detail {

using datapath::IfaceId;
using datapath::IfaceKind;
using datapath::Interface;
using datapath::NetnsKind;

namespace {

std::string q(const std::string& s) { return sh_quote(s); }

std::string segment_bridge(std::uint32_t segment) { return "sg" + std::to_string(segment); }
std::string switch_port(IfaceId id) { return "i" + std::to_string(id); }

std::string name_list(const Materialized& m, bool reverse) {
  std::string out;
  auto add = [&](const NamespaceName& n) { out += (out.empty() ? "" : " ") + q(n.real_name); };
  if (reverse) {
    for (auto it = m.namespaces.rbegin(); it != m.namespaces.rend(); ++it) add(*it);
  } else {
    for (const auto& n : m.namespaces) add(n);
  }
  return out;
}

// Settings a new namespace may inherit from the host (net.core.devconf_inherit_init_net = 0):
// make them what the model assumes. rp_filter off (the model has no reverse-path filter); no ICMP
// rate limit (neither has the model, and repeated probes must not be throttled); IPv6 off so no
// router solicitations or DAD traffic appear next to the probes.
constexpr const char* kBaseSysctls =
    "echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 0 > /proc/sys/net/ipv4/conf/default/rp_filter; "
    "echo 0 > /proc/sys/net/ipv4/icmp_ratelimit; "
    "if [ -e /proc/sys/net/ipv6/conf/all/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; "
    "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; fi";

}  // namespace

void write_guard_and_trap(std::ostream& s, const Materialized& m) {
  const std::string all = name_list(m, false);
  s << "# Refuse to run over namespaces that already exist: they are not ours to change.\n"
    << "for pw_ns in " << all << "; do\n"
    << "  if [ -e \"/run/netns/$pw_ns\" ]; then\n"
    << "    echo \"packetwalk: network namespace $pw_ns already exists; refusing to touch it\" >&2\n"
    << "    exit 1\n"
    << "  fi\n"
    << "done\n"
    << "pw_cleanup() {\n"
    << "  for pw_ns in " << name_list(m, true) << "; do ip netns del \"$pw_ns\" 2>/dev/null || true; done\n"
    << "}\n"
    << "# A failed or interrupted setup removes what it made.\n"
    << "trap 'pw_rc=$?; if [ \"$pw_rc\" -ne 0 ]; then echo \"packetwalk: setup failed (status $pw_rc); removing its "
       "namespaces\" >&2; pw_cleanup; fi' EXIT\n"
    << "trap 'exit 130' INT\n"
    << "trap 'exit 143' TERM\n";
}

void write_namespaces(std::ostream& s, const ScriptContext& c) {
  s << "\n# --- namespaces\n";
  for (const auto& n : c.out.namespaces) {
    s << "ip netns add " << q(n.real_name) << "\n";
    s << "ip netns exec " << q(n.real_name) << " sh -ec '" << kBaseSysctls << "'\n";
    s << "ip -n " << q(n.real_name) << " link set dev lo up\n";
  }
}

void write_links(std::ostream& s, const ScriptContext& c) {
  const auto& t = c.topology;
  s << "\n# --- the switch: one bridge per L2 segment\n";
  for (std::uint32_t seg = 0;; ++seg) {
    bool used = false;
    for (const auto& i : t.all_interfaces()) used = used || (i.kind == IfaceKind::Ethernet && i.segment == seg);
    if (!used) {
      bool later = false;
      for (const auto& i : t.all_interfaces()) later = later || (i.segment != datapath::kNone && i.segment > seg);
      if (!later) break;
      continue;
    }
    s << "ip -n " << c.sw() << " link add name " << q(segment_bridge(seg)) << " type bridge  # segment "
      << t.segment(seg).name << "\n";
    s << "ip -n " << c.sw() << " link set dev " << q(segment_bridge(seg)) << " up\n";
  }

  s << "\n# --- links (bridges, dummies, veth pairs, underlay ports)\n";
  for (const auto& i : t.all_interfaces()) {
    const std::string ns = c.ns(i.netns);
    switch (i.kind) {
      case IfaceKind::Loopback:
      case IfaceKind::Vxlan:
        break;
      case IfaceKind::Bridge:
        s << "ip -n " << ns << " link add name " << q(i.name) << " type bridge\n";
        break;
      case IfaceKind::Dummy:
        s << "ip -n " << ns << " link add name " << q(i.name) << " type dummy\n";
        break;
      case IfaceKind::Ethernet:
        if (i.segment == datapath::kNone) {
          s << "ip -n " << ns << " link add name " << q(i.name) << " type dummy  # plugged into no segment\n";
          break;
        }
        s << "ip -n " << ns << " link add name " << q(i.name) << " type veth peer name " << q(switch_port(i.id))
          << " netns " << c.sw() << "  # on segment " << t.segment(i.segment).name << "\n";
        s << "ip -n " << c.sw() << " link set dev " << q(switch_port(i.id)) << " master "
          << q(segment_bridge(i.segment)) << " up\n";
        if (t.segment(i.segment).mtu > 0) {
          // The wire carries less than the device says (fault underlayMtu): a longer frame is
          // dropped entering the switch port (veth and bridge both drop what exceeds the MTU of
          // the device they forward to), silently, as a switch does.
          s << "ip -n " << c.sw() << " link set dev " << q(switch_port(i.id)) << " mtu " << t.segment(i.segment).mtu
            << "  # the segment carries at most " << t.segment(i.segment).mtu << " bytes\n";
        }
        break;
      case IfaceKind::Veth: {
        if (i.peer == datapath::kNone) {
          s << "ip -n " << ns << " link add name " << q(i.name) << " type dummy  # a veth without a peer\n";
          break;
        }
        if (i.peer < i.id) break;  // created with its peer
        const Interface& p = t.iface(i.peer);
        s << "ip -n " << ns << " link add name " << q(i.name) << " type veth peer name " << q(p.name);
        if (p.netns != i.netns) s << " netns " << c.ns(p.netns);
        s << "\n";
        break;
      }
    }
  }
  s << "\n# --- VXLAN devices (after the devices they send through)\n";
  for (const auto& i : t.all_interfaces()) {
    if (i.kind != IfaceKind::Vxlan) continue;
    s << "ip -n " << c.ns(i.netns) << " link add name " << q(i.name) << " type vxlan id " << i.vni;
    if (!i.vxlan_local.is_unspecified()) {
      s << " local " << i.vxlan_local.to_string();
      if (auto under = t.iface_with_address(i.netns, i.vxlan_local)) s << " dev " << q(t.iface(*under).name);
    }
    s << " dstport " << i.vxlan_port << " nolearning\n";
  }
  s << "\n# --- link settings: the model's MACs and MTUs, bridge ports, hairpin, up\n";
  for (const auto& i : t.all_interfaces()) {
    if (i.kind == IfaceKind::Loopback) continue;
    const std::string ns = c.ns(i.netns);
    s << "ip -n " << ns << " link set dev " << q(i.name) << " address " << i.mac.to_string() << " mtu " << i.mtu << "\n";
    if (i.master != datapath::kNone) {
      s << "ip -n " << ns << " link set dev " << q(i.name) << " master " << q(t.iface(i.master).name) << "\n";
      s << "ip -n " << ns << " link set dev " << q(i.name) << " type bridge_slave hairpin " << (i.hairpin ? "on" : "off")
        << "\n";
    }
  }
  for (const auto& i : t.all_interfaces()) {
    if (i.kind == IfaceKind::Loopback || !i.up) continue;
    s << "ip -n " << c.ns(i.netns) << " link set dev " << q(i.name) << " up\n";
  }
}

void write_addresses_and_routes(std::ostream& s, const ScriptContext& c) {
  const auto& t = c.topology;
  s << "\n# --- addresses (noprefixroute: the routes below are all the routes there are)\n";
  for (const auto& i : t.all_interfaces()) {
    for (const auto& a : i.addresses) {
      if (i.kind == IfaceKind::Loopback && a.to_string() == "127.0.0.1/8") continue;  // the kernel's own
      s << "ip -n " << c.ns(i.netns) << " address add " << a.to_string() << " dev " << q(i.name) << " noprefixroute\n";
    }
  }
  s << "\n# --- routes, in the model's order\n";
  for (const auto& ns : t.all_netns()) {
    for (const auto& r : ns.routes.routes()) {
      s << "ip -n " << c.ns(ns.id) << " route add ";
      s << (r.destination.prefix_length() == 0 ? std::string("default")
                                                : net::Cidr(r.destination.network(), r.destination.prefix_length()).to_string());
      if (r.dev == datapath::kNone && !r.via) {
        s << " type blackhole\n";
        continue;
      }
      if (r.via) s << " via " << r.via->to_string();
      if (r.dev != datapath::kNone) s << " dev " << q(t.iface(r.dev).name);
      if (r.scope_link) s << " scope link";
      if (r.preferred_source) s << " src " << r.preferred_source->to_string();
      if (r.onlink) s << " onlink";
      s << "\n";
    }
  }
}

void write_neighbours(std::ostream& s, const ScriptContext& c) {
  const auto& t = c.topology;
  s << "\n# --- VXLAN: static FDB and permanent neighbour entries, as flanneld programs them\n";
  for (const auto& i : t.all_interfaces()) {
    if (i.kind != IfaceKind::Vxlan) continue;
    const std::string ns = c.ns(i.netns);
    for (const auto& [mac, remote] : i.fdb) {
      s << "bridge -n " << ns << " fdb append " << mac.to_string() << " dev " << q(i.name) << " dst "
        << remote.to_string() << "\n";
    }
    for (const auto& r : t.netns(i.netns).routes.routes()) {
      if (r.dev != i.id || !r.via) continue;
      auto mac = t.resolve_neighbour(i.id, *r.via);
      if (!mac) {
        s << "# no neighbour for " << r.via->to_string() << " on " << i.name << " in the model\n";
        continue;
      }
      s << "ip -n " << ns << " neigh replace " << r.via->to_string() << " lladdr " << mac->to_string() << " dev "
        << q(i.name) << " nud permanent\n";
    }
  }
}

void write_sysctls(std::ostream& s, const ScriptContext& c) {
  const auto& t = c.topology;
  s << "\n# --- sysctls\n";
  // The switch only carries frames: keep bridged traffic out of its (empty) iptables.
  s << "ip netns exec " << c.sw()
    << " sh -ec 'if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then echo 0 > "
       "/proc/sys/net/bridge/bridge-nf-call-iptables; fi'\n";
  for (const auto& ns : t.all_netns()) {
    std::string cmds = "echo " + std::string(ns.sysctls.ip_forward ? "1" : "0") + " > /proc/sys/net/ipv4/ip_forward";
    if (ns.sysctls.route_localnet) cmds += "; echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet";
    bool has_bridge = false;
    for (IfaceId id : ns.interfaces) {
      const auto& i = t.iface(id);
      has_bridge = has_bridge || i.kind == IfaceKind::Bridge;
      if (i.proxy_arp) cmds += "; echo 1 > /proc/sys/net/ipv4/conf/" + i.name + "/proxy_arp";
    }
    if (has_bridge) {
      // br_netfilter is a kernel module (its sysctl is per namespace since Linux 5.3); loading it
      // is a host-level action the script leaves to its caller, and only warns about here.
      const char* v = ns.sysctls.bridge_nf_call_iptables ? "1" : "0";
      cmds += std::string("; if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then echo ") + v +
              " > /proc/sys/net/bridge/bridge-nf-call-iptables; else echo \"packetwalk: warning: br_netfilter is not "
              "loaded: bridged traffic in $0 bypasses iptables\" >&2; fi";
    }
    s << "ip netns exec " << c.ns(ns.id) << " sh -ec " << q(cmds) << " " << c.ns(ns.id) << "\n";
  }
}

namespace {

// Creates nfacct objects over NETLINK_NETFILTER (NFNL_SUBSYS_ACCT, NFNL_MSG_ACCT_NEW with
// NFACCT_NAME), which is what kube-proxy's nfacct.Ensure does: the `nfacct` tool is rarely
// installed and python3 is already needed by `verify`. An existing counter (EBUSY) is fine.
constexpr const char* kNfacctCreate =
    "import os, socket, struct, sys\n"
    "s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)\n"
    "for seq, name in enumerate(sys.argv[1:], 1):\n"
    "    b = name.encode() + b\"\\0\"\n"
    "    attr = struct.pack(\"=HH\", 4 + len(b), 1) + b + b\"\\0\" * (-len(b) % 4)\n"
    "    body = struct.pack(\"=BBH\", 0, 0, 0) + attr\n"
    "    s.send(struct.pack(\"=IHHII\", 16 + len(body), 0x700, 0x405, seq, 0) + body)\n"
    "    err = struct.unpack(\"=i\", s.recv(4096)[16:20])[0]\n"
    "    if err and -err != 16:\n"
    "        sys.exit(\"packetwalk: cannot create nfacct counter %s: %s\" % (name, os.strerror(-err)))\n";

}  // namespace

void write_nfacct_counters(std::ostream& s, const ScriptContext& c, const datapath::Netns& ns) {
  std::set<std::string> names;  // sorted: the script is deterministic
  for (auto k : {datapath::NfTableKind::Raw, datapath::NfTableKind::Mangle, datapath::NfTableKind::Nat,
                 datapath::NfTableKind::Filter}) {
    for (const auto& [_, chain] : ns.netfilter.table(k).chains) {
      for (const auto& rule : chain.rules) {
        for (const auto& m : rule.modules) {
          if (const auto* acct = std::get_if<datapath::NfacctMatch>(&m)) names.insert(acct->name);
        }
      }
    }
  }
  if (names.empty()) return;
  std::string eof = "PW_NFACCT_EOF";
  s << "ip netns exec " << c.ns(ns.id) << " python3 -";
  for (const auto& n : names) s << " " << q(n);
  s << " <<'" << eof << "'\n" << kNfacctCreate << eof << "\n";
}

void write_ipsets(std::ostream& s, const ScriptContext& c, const datapath::Netns& ns) {
  if (ns.ipsets.empty()) return;
  std::ostringstream text;
  for (const auto& [name, set] : ns.ipsets) {  // std::map: sorted, so the script is deterministic
    text << "create " << name << " " << datapath::ipset_type_name(set.type);
    if (set.type == datapath::IpSetType::BitmapPort) text << " range 0-65535";
    text << "\n";
    for (const auto& e : set.entries) text << "add " << name << " " << set.entry_text(e) << "\n";
  }
  std::string eof = "PW_IPSET_EOF";
  while (text.str().find(eof) != std::string::npos) eof += "_";
  s << "ip netns exec " << c.ns(ns.id) << " ipset restore <<'" << eof << "'\n" << text.str() << eof << "\n";
}

std::string teardown_script(const Materialized& m) {
  std::ostringstream s;
  const std::string names = name_list(m, true);
  s << "#!/bin/sh\n"
    << "# packetwalk teardown, prefix " << m.prefix << ": deletes exactly the namespaces the matching setup\n"
    << "# script makes, after stopping processes still running inside them. Safe to run twice.\n"
    << "set -u\n"
    << "for pw_ns in " << names << "; do\n"
    << "  if [ -e \"/run/netns/$pw_ns\" ]; then\n"
    << "    for pw_pid in $(ip netns pids \"$pw_ns\" 2>/dev/null); do kill \"$pw_pid\" 2>/dev/null || true; done\n"
    << "    ip netns del \"$pw_ns\" || true\n"
    << "  fi\n"
    << "done\n"
    << "pw_left=0\n"
    << "for pw_ns in " << names << "; do\n"
    << "  if [ -e \"/run/netns/$pw_ns\" ]; then echo \"packetwalk: $pw_ns still exists\" >&2; pw_left=1; fi\n"
    << "done\n"
    << "exit \"$pw_left\"\n";
  return s.str();
}

}  // namespace packetwalk::model::kernel::detail
