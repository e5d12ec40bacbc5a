// The command line as a user meets it: subcommands called in-process with captured output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_command.h"

namespace packetwalk::ui::cli {
namespace {

namespace fs = std::filesystem;
const std::string kSrc = PACKETWALK_SOURCE_DIR;

using test::Result;
using test::run;
using test::call;


fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("pw-cli-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// Positions of `needles` in `hay`, each searched after the previous one.
bool appear_in_order(const std::string& hay, const std::vector<std::string>& needles, std::string& missing) {
  std::size_t at = 0;
  for (const auto& n : needles) {
    auto p = hay.find(n, at);
    if (p == std::string::npos) {
      missing = n;
      return false;
    }
    at = p + n.size();
  }
  return true;
}

TEST(TraceCommand, CrossNodeShowsEveryFlannelVxlanHopInBothDirections) {
  auto r = call(cmd_trace, {"trace", "-f", kSrc + "/scenarios/seed/manifests/pods-two-nodes.yaml", "--from",
                            "default/client", "--to", "default/server-remote:8080"});
  ASSERT_EQ(r.code, 0) << r.err;
  // k8s-semantics §7.4 B, forward direction.
  std::string missing;
  EXPECT_TRUE(appear_in_order(r.out,
                              {"SYN ", "default/client eth0", "route 10.244.0.0/16 via 10.244.0.1 dev eth0",
                               "node-1 veth", "route 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink",
                               "encapsulate VXLAN VNI 1 to 192.168.0.12:8472", "node-1 eth0", "transmit 192.168.0.11",
                               "node-2 eth0", "receive 192.168.0.11", "decapsulate VXLAN VNI 1 from 192.168.0.11",
                               "route 10.244.1.0/24 dev cni0", "bridge cni0 -> veth", "default/server-remote eth0",
                               "deliver accepted by http"},
                              missing))
      << "missing or out of order: " << missing << "\n" << r.out;
  // And the reply mirrors it from node-2.
  EXPECT_TRUE(appear_in_order(r.out,
                              {"SYN-ACK ", "default/server-remote eth0", "encapsulate VXLAN VNI 1 to 192.168.0.11:8472",
                               "decapsulate VXLAN VNI 1 from 192.168.0.12", "default/client eth0",
                               "deliver delivered to the client socket", "ACK ", "connection established",
                               "result: connected"},
                              missing))
      << "missing or out of order: " << missing << "\n" << r.out;
}

TEST(TraceCommand, JsonHasVersionedSchemaVerdictAndHops) {
  auto r = call(cmd_trace, {"trace", "-f", kSrc + "/scenarios/seed/manifests/pods-two-nodes.yaml", "--from", "client",
                            "--to", "server-local:8080", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"schema\": \"packetwalk/trace/v1\""), std::string::npos);
  EXPECT_NE(r.out.find("\"verdict\": \"connected\""), std::string::npos);
  EXPECT_NE(r.out.find("\"hops\": ["), std::string::npos);
  EXPECT_NE(r.out.find("\"action\": \"bridge\""), std::string::npos);
}

TEST(TraceCommand, UnknownPodIsABadInputWithTheNameInTheMessage) {
  auto r = call(cmd_trace, {"trace", "-f", kSrc + "/scenarios/seed/manifests/pods-two-nodes.yaml", "--from", "nobody",
                            "--to", "server-local:8080"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no pod \"nobody\" in namespace \"default\""), std::string::npos) << r.err;
}

TEST(TraceCommand, SameInputsInAnyFileOrderGiveIdenticalOutput) {
  const std::string pods = R"(apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: a}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
)";
  const std::string more = R"(apiVersion: v1
kind: Pod
metadata: {name: c}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: d}
spec: {containers: [{name: c, image: x}]}
)";
  auto one = temp_dir("order-1");
  auto two = temp_dir("order-2");
  write(one / "a.yaml", pods);
  write(one / "b.yaml", more);
  write(two / "a.yaml", more);  // same objects, opposite file order
  write(two / "b.yaml", pods);
  for (const std::string to : {"a:80", "b:80", "c:80"}) {
    auto r1 = call(cmd_trace, {"trace", "-f", one.string(), "--from", "d", "--to", to});
    auto r2 = call(cmd_trace, {"trace", "-f", two.string(), "--from", "d", "--to", to});
    ASSERT_EQ(r1.code, 0) << r1.err;
    EXPECT_EQ(r1.out, r2.out);
  }
  fs::remove_all(one);
  fs::remove_all(two);
}

