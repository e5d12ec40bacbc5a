// The faults that make DNS and links misbehave (coreDnsDown, coreDnsSlow, linkDelay, linkLoss):
// how the loader reports them wrong, and what the datapath and the resolver then do, packet by
// packet, as docs/scenario-format.md ("Faults") describes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../load/test_data.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/cluster/timeline.h"
#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/dns/resolve_target.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::model {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A client on node-1, two api pods on node-2 behind Service api (80 -> 8080).
constexpr const char* kCluster = R"(apiVersion: packetwalk/v1
kind: Scenario
manifests:
  - inline: |
      apiVersion: v1
      kind: Pod
      metadata: {name: client}
      spec: {nodeName: node-1, containers: [{name: c, image: curl}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api-1, labels: {app: api}}
      spec: {nodeName: node-2, containers: [{name: api, image: api, ports: [{containerPort: 8080}]}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: api}
      spec: {selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
)";

std::string write_scenario(const std::string& name, const std::string& extra) {
  auto dir = std::filesystem::temp_directory_path() / ("packetwalk-fault-kinds-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / (name + ".yaml");
  std::ofstream(path) << kCluster << extra;
  return path.string();
}

struct World {
  std::unique_ptr<cluster::Cluster> cluster;
  std::unique_ptr<query::ProbeRunner> runner;

  std::optional<dns::ResolvedTarget> connect(const std::string& to) {
    std::string error;
    auto src = query::resolve_source(*cluster, "default/client", "default", error);
    EXPECT_TRUE(src) << error;
    auto t = dns::resolve_target(*cluster, *runner, to, *src, "default", error);
    EXPECT_TRUE(t) << error;
    return t;
  }
  query::ProbeResult probe(const std::string& to) {
    auto t = connect(to);
    if (!t || !t->destination) return {};
    std::string error;
    auto src = query::resolve_source(*cluster, "default/client", "default", error);
    query::ProbeTarget target;
    target.from = src->netns;
    target.dst = t->destination->address;
    target.port = t->destination->port;
    return runner->run(target);
  }
};

World build(const std::string& name, const std::string& extra) {
  load::Diagnostics diags;
  auto s = load::load_scenario(write_scenario(name, extra), diags);
  World w;
  w.cluster = diags.has_errors() ? nullptr : cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all())
    if (d.severity == load::Severity::Error) ADD_FAILURE() << load::format_diagnostic(d);
  if (w.cluster) {
    w.runner = std::make_unique<query::ProbeRunner>(w.cluster->topology(), w.cluster->spec().seed);
    w.runner->set_applications(&w.cluster->applications());
  }
  return w;
}

const trace::Hop* first_drop(const trace::Trace& t) {
  for (const auto& leg : t.legs)
    for (const auto& h : leg.hops)
      if (h.action == trace::HopAction::Drop) return &h;
  return nullptr;
}

sim::Time last_hop(const trace::Trace& t) {
  sim::Time last;
  for (const auto& leg : t.legs)
    for (const auto& h : leg.hops) last = std::max(last, h.time);
  return last;
}

TEST(FaultLoader, EachWrongFieldIsAnErrorAtItsLine) {
  load::Diagnostics diags;
  auto s = load::load_scenario(test::data_path("scenarios/faults-bad.yaml"), diags);
  EXPECT_THAT(test::diagnostic_lines(diags), ElementsAre(
      "scenarios/faults-bad.yaml:4:18: error: faults[0].coreDnsDown: must be true (leave the fault out for a running CoreDNS)",
      "scenarios/faults-bad.yaml:5:28: error: faults[1].coreDnsSlow.latency: expected a positive duration such as 10s, 500ms or 2m, got \"soon\"",
      "scenarios/faults-bad.yaml:6:18: error: missing required field \"faults[2].coreDnsSlow.latency\"",
      "scenarios/faults-bad.yaml:7:40: error: faults[3].linkDelay.latency: must be at most 60m, got 90m",
      "scenarios/faults-bad.yaml:8:16: error: missing required field \"faults[4].linkDelay.node\"",
      "scenarios/faults-bad.yaml:9:39: error: faults[5].linkLoss.percent: must be more than 0 and at most 100, got 130",
      "scenarios/faults-bad.yaml:10:39: error: faults[6].linkLoss.percent: must be a percentage such as 30 or 30%, got \"lots%\"",
      "scenarios/faults-bad.yaml:11:39: error: faults[7].linkLoss.percent: must be more than 0 and at most 100, got 0",
      "scenarios/faults-bad.yaml:11:42: warning: unknown field \"faults[7].linkLoss.jitter\"",
      "scenarios/faults-bad.yaml:13:33: error: missing required field \"timeline[0].fault.linkLoss.percent\""));
  EXPECT_TRUE(s.faults.empty());  // no fault is half-read
}

TEST(FaultLoader, FaultsReadBackAsWritten) {
  load::Diagnostics diags;
  auto s = load::load_scenario(write_scenario("text", R"(faults:
  - coreDnsDown: true
  - coreDnsSlow: {latency: 1500ms}
  - linkDelay: {node: node-1, latency: 50ms}
  - linkLoss: {node: node-2, percent: "12.5%"}
)"), diags);
  ASSERT_FALSE(diags.has_errors());
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(load::fault_text(s.faults[0]), "coreDnsDown: true");
  EXPECT_EQ(load::fault_text(s.faults[1]), "coreDnsSlow: {latency: 1.5s}");
  EXPECT_EQ(load::fault_text(s.faults[2]), "linkDelay: {node: node-1, latency: 50ms}");
  EXPECT_EQ(load::fault_text(s.faults[3]), "linkLoss: {node: node-2, percent: 12.5}");
  EXPECT_FALSE(load::fault_has_node(load::FaultKind::CoreDnsSlow));
  EXPECT_TRUE(load::fault_has_node(load::FaultKind::LinkLoss));
}

// A value typed outside a scenario (the GUI's --fault NAME=VALUE) is read by the scenario's own
// code: the same units, bounds and words as `latency:` and `percent:` in a file.
TEST(FaultLoader, AValueTypedOnItsOwnReadsAsInAScenario) {
  std::string error;
  EXPECT_EQ(load::parse_fault_value(load::FaultKind::LinkDelay, "120ms", error), 0.12);
  EXPECT_EQ(load::parse_fault_value(load::FaultKind::CoreDnsSlow, "2m", error), 120.0);
  EXPECT_EQ(load::parse_fault_value(load::FaultKind::LinkLoss, "30%", error), 30.0);
  EXPECT_EQ(load::parse_fault_value(load::FaultKind::LinkLoss, "0.5", error), 0.5);
  EXPECT_FALSE(load::parse_fault_value(load::FaultKind::LinkDelay, "61m", error));
  EXPECT_THAT(error, HasSubstr("must be at most 60m, got 61m"));
  EXPECT_FALSE(load::parse_fault_value(load::FaultKind::LinkDelay, "fast", error));
  EXPECT_THAT(error, HasSubstr("expected a positive duration"));
  EXPECT_FALSE(load::parse_fault_value(load::FaultKind::LinkLoss, "101%", error));
  EXPECT_THAT(error, HasSubstr("must be more than 0 and at most 100"));
}

// A value set without text (the GUI's sliders) is held to the loader's bounds by
// fault_value_in_range: at each bound and just past it, the two agree.
TEST(FaultLoader, TheBoundsCheckAgreesWithTheLoaderAtEachBound) {
  struct Case {
    load::FaultKind kind;
    const char* text;
    double value;
  };
  const Case cases[] = {
      {load::FaultKind::LinkLoss, "100", 100},         {load::FaultKind::LinkLoss, "100.5", 100.5},
      {load::FaultKind::LinkLoss, "0.001", 0.001},     {load::FaultKind::LinkLoss, "0", 0},
      {load::FaultKind::LinkDelay, "60m", 3600},       {load::FaultKind::LinkDelay, "3601s", 3601},
      {load::FaultKind::LinkDelay, "1ms", 0.001},      {load::FaultKind::LinkDelay, "0ms", 0},
      {load::FaultKind::CoreDnsSlow, "3600s", 3600},   {load::FaultKind::CoreDnsSlow, "61m", 3660},
  };
  for (const auto& c : cases) {
    std::string error;
    const bool loaded = load::parse_fault_value(c.kind, c.text, error).has_value();
    EXPECT_EQ(load::fault_value_in_range(c.kind, c.value), loaded) << c.text << ": " << error;
  }
  EXPECT_TRUE(load::fault_value_in_range(load::FaultKind::LinkLoss, 100));
  EXPECT_FALSE(load::fault_value_in_range(load::FaultKind::LinkLoss, 100.5));
  EXPECT_FALSE(load::fault_value_in_range(load::FaultKind::CoreDnsSlow, 0));
  EXPECT_FALSE(load::fault_value_in_range(load::FaultKind::LinkDelay, 3600.5));
  EXPECT_FALSE(load::fault_value_in_range(load::FaultKind::KubeProxyDown, 1));  // takes no value
}

TEST(FaultLoader, AnUnknownNodeIsAnErrorAtTheFault) {
  load::Diagnostics diags;
  auto s = load::load_scenario(write_scenario("unknown", "faults: [{linkDelay: {node: node-9, latency: 1ms}}]\n"), diags);
  ASSERT_FALSE(diags.has_errors());
  EXPECT_EQ(cluster::Cluster::build(s, diags), nullptr);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_THAT(load::format_diagnostic(diags.all().back()),
              HasSubstr("no node \"node-9\" in the cluster (linkDelay: {node: node-9, latency: 1ms})"));
}

TEST(CoreDnsDown, KubeDnsLosesItsEndpointsAndKubeProxysRejectDecides) {
  auto w = build("down", "faults: [{coreDnsDown: true}]\n");
  ASSERT_TRUE(w.cluster);
  for (const auto& p : w.cluster->inventory().pods) EXPECT_FALSE(dns::is_coredns_pod(p)) << p.name;
  auto t = w.connect("api:80");
  ASSERT_TRUE(t && t->dns);
  EXPECT_EQ(t->dns->result.status, dns::LookupStatus::Refused);
  EXPECT_FALSE(t->destination);
  // The query died at a REJECT rule that `packetwalk rules` prints for node-1: the same object.
  const auto* drop = first_drop(t->dns->probes.front().trace);
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->drop_reason, trace::DropReason::NetfilterReject);
  EXPECT_THAT(drop->detail, HasSubstr("kube-system/kube-dns:dns has no endpoints"));
  const auto& filter = w.cluster->topology().netns(*w.cluster->node_netns("node-1")).netfilter.filter;
  EXPECT_THAT(datapath::save_table(filter), HasSubstr(drop->detail));
  // By address, the Service works.
  EXPECT_EQ(w.probe("default/api:80").trace.disposition, trace::Disposition::Connected);
}

TEST(CoreDnsDown, TheTimelinesScaleOfKubeadmsDeploymentDoesTheSame) {
  load::Diagnostics diags;
  auto s = load::load_scenario(
      write_scenario("scale", "timeline: [{at: 30s, scale: {kind: Deployment, namespace: kube-system, name: coredns, replicas: 0}}]\n"),
      diags);
  ASSERT_FALSE(diags.has_errors());
  auto states = cluster::build_timeline(s, {0, 30}, diags);
  ASSERT_EQ(states.size(), 2u) << (diags.all().empty() ? "" : load::format_diagnostic(diags.all().front()));
  auto coredns = [](const cluster::Cluster& c) {
    return std::count_if(c.inventory().pods.begin(), c.inventory().pods.end(), dns::is_coredns_pod);
  };
  EXPECT_EQ(coredns(*states[0].cluster), 2);
  EXPECT_EQ(coredns(*states[1].cluster), 0);
}

TEST(CoreDnsSlow, TheAnswerComesThatMuchLater) {
  auto w = build("slow", "faults: [{coreDnsSlow: {latency: 2s}}]\n");
  ASSERT_TRUE(w.cluster);
  auto t = w.connect("api:80");
  ASSERT_TRUE(t && t->dns);
  const auto& r = t->dns->result;
  ASSERT_EQ(r.status, dns::LookupStatus::Success) << r.reason;
  ASSERT_EQ(r.exchanges.size(), 2u);  // A and AAAA of api.default.svc.cluster.local, together
  EXPECT_GE(r.elapsed, sim::Time::s(2));
  EXPECT_LT(r.elapsed, sim::Time::s(2) + sim::Time::ms(1));
  // The reply leg leaves the CoreDNS pod 2s after the query reached it.
  const auto& legs = t->dns->probes.front().trace.legs;
  ASSERT_GE(legs.size(), 2u);
  EXPECT_GE(legs[1].hops.front().time - legs[0].hops.back().time, sim::Time::s(2));
  EXPECT_THAT(legs[1].name, HasSubstr("coreDnsSlow"));
}

TEST(CoreDnsSlow, SlowerThanTheTimeoutTheRetryTakesTheFirstQuerysLateAnswer) {
  auto w = build("slower", "faults: [{coreDnsSlow: {latency: 6s}}]\n");
  ASSERT_TRUE(w.cluster);
  auto t = w.connect("api:80");
  ASSERT_TRUE(t && t->dns);
  const auto& r = t->dns->result;
  ASSERT_EQ(r.status, dns::LookupStatus::Success) << r.reason;
  ASSERT_EQ(r.exchanges.size(), 4u);  // A+AAAA timed out at 5s, sent again
  for (std::size_t i : {0u, 1u}) {
    EXPECT_TRUE(r.exchanges[i].late) << i;
    EXPECT_EQ(r.exchanges[i].waited, sim::Time::s(5)) << i;
    EXPECT_EQ(r.exchanges[i + 2].query.attempt, 2);
    EXPECT_EQ(r.exchanges[i + 2].query.message.id, r.exchanges[i].query.message.id);  // glibc resends the same query
    EXPECT_EQ(r.exchanges[i + 2].query.socket, r.exchanges[i].query.socket);
    EXPECT_EQ(r.exchanges[i + 2].answered_by_earlier, std::optional<std::size_t>(i));
    EXPECT_EQ(r.exchanges[i + 2].sent, sim::Time::s(5));
  }
  EXPECT_GE(r.elapsed, sim::Time::s(6));
  EXPECT_LT(r.elapsed, sim::Time::s(6) + sim::Time::ms(1));
  ASSERT_TRUE(t->destination);
}

TEST(CoreDnsSlow, SlowerThanEveryTryTheLookupTimesOut) {
  auto w = build("slowest", "faults: [{coreDnsSlow: {latency: 11s}}]\n");
  ASSERT_TRUE(w.cluster);
  auto t = w.connect("api:80");
  ASSERT_TRUE(t && t->dns);
  EXPECT_EQ(t->dns->result.status, dns::LookupStatus::Timeout) << t->dns->result.reason;
  EXPECT_EQ(dns::failed_lookup_outcome(t->dns->result), "timeout");
}

TEST(LinkDelay, FramesLeavingTheNodeWaitAtItsEth0) {
  auto healthy = build("no-delay", "");
  auto w = build("delay", "faults: [{linkDelay: {node: node-1, latency: 50ms}}]\n");
  ASSERT_TRUE(w.cluster && healthy.cluster);
  auto before = healthy.probe("default/api:80");
  auto r = w.probe("default/api:80");
  ASSERT_EQ(r.trace.disposition, trace::Disposition::Connected) << r.trace.reason;
  // SYN and ACK leave node-1 by its eth0; the SYN-ACK leaves node-2 undelayed.
  EXPECT_EQ(last_hop(r.trace) - last_hop(before.trace), sim::Time::ms(100));
  bool seen = false;
  for (const auto& h : r.trace.legs.front().hops)
    if (h.netns == "node-1" && h.iface == "eth0" && h.action == trace::HopAction::Transmit) {
      EXPECT_EQ(h.detail, "after netem delay 50ms");
      EXPECT_GE(h.time, sim::Time::ms(50));
      seen = true;
    }
  EXPECT_TRUE(seen);
}

TEST(LinkLoss, EveryFrameLostTheSynIsResentAtLinuxsBackoffThenGivenUp) {
  auto w = build("loss-all", "faults: [{linkLoss: {node: node-1, percent: 100}}]\n");
  ASSERT_TRUE(w.cluster);
  auto r = w.probe("default/api:80");
  EXPECT_EQ(r.trace.disposition, trace::Disposition::Timeout);
  EXPECT_THAT(r.trace.reason, HasSubstr("link-loss at node-1 eth0"));
  std::vector<std::string> names;
  std::vector<sim::Time> sent;
  for (const auto& leg : r.trace.legs) {
    names.push_back(leg.name);
    sent.push_back(leg.hops.front().time);
  }
  ASSERT_EQ(names.size(), 7u);  // the SYN and tcp_syn_retries = 6 retransmissions
  EXPECT_EQ(names[1], "SYN (retransmission 1)");
  EXPECT_EQ(names[6], "SYN (retransmission 6)");
  EXPECT_THAT(sent, ElementsAre(sim::Time::s(0), sim::Time::s(1), sim::Time::s(3), sim::Time::s(7), sim::Time::s(15),
                                sim::Time::s(31), sim::Time::s(63)));
  EXPECT_TRUE(query::dropped_in_datapath(r.trace));
}

TEST(LinkLoss, TheSeedDecidesWhichFramesAreLostRunAfterRun) {
  auto lost_legs = [](World& w) {
    std::vector<std::string> out;
    for (int i = 0; i < 20; ++i) {
      auto r = w.probe("default/api:80");
      EXPECT_EQ(r.trace.disposition, trace::Disposition::Connected) << r.trace.reason;
      std::string line;
      for (const auto& leg : r.trace.legs) line += leg.name + "@" + sim::format_time(leg.hops.front().time) + " ";
      out.push_back(line);
    }
    return out;
  };
  const std::string fault = "faults: [{linkLoss: {node: node-1, percent: 30}}, {linkLoss: {node: node-2, percent: 30}}]\n";
  auto a = build("loss-a", fault), b = build("loss-b", fault);
  ASSERT_TRUE(a.cluster && b.cluster);
  auto first = lost_legs(a), second = lost_legs(b);
  EXPECT_EQ(first, second);
  // 30% each way over 20 handshakes: some SYN, SYN-ACK or ACK went missing and was recovered.
  bool syn_again = false, synack_again = false;
  for (const auto& line : first) {
    syn_again = syn_again || line.find("SYN (retransmission 1)") != std::string::npos;
    synack_again = synack_again || line.find("SYN-ACK (retransmission 1)") != std::string::npos;
  }
  EXPECT_TRUE(syn_again);
  EXPECT_TRUE(synack_again);
  // Another seed loses other frames.
  auto c = build("loss-c", "cluster: {seed: 7}\n" + fault);
  ASSERT_TRUE(c.cluster);
  EXPECT_NE(lost_legs(c), first);
}

TEST(KubeProxyFaults, NftablesDownRemovesItsTableAndStaleWritesTheOldSync) {
  auto down = build("nft-down", "cluster: {proxyMode: nftables}\nfaults: [{kubeProxyDown: node-1}]\n");
  ASSERT_TRUE(down.cluster);
  const auto& topo = down.cluster->topology();
  EXPECT_EQ(topo.netns(*down.cluster->node_netns("node-1")).nft.find("ip", "kube-proxy"), nullptr);
  EXPECT_NE(topo.netns(*down.cluster->node_netns("node-2")).nft.find("ip", "kube-proxy"), nullptr);
  // No DNAT on node-1: the ClusterIP goes out the default route and the router has no route back.
  EXPECT_EQ(down.probe("default/api:80").trace.disposition, trace::Disposition::Unreachable);

  auto stale = build("nft-stale", "cluster: {proxyMode: nftables}\nfaults: [{kubeProxyStale: node-1, ignoreServices: [api]}]\n");
  ASSERT_TRUE(stale.cluster);
  auto r = stale.probe("default/api:80");
  // The old sync knew no such ClusterIP: its Service-CIDR rule drops the packet.
  EXPECT_EQ(r.trace.disposition, trace::Disposition::Timeout);
  EXPECT_THAT(r.trace.reason, HasSubstr("Drop traffic to unallocated ClusterIPs"));
}

TEST(KubeProxyFaults, IpvsDownLeavesNoVirtualServerNorServiceAddress) {
  auto w = build("ipvs-down", "cluster: {proxyMode: ipvs}\nfaults: [{kubeProxyDown: node-1}]\n");
  ASSERT_TRUE(w.cluster);
  const auto& topo = w.cluster->topology();
  const auto node1 = *w.cluster->node_netns("node-1");
  EXPECT_TRUE(topo.netns(node1).ipvs.empty());
  EXPECT_FALSE(topo.netns(*w.cluster->node_netns("node-2")).ipvs.empty());
  auto dummy = topo.find_iface(node1, "kube-ipvs0");
  ASSERT_TRUE(dummy);
  EXPECT_TRUE(topo.iface(*dummy).addresses.empty());
  for (const auto& [name, set] : topo.netns(node1).ipsets) EXPECT_NE(name.rfind("KUBE-", 0), 0u) << name;
  EXPECT_EQ(w.probe("default/api:80").trace.disposition, trace::Disposition::Unreachable);
}

}  // namespace
}  // namespace packetwalk::model
