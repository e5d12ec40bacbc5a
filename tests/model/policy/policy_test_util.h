#pragma once
// Shared by the policy tests: building a cluster from the e2e topology (namespaces x, y, z; pods
// a, b, c) plus policies written as YAML, and printing reach results as compact truth tables.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/query/probe.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::model::policy_test {

inline std::string source_path(const std::string& relative) { return std::string(PACKETWALK_SOURCE_DIR) + "/" + relative; }

// The cluster of scenarios/policy/manifests/xyz.yaml plus `extra_yaml`, default 3 nodes.
inline std::unique_ptr<cluster::Cluster> xyz_cluster(const std::string& extra_yaml, const std::string& cni = "calico") {
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "test";
  s.cluster = load::default_cluster_spec();
  s.cluster.cni = cni;
  s.manifests = load::load_manifest_paths({source_path("scenarios/policy/manifests/xyz.yaml")}, diags);
  if (!extra_yaml.empty()) s.manifests.merge(load::load_manifest_text(extra_yaml, "policy.yaml", 0, diags));
  load::remove_duplicates(s.manifests, diags);
  std::unique_ptr<cluster::Cluster> c;
  if (!diags.has_errors()) c = cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all()) {
    if (d.severity == load::Severity::Error) ADD_FAILURE() << load::format_diagnostic(d);
  }
  return c;
}

// One line per source pod: "x/a .XX ... ..." — '.' allowed, 'X' denied, columns in pod order
// grouped per namespace (x/a x/b x/c | y/a y/b y/c | z/a z/b z/c).
inline std::string truth_table(const query::ReachMatrix& m, const query::ReachPort& port) {
  std::string out;
  for (const auto& from : m.pods) {
    out += from;
    std::string ns;
    for (const auto& to : m.pods) {
      std::string to_ns = to.substr(0, to.find('/'));
      if (to_ns != ns) {
        out += ' ';
        ns = to_ns;
      }
      const auto* cell = m.find(from, to, port);
      out += !cell ? '-' : cell->allowed ? '.' : 'X';
    }
    out += '\n';
  }
  return out;
}

inline query::ReachPort tcp(net::Port p) { return {net::Protocol::Tcp, p}; }
inline query::ReachPort udp(net::Port p) { return {net::Protocol::Udp, p}; }
inline query::ReachPort sctp(net::Port p) { return {net::Protocol::Sctp, p}; }

// Reach over the given ports.
inline query::ReachMatrix reach(const cluster::Cluster& c, std::vector<query::ReachPort> ports) {
  query::ReachOptions o;
  o.ports = std::move(ports);
  return query::compute_reach(c, o);
}

}  // namespace packetwalk::model::policy_test

namespace packetwalk::model::policy_test {

// Traces the first packet (TCP SYN, UDP/SCTP datagram) from `from` to `to` and says whether it
// reached the destination pod's network namespace: a delivery there, or a no-listener drop there.
inline bool delivered(cluster::Cluster& c, query::ProbeRunner& runner, const std::string& from, const std::string& to,
                      const query::ReachPort& port, std::string* why = nullptr) {
  auto split = [](const std::string& s) { return std::make_pair(s.substr(0, s.find('/')), s.substr(s.find('/') + 1)); };
  auto [sns, sname] = split(from);
  auto [dns, dname] = split(to);
  auto src = c.pod_netns(sns, sname);
  const auto* dst = c.inventory().find_pod(dns, dname);
  if (!src || !dst) {
    ADD_FAILURE() << "no pod " << from << " or " << to;
    return false;
  }
  const auto dst_ep = query::destination_endpoint(*dst, c.inventory());
  const std::string dst_netns = dst->host_network ? dst->node : to;
  query::ProbeTarget t;
  t.from = *src;
  t.dst = dst_ep.ip;
  t.port = port.port;
  t.protocol = port.protocol;
  auto r = runner.run(t);
  if (why) *why = r.trace.reason;
  if (r.trace.legs.empty()) return false;
  for (const auto& h : r.trace.legs.front().hops) {
    if (h.netns != dst_netns) continue;
    if (h.action == trace::HopAction::Deliver) return true;
    if (h.action == trace::HopAction::Drop && h.drop_reason == trace::DropReason::NoListener) return true;
  }
  return false;
}

// The same table as truth_table(), but every cell traced through the datapath.
inline std::string traced_table(cluster::Cluster& c, const query::ReachMatrix& m, const query::ReachPort& port) {
  query::ProbeRunner runner(c.topology(), 1);
  std::string out;
  for (const auto& from : m.pods) {
    out += from;
    std::string ns;
    for (const auto& to : m.pods) {
      std::string to_ns = to.substr(0, to.find('/'));
      if (to_ns != ns) {
        out += ' ';
        ns = to_ns;
      }
      out += delivered(c, runner, from, to, port) ? '.' : 'X';
    }
    out += '\n';
  }
  return out;
}

}  // namespace packetwalk::model::policy_test
