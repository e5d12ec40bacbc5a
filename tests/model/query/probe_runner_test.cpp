// A ProbeRunner keeps one simulator for all its probes (restarted between them, for speed). A probe's
// trace must still read as if it ran alone: the clock starts at zero, the event count is its own,
// and nothing an earlier probe left queued or tracked shows up in it.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::model::query {
namespace {

const char* kManifests = R"(
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: node-1, containers: [{name: c, image: curl}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {nodeName: node-2, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
)";

std::unique_ptr<cluster::Cluster> build() {
  load::Diagnostics diags;
  load::Scenario s;
  s.path = "probe-runner-test";
  s.cluster = load::default_cluster_spec();
  s.manifests = load::load_manifest_text(kManifests, "probe-runner-test.yaml", 0, diags);
  auto c = cluster::Cluster::build(s, diags);
  EXPECT_FALSE(diags.has_errors());
  return c;
}

// Every hop's time, place, action and packet, as one comparable string.
std::string fingerprint(const ProbeResult& r) {
  std::string out = std::string(trace::disposition_name(r.trace.disposition)) + " events " +
                    std::to_string(r.trace.events) + "\n";
  for (const auto& leg : r.trace.legs) {
    out += leg.name + "\n";
    for (const auto& h : leg.hops)
      out += std::to_string(h.time.count_ns()) + " " + h.netns + " " + h.iface + " " +
             std::string(trace::action_name(h.action)) + " " + h.packet.summary() + " " + h.detail.str() + "\n";
  }
  return out;
}

TEST(ProbeRunner, AProbeAfterOthersTracesAsIfItRanAlone) {
  auto c = build();
  ASSERT_TRUE(c);
  ProbeTarget to_pod;
  to_pod.from = *c->pod_netns("default", "client");
  const auto web = *c->topology().find_iface(*c->pod_netns("default", "web"), "eth0");
  to_pod.dst = *c->topology().iface(web).primary_address();
  to_pod.port = 8080;
  to_pod.sport = 40000;  // fixed, so the traces can be compared byte for byte

  ProbeRunner alone(c->topology(), 7);
  const std::string expected = fingerprint(alone.run(to_pod));
  ASSERT_NE(expected.find("connected"), std::string::npos) << expected;

  ProbeRunner busy(c->topology(), 7);
  ProbeTarget to_service = to_pod;
  to_service.dst = *c->services().find("default", "web")->cluster_ip;
  to_service.port = 80;
  ProbeTarget refused = to_pod;
  refused.port = 9999;  // nothing listens: RST
  EXPECT_EQ(busy.run(to_service).trace.disposition, trace::Disposition::Connected);
  EXPECT_EQ(busy.run(refused).trace.disposition, trace::Disposition::Refused);
  const ProbeResult again = busy.run(to_pod);
  EXPECT_EQ(fingerprint(again), expected);
  EXPECT_EQ(again.trace.legs.front().hops.front().time, sim::Time::zero());
}

}  // namespace
}  // namespace packetwalk::model::query
