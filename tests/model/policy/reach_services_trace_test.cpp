// reach --services must agree with the datapath: on the randomised Calico clusters of
// reach_trace_test.cpp plus random Services, each client connects to each Service's ClusterIP
// and port as many times as it takes to land on every backend kube-proxy may pick (it picks at
// random per connection); the backend each connection was DNATed to must have reach's verdict
// for that backend, and the folded verdict must count those backends (allowed 2/3 ...).
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "packetwalk/model/query/reachability_services.h"
#include "random_cluster.h"

namespace packetwalk::model::policy_test {
namespace {

// 1 to 3 Services selecting pods of one namespace by one label, on TCP 80/8080 (targetPort by
// number or by name) or UDP 53 ("dns"); a tenth with internalTrafficPolicy Local.
void add_services(load::Scenario& s, unsigned seed) {
  Gen g(seed * 7919u + 17u);  // its own stream: the pods and policies stay those of reach_trace_test
  const int n = 1 + g.below(3);
  for (int i = 0; i < n; ++i) {
    kube::Service svc;
    svc.meta.kind = "Service";
    svc.meta.name = "svc" + std::to_string(i);
    // Around a random pod, so that most Services have backends: its namespace, one of its labels.
    const auto& anchor = g.pick(s.manifests.pods);
    svc.meta.namespace_ = anchor.meta.namespace_;
    if (anchor.meta.labels.empty()) svc.selector[g.pick(g.keys_)] = g.pick(g.values_);
    else {
      auto it = anchor.meta.labels.begin();
      std::advance(it, g.below(static_cast<int>(anchor.meta.labels.size())));
      svc.selector[it->first] = it->second;
    }
    kube::ServicePort p;
    switch (g.below(4)) {
      case 0: p.port = 80; p.target_port = IntOrString::of(80); break;
      case 1: p.port = 8080; p.target_port = IntOrString::of("http"); break;
      case 2: p.port = 8081; p.target_port = IntOrString::of(81); break;
      default: p.name = "dns"; p.protocol = net::Protocol::Udp; p.port = 53; p.target_port = IntOrString::of("dns");
    }
    svc.ports.push_back(p);
    if (g.chance(10)) svc.internal_traffic_policy = kube::TrafficPolicy::Local;
    s.manifests.services.push_back(svc);
  }
}

struct Landing {
  std::optional<std::pair<net::Ipv4Address, net::Port>> backend;  // where kube-proxy DNATed it
  bool delivered = false;                                          // reached that backend's netns
  std::string why;
};

// One connection to ip:port from `from`: the backend it was DNATed to, and whether the first
// packet reached that backend's network namespace (delivered, or dropped there for no listener).
Landing connect(cluster::Cluster& c, query::ProbeRunner& runner, datapath::NetnsId from, net::Ipv4Address ip, const query::ReachPort& port) {
  query::ProbeTarget t;
  t.from = from;
  t.dst = ip;
  t.port = port.port;
  t.protocol = port.protocol;
  auto r = runner.run(t);
  Landing out;
  out.why = r.trace.reason;
  if (r.trace.legs.empty()) return out;
  const auto& hops = r.trace.legs.front().hops;
  for (const auto& h : hops) {
    if (h.before && h.before->dst == ip && h.packet.dst != ip) {
      out.backend = std::make_pair(h.packet.dst, h.packet.dport);
      break;
    }
  }
  if (!out.backend) return out;
  // The backend's netns: the pod's, or its node's for a hostNetwork pod.
  std::set<std::string> netns;
  for (const auto& p : c.inventory().pods) {
    if (query::destination_endpoint(p, c.inventory()).ip == out.backend->first) netns.insert(p.host_network ? p.node : p.namespace_ + "/" + p.name);
  }
  for (const auto& h : hops) {
    if (!netns.count(h.netns)) continue;
    if (h.action == trace::HopAction::Deliver || (h.action == trace::HopAction::Drop && h.drop_reason == trace::DropReason::NoListener))
      out.delivered = true;
  }
  return out;
}

TEST(ReachServicesEqualsTrace, RandomisedCalicoClusters) {
  std::size_t backends_checked = 0, partial = 0, no_backend = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    auto s = random_scenario(seed);
    add_services(s, seed);
    auto c = build_random(s, seed);
    if (!c) continue;
    query::ReachOptions o;
    const auto verdicts = query::service_verdicts(query::compute_service_reach(*c, o));
    query::ProbeRunner runner(c->topology(), seed);
    for (const auto& v : verdicts) {
      const auto slash = v.service.find('/');
      const auto* svc = c->services().find(v.service.substr(0, slash), v.service.substr(slash + 1));
      ASSERT_TRUE(svc && svc->cluster_ip) << v.service;
      const auto from = c->pod_netns(v.from.substr(0, v.from.find('/')), v.from.substr(v.from.find('/') + 1));
      ASSERT_TRUE(from) << v.from;
      const std::string where = "seed " + std::to_string(seed) + ": " + v.from + " -> " + v.service + " " + v.port.to_string();
      // The verdict counts what its detail says.
      std::size_t ok = 0;
      for (const auto& d : v.detail) ok += d.allowed ? 1 : 0;
      EXPECT_EQ(v.backends, v.detail.size()) << where;
      EXPECT_EQ(v.backends_allowed, ok) << where;
      EXPECT_EQ(v.allowed, !v.detail.empty() && ok == v.detail.size()) << where;
      if (v.detail.empty()) {
        // No backend to pick: nothing may reach any pod.
        ++no_backend;
        auto l = connect(*c, runner, *from, *svc->cluster_ip, v.port);
        EXPECT_FALSE(l.delivered) << where << "\n  reach: " << v.reason << "\n  trace: " << l.why;
        continue;
      }
      if (ok != 0 && ok != v.detail.size()) ++partial;
      std::map<std::pair<net::Ipv4Address, net::Port>, const query::ServiceReachCell*> by_addr;
      for (const auto& d : v.detail) {
        const auto* pod = c->inventory().find_pod(d.backend.substr(0, d.backend.find('/')), d.backend.substr(d.backend.find('/') + 1));
        ASSERT_TRUE(pod) << d.backend;
        by_addr[{query::destination_endpoint(*pod, c->inventory()).ip, d.target.port}] = &d;
      }
      std::set<std::pair<net::Ipv4Address, net::Port>> seen;
      for (int attempt = 0; attempt < 40 * static_cast<int>(by_addr.size()) && seen.size() < by_addr.size(); ++attempt) {
        auto l = connect(*c, runner, *from, *svc->cluster_ip, v.port);
        ASSERT_TRUE(l.backend) << where << ": no DNAT in the trace: " << l.why;
        auto it = by_addr.find(*l.backend);
        ASSERT_NE(it, by_addr.end()) << where << ": kube-proxy picked " << l.backend->first.to_string() << ":" << l.backend->second
                                     << ", which reach does not list as a usable backend";
        if (!seen.insert(*l.backend).second) continue;
        ++backends_checked;
        EXPECT_EQ(it->second->allowed, l.delivered) << where << " via backend " << it->second->backend << "\n  reach: " << it->second->reason
                                                    << "\n  trace: " << l.why;
      }
      EXPECT_EQ(seen.size(), by_addr.size()) << where << ": some backends never picked";
    }
  }
  // The clusters must exercise what the folding is for.
  EXPECT_GT(backends_checked, 500u);
  EXPECT_GT(partial, 10u);
  EXPECT_GT(no_backend, 0u);
  std::cout << backends_checked << " backends traced, " << partial << " partly allowed verdicts, " << no_backend
            << " without a backend\n";
}

}  // namespace
}  // namespace packetwalk::model::policy_test