TEST(BadInput, MalformedYamlNamesFileAndLineAndExitsTwo) {
  auto dir = temp_dir("bad-yaml");
  write(dir / "broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
  auto r = call(cmd_trace, {"trace", "-f", (dir / "broken.yaml").string(), "--from", "a", "--to", "b:80"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("broken.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  fs::remove_all(dir);
}

TEST(BadInput, MissingFileIsNamed) {
  auto r = call(cmd_trace, {"trace", "-f", "/nonexistent/pw.yaml", "--from", "a", "--to", "b:80"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent/pw.yaml"), std::string::npos) << r.err;
}

TEST(BadInput, InvalidPodNameIsAnErrorNamingTheObject) {
  auto dir = temp_dir("bad-name");
  write(dir / "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web_App\nspec:\n  containers:\n  - name: c\n    image: x\n");
  auto r = call(cmd_trace, {"trace", "-f", dir.string(), "--from", "a", "--to", "b:80"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("pod.yaml:4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Web_App"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(BadInput, UnknownKindIsAWarningAndTheRunGoesOn) {
  auto dir = temp_dir("unknown-kind");
  write(dir / "x.yaml",
        "apiVersion: example.com/v1\nkind: Frobnicator\nmetadata:\n  name: f\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: x\n"
        "    ports:\n    - containerPort: 80\n");
  auto r = call(cmd_trace, {"trace", "-f", dir.string(), "--from", "a", "--to", "localhost:80"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("x.yaml:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Frobnicator"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("result: connected"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RunCommand, FailingExpectationExitsOneAndSaysWhatDiffered) {
  auto dir = temp_dir("failing");
  write(dir / "s.yaml", "apiVersion: packetwalk/v1\nkind: Scenario\nmanifests:\n  - " + kSrc +
                            "/scenarios/seed/manifests/web-app.yaml\nprobes:\n  - name: wrong\n    from: web-app\n"
                            "    to: localhost:7070\n    expect: connected\n");
  auto r = call(cmd_run, {"run", (dir / "s.yaml").string(), "-q"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL wrong"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected outcome connected, got refused"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 passed, 1 failed"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(RunCommand, ScenarioWithBadClusterCidrIsRejected) {
  auto dir = temp_dir("bad-cidr");
  write(dir / "s.yaml", "apiVersion: packetwalk/v1\nkind: Scenario\ncluster:\n  podCIDR: 10.244.0.0/33\n");
  auto r = call(cmd_run, {"run", (dir / "s.yaml").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:4:"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

// A timeline entry no probe waits for is still played: its mistake is an error, not skipped.
TEST(RunCommand, TimelineEntryAfterTheLastProbeIsStillChecked) {
  auto dir = temp_dir("late-timeline");
  write(dir / "s.yaml", "apiVersion: packetwalk/v1\nkind: Scenario\ntimeline:\n"
                        "  - {at: 10s, scale: {kind: Deployment, name: nope, replicas: 1}}\n"
                        "probes:\n  - {name: early, at: 5s, from: default/coredns, to: \"1.1.1.1:53\"}\n");
  auto r = call(cmd_run, {"run", (dir / "s.yaml").string(), "-q"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:4:5: error: timeline at 10s: scale:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  fs::remove_all(dir);
}

TEST(VersionCommand, PrintsTheProjectVersion) {
  auto r = call(cmd_version, {"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("packetwalk ", 0), 0u);
}

// reach refuses above 1,000,000 cells unless told --all-pairs, and with --services the Service rows
// count: 150 pods with no declared port give no pod cells, but a 50-port Service over all of them
// gives 150 clients x 50 ports x 150 backends = 1,125,000 (client, Service port, backend) cells.
TEST(ReachCommand, ServiceRowsCountTowardsTheCellLimit) {
  auto dir = temp_dir("reach-cells");
  std::string ports;
  for (int p = 1; p <= 50; ++p) ports += "{name: p" + std::to_string(p) + ", port: " + std::to_string(p) + "}, ";
  write(dir / "m.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: many}\nspec:\n  replicas: 150\n"
        "  selector: {matchLabels: {app: many}}\n  template:\n    metadata: {labels: {app: many}}\n"
        "    spec: {containers: [{name: c, image: busybox}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: wide}\nspec:\n  selector: {app: many}\n  ports: [" +
            ports + "]\n");
  const std::string manifest = (dir / "m.yaml").string();
  auto refused = call(cmd_reach, {"reach", "-f", manifest, "--services"});
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("150 pods give 0 (from, to, port) cells and up to 1125000 (client, Service port, "
                             "backend) cells, more than 1000000"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("--all-pairs"), std::string::npos);
  EXPECT_TRUE(refused.out.empty());
  // Without --services the same cluster has no pod cells to refuse.
  auto pods_only = call(cmd_reach, {"reach", "-f", manifest, "-o", "csv"});
  EXPECT_EQ(pods_only.code, 0) << pods_only.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace packetwalk::ui::cli
