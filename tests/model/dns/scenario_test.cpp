// The shipped DNS scenarios end to end: every query a packet through kube-proxy to a CoreDNS pod,
// and every expectation of every scenario in scenarios/dns met.
#include <gtest/gtest.h>

#include <filesystem>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/dns/resolve_target.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::model::dns {
namespace {

const std::string kScenarios = std::string(PACKETWALK_SOURCE_DIR) + "/scenarios/dns";

std::unique_ptr<cluster::Cluster> load(const std::string& file) {
  load::Diagnostics diags;
  auto s = load::load_scenario(kScenarios + "/" + file, diags);
  auto c = diags.has_errors() ? nullptr : cluster::Cluster::build(s, diags);
  for (const auto& d : diags.all())
    if (d.severity == load::Severity::Error) ADD_FAILURE() << load::format_diagnostic(d);
  return c;
}

struct Run {
  std::unique_ptr<cluster::Cluster> cluster;
  std::unique_ptr<query::ProbeRunner> runner;
  std::optional<ResolvedTarget> target;
};

Run resolve_from(const std::string& file, const std::string& from, const std::string& to) {
  Run r;
  r.cluster = load(file);
  if (!r.cluster) return r;
  r.runner = std::make_unique<query::ProbeRunner>(r.cluster->topology(), r.cluster->spec().seed);
  r.runner->set_applications(&r.cluster->applications());
  std::string error;
  auto src = query::resolve_source(*r.cluster, from, "default", error);
  EXPECT_TRUE(src) << error;
  if (!src) return r;
  r.target = resolve_target(*r.cluster, *r.runner, to, *src, "default", error);
  EXPECT_TRUE(r.target) << error;
  return r;
}

TEST(DnsScenario, SeedArticleDialTakesFourNamesAndReachesTheServiceThroughCoreDns) {
  auto run = resolve_from("grpc-dial-fqdn.yaml", "default/pod-a", "api-server.default.svc.cluster.local:80");
  ASSERT_TRUE(run.target && run.target->dns);
  const auto& lookup = *run.target->dns;
  const auto& r = lookup.result;
  ASSERT_EQ(r.status, LookupStatus::Success) << r.reason;
  ASSERT_EQ(r.exchanges.size(), 8u);
  for (std::size_t i = 0; i < 6; ++i) {
    ASSERT_TRUE(r.exchanges[i].reply.message) << i;
    EXPECT_EQ(r.exchanges[i].reply.message->rcode, Rcode::NxDomain) << i;
  }
  EXPECT_EQ(r.answered_name, "api-server.default.svc.cluster.local.");  // the 4th candidate (§8 item 7)
  const auto* svc = run.cluster->services().find("default", "api-server");
  EXPECT_EQ(r.addresses, std::vector<net::Ipv4Address>{*svc->cluster_ip});
  EXPECT_TRUE(r.exchanges[7].reply.message->answers.empty());  // AAAA: NODATA

  for (std::size_t i = 0; i < 8; ++i) {
    auto path = exchange_path(lookup.probes[i]);
    EXPECT_EQ(path.answered_by.rfind("kube-system/coredns-", 0), 0u) << path.answered_by;
    EXPECT_EQ(path.dnat_node, "node-1");
    EXPECT_EQ(path.dnat_before, "10.96.0.10:53");
    // The AAAA query follows the A query's conntrack entry to the same CoreDNS pod.
    if (i % 2 == 1) {
      EXPECT_EQ(path.dnat_rule, "conntrack");
      EXPECT_EQ(path.answered_by, exchange_path(lookup.probes[i - 1]).answered_by);
      EXPECT_EQ(lookup.probes[i].tuple.sport, lookup.probes[i - 1].tuple.sport);
    } else {
      EXPECT_EQ(path.dnat_rule.rfind("KUBE-SEP-", 0), 0u) << path.dnat_rule;
    }
  }
  ASSERT_TRUE(run.target->destination);
  EXPECT_EQ(run.target->destination->address, *svc->cluster_ip);
  // The queries went through the kube-dns UDP chain, whose name is the same in every cluster.
  EXPECT_TRUE(query::trace_passes_via(lookup.probes[0].trace, "KUBE-SVC-TCOU7JCQXEZGVUNU"));
}

TEST(DnsScenario, CoreDnsScaledToZeroIsRefusedAtOnce) {
  auto run = resolve_from("coredns-scaled-to-zero.yaml", "default/pod-a", "api-server:80");
  ASSERT_TRUE(run.target && run.target->dns);
  const auto& r = run.target->dns->result;
  EXPECT_EQ(r.status, LookupStatus::Refused);
  EXPECT_EQ(failed_lookup_outcome(r), "refused");
  EXPECT_FALSE(run.target->destination);
  EXPECT_LT(r.elapsed, sim::Time::ms(1));
}

TEST(DnsScenario, DroppedQueriesTimeOutAfterTwentySeconds) {
  auto run = resolve_from("dns-local-traffic-policy.yaml", "default/pod-a", "api-server:80");
  ASSERT_TRUE(run.target && run.target->dns);
  const auto& r = run.target->dns->result;
  EXPECT_EQ(r.status, LookupStatus::Timeout);
  EXPECT_EQ(r.elapsed, sim::Time::s(20));  // first search name 2 x 5 s, then the name as is 2 x 5 s
  EXPECT_EQ(r.candidates, (std::vector<std::string>{"api-server.default.svc.cluster.local.", "api-server."}));
}

TEST(DnsScenario, EveryShippedExpectationHolds) {
  for (const auto& entry : std::filesystem::directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".yaml") continue;
    auto c = load(entry.path().filename().string());
    ASSERT_TRUE(c) << entry.path();
    query::ProbeRunner runner(c->topology(), c->spec().seed);
    runner.set_applications(&c->applications());
    for (const auto& probe : c->scenario().probes) {
      std::string error;
      auto src = query::resolve_source(*c, probe.from, "default", error);
      ASSERT_TRUE(src) << error;
      auto target = resolve_target(*c, runner, probe.to, *src, "default", error);
      ASSERT_TRUE(target) << probe.name << ": " << error;
      query::ProbeResult result;
      if (target->destination) {
        query::ProbeTarget t;
        t.from = src->netns;
        t.dst = target->destination->address;
        t.port = target->destination->port;
        t.protocol = *net::parse_kube_protocol(probe.protocol);
        result = runner.run(t);
      } else {
        result = unresolved_result(*target->dns);
      }
      auto check = check_expectation(probe.expect, target->dns, result);
      EXPECT_TRUE(check.passed) << entry.path().filename() << " " << probe.name << ": "
                                << testing::PrintToString(check.failures);
    }
  }
}

}  // namespace
}  // namespace packetwalk::model::dns
