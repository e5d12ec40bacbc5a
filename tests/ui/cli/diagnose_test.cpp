// diagnose's verdicts on the labs (every lab's layer, flannel's unenforced policy, the Gateway
// layer) and the `expect: dropped` expectation, called in-process. Part of suite_tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "../../../ui/cli/suite.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/fault_spec.h"
#include "packetwalk/model/query/diagnose.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::ui::cli {
namespace {

namespace fs = std::filesystem;
using model::query::Diagnosis;
const std::string kSrc = PACKETWALK_SOURCE_DIR;

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("pw-diagnose-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::unique_ptr<model::cluster::Cluster> build(const std::string& path, model::load::Diagnostics& diags,
                                               bool with_fix = false) {
  auto scenario = model::load::load_scenario(path, diags);
  if (with_fix && scenario.lab) model::load::apply_fix(scenario, model::load::load_fix(scenario.lab->fix, diags), diags);
  if (diags.has_errors()) return nullptr;
  return model::cluster::Cluster::build(scenario, diags);
}

// `expect: dropped`: the datapath discarded a packet of an exchange that did not connect, whatever
// the client saw (a policy's DROP: timeout; kube-proxy's REJECT: refused; a DNS query dropped by an
// egress policy). A connection, or a RST from a closed port, is not dropped.
TEST(Expect, DroppedMeansTheDatapathDiscardedAPacket) {
  const auto dir = temp_dir("dropped");
  const std::string labs = kSrc + "/scenarios/labs/manifests/";
  write(dir / "dropped.yaml", R"(apiVersion: packetwalk/v1
kind: Scenario
metadata: {name: dropped}
cluster: {cni: calico}
manifests:
  - )" + labs + R"(clients.yaml
  - )" + labs + R"(api.yaml
  - )" + labs + R"(api-service.yaml
  - inline: |
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: api-allow-clients}
      spec:
        podSelector: {matchLabels: {app: api}}
        policyTypes: [Ingress]
        ingress:
        - from: [{podSelector: {matchLabels: {role: client}}}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: lonely-no-egress}
      spec:
        podSelector: {matchLabels: {role: lonely}}
        policyTypes: [Egress]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: nobody}
      spec:
        selector: {app: nobody}
        ports: [{port: 80, targetPort: 8080}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: batch, labels: {role: batch}}
      spec: {nodeName: node-1, containers: [{name: job, image: busybox:1.36}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: lonely, labels: {role: lonely}}
      spec: {nodeName: node-1, containers: [{name: job, image: busybox:1.36}]}
probes:
  - {name: policy-drop, from: default/batch, to: default/api:80, expect: dropped}
  - name: policy-drop-by-name
    from: default/batch
    to: default/api:80
    expect: {outcome: dropped, droppedBy: NetworkPolicy/api-allow-clients}
  - {name: reject-no-endpoints, from: default/client, to: default/nobody:80, expect: dropped}
  - {name: dns-query-dropped, from: default/lonely, to: "api:80", expect: dropped}
  - {name: connected-is-not-dropped, from: default/client, to: default/api:80, expect: dropped}
  - {name: rst-is-not-dropped, from: default/client, to: "default/batch:80", expect: dropped}
)");
  const auto res = run_suite_file((dir / "dropped.yaml").string(), {});
  std::map<std::string, TestCase> cases;
  for (const auto& c : res.cases) cases[c.name] = c;
  ASSERT_EQ(cases.size(), 6u) << (res.cases.empty() ? res.diagnostics : res.cases.front().message);
  for (const char* pass : {"policy-drop", "policy-drop-by-name", "reject-no-endpoints", "dns-query-dropped"})
    EXPECT_EQ(cases[pass].status, TestCase::Status::Passed) << pass << ": " << cases[pass].message;
  EXPECT_EQ(cases["connected-is-not-dropped"].status, TestCase::Status::Failed);
  EXPECT_NE(cases["connected-is-not-dropped"].message.find("expected outcome dropped, got connected"), std::string::npos)
      << cases["connected-is-not-dropped"].message;
  EXPECT_EQ(cases["rst-is-not-dropped"].status, TestCase::Status::Failed);
  EXPECT_NE(cases["rst-is-not-dropped"].message.find("got refused with no packet dropped in the datapath"),
            std::string::npos)
      << cases["rst-is-not-dropped"].message;
  fs::remove_all(dir);
}

std::string diagnosed_layer(const std::string& lab, const std::string& from, const std::string& to, bool with_fix) {
  model::load::Diagnostics diags;
  auto c = build(kSrc + "/scenarios/labs/" + lab, diags, with_fix);
  if (!c) return "<no cluster>";
  model::query::ProbeRunner runner(c->topology(), c->spec().seed);
  runner.set_applications(&c->applications());
  std::string error;
  auto d = model::query::diagnose(*c, runner, {from, to, "TCP", "default"}, error);
  return d ? d->failed_layer : "<" + error + ">";
}

TEST(Diagnose, NamesTheLayerOfEachLabAndNothingOnceFixed) {
  EXPECT_EQ(diagnosed_layer("selector-typo.yaml", "default/client", "default/api:80", false), "endpoints");
  EXPECT_EQ(diagnosed_layer("selector-typo.yaml", "default/client", "default/api:80", true), "");
  EXPECT_EQ(diagnosed_layer("mtu-vxlan.yaml", "default/client", "default/api-1:8080", false), "cni");
  EXPECT_EQ(diagnosed_layer("mtu-vxlan.yaml", "default/client", "default/api-1:8080", true), "");
  EXPECT_EQ(diagnosed_layer("external-traffic-local.yaml", "external/client", "node/node-1:30081", false), "kube-proxy");
  EXPECT_EQ(diagnosed_layer("target-port-mismatch.yaml", "default/client", "api:80", false), "listener");
}

// The readiness, CNI-device, DNS, policy and Ingress labs: the planted fault is named, and once the lab's
// fix is applied diagnose finds nothing (so the fix repairs what diagnose blamed).
TEST(Diagnose, NamesTheLayerOfTheLaterLabsAndNothingOnceFixed) {
  struct Lab {
    const char* file;
    const char* from;
    const char* to;
    const char* layer;
  };
  const Lab labs[] = {
      {"pods-not-ready.yaml", "default/client", "default/api:80", "endpoints"},
      {"flannel-device-down.yaml", "default/client", "default/api:80", "cni"},
      {"coredns-scaled-to-zero.yaml", "default/client", "api:80", "dns"},
      {"dns-wrong-namespace.yaml", "shop/frontend", "api:80", "dns"},
      {"default-deny-blocks-dns.yaml", "default/client", "api:80", "dns"},
      {"policy-wrong-port.yaml", "default/client", "default/api:80", "policy"},
      {"policy-and-or.yaml", "monitoring/prometheus", "default/api-1:8080", "policy"},
      {"ingress-path-type.yaml", "external/client", "http://shop.example.com/api/v1/users", "ingress"},
      {"ingress-class-name.yaml", "external/client", "http://api.example.com/v1/users", "ingress"},
  };
  for (const auto& lab : labs) {
    EXPECT_EQ(diagnosed_layer(lab.file, lab.from, lab.to, false), lab.layer) << lab.file;
    EXPECT_EQ(diagnosed_layer(lab.file, lab.from, lab.to, true), "") << lab.file << " with its fix";
  }
  // flannel ignores policies: the connection the policy should stop succeeds, and diagnose names the
  // policy layer for that (written, not enforced); with calico it is the policy that denies it.
  EXPECT_EQ(diagnosed_layer("flannel-ignores-policy.yaml", "default/batch", "default/api:80", false), "policy");
  EXPECT_EQ(diagnosed_layer("flannel-ignores-policy.yaml", "default/batch", "default/api:80", true), "policy");
}

Diagnosis diagnosed(const std::string& lab, const std::string& from, const std::string& to, bool with_fix) {
  model::load::Diagnostics diags;
  auto c = build(kSrc + "/scenarios/labs/" + lab, diags, with_fix);
  if (!c) return {};
  model::query::ProbeRunner runner(c->topology(), c->spec().seed);
  runner.set_applications(&c->applications());
  std::string error;
  auto d = model::query::diagnose(*c, runner, {from, to, "TCP", "default"}, error);
  return d ? *d : Diagnosis{};
}

const model::query::DiagnoseStep* failed_step(const Diagnosis& d) {
  for (const auto& s : d.steps)
    if (s.status == model::query::StepStatus::Failed) return &s;
  return nullptr;
}

// The two policy verdicts are told apart: under flannel the step says the policy is not enforced
// (and how to check the CNI); under calico it is the evaluator's denial.
TEST(Diagnose, FlannelPolicyIsNamedAsWrittenButNotEnforced) {
  const auto before = diagnosed("flannel-ignores-policy.yaml", "default/batch", "default/api:80", false);
  const auto* step = failed_step(before);
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->layer, "policy");
  EXPECT_NE(step->summary.find("api-allow-clients"), std::string::npos) << step->summary;
  EXPECT_NE(step->summary.find("cni flannel enforces no NetworkPolicy"), std::string::npos) << step->summary;
  EXPECT_NE(step->fix.find("kubectl get daemonsets -A"), std::string::npos) << step->fix;
  EXPECT_NE(step->fix.find("Calico"), std::string::npos);
  // The probe that shows it still connects: nothing is dropped, the policy is simply not there.
  EXPECT_EQ(before.steps.back().status, model::query::StepStatus::NotChecked);
  const auto after = diagnosed("flannel-ignores-policy.yaml", "default/batch", "default/api:80", true);
  const auto* denied = failed_step(after);
  ASSERT_NE(denied, nullptr);
  EXPECT_EQ(denied->layer, "policy");
  EXPECT_EQ(denied->summary.find("enforces no NetworkPolicy"), std::string::npos) << denied->summary;
  // A client the policy admits: flannel or not, nothing to report.
  EXPECT_EQ(diagnosed_layer("flannel-ignores-policy.yaml", "default/client", "default/api:80", false), "");
}

// diagnose on a URL a Gateway serves: each reason a request is not routed is named as the gateway
// layer, with the Gateway's own words (route_gateway's decision, the routes' status conditions).
TEST(Diagnose, GatewayLayerNamesWhyARequestIsNotRouted) {
  const auto dir = temp_dir("gateway");
  write(dir / "gw.yaml", R"(apiVersion: packetwalk/v1
kind: Scenario
metadata: {name: gw}
manifests:
  - )" + kSrc + R"(/scenarios/ingress/manifests/gateway.yaml
  - inline: |
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: orphan}
      spec:
        parentRefs: [{name: web-gw, sectionName: https}]
        hostnames: [orphan.example.com]
        rules: [{backendRefs: [{name: api-v1, port: 80}]}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: empty}
      spec:
        parentRefs: [{name: web-gw}]
        hostnames: [empty.example.com]
        rules: [{backendRefs: [{name: nobody, port: 80}]}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: nobody}
      spec:
        selector: {app: nobody}
        ports: [{port: 80, targetPort: 8080}]
)");
  model::load::Diagnostics diags;
  auto c = build((dir / "gw.yaml").string(), diags);
  ASSERT_TRUE(c);
  model::query::ProbeRunner runner(c->topology(), c->spec().seed);
  runner.set_applications(&c->applications());
  auto run = [&](const std::string& url) {
    std::string error;
    auto d = model::query::diagnose(*c, runner, {"external/client", url, "TCP", "default"}, error);
    EXPECT_TRUE(d) << error;
    return d ? *d : Diagnosis{};
  };
  auto routing = [](const Diagnosis& d) {
    const auto* s = failed_step(d);
    if (!s) return std::string("ok");
    std::string text = s->summary + " | " + s->fix;
    for (const auto& e : s->evidence) text += " | " + e;
    return text;
  };
  // Routed: healthy, by the route `packetwalk routes --request` names.
  const auto ok = run("http://api.example.com/v1/users");
  EXPECT_EQ(ok.failed_layer, "");
  EXPECT_NE(ok.steps.back().summary.find("by HTTPRoute default/api (PathPrefix /v1)"), std::string::npos)
      << ok.steps.back().summary;
  struct Case {
    const char* url;
    const char* says;
  };
  const Case cases[] = {
      {"http://www.example.org/", "no programmed HTTP listener on port 80 accepts host www.example.org"},
      {"http://api.example.com:8080/v1", "no programmed HTTP listener on port 8080"},
      {"http://api.example.com/nothing", "no rule of the routes attached to listener http matches"},
      {"http://orphan.example.com/", "Accepted=False NoMatchingParent"},
      {"http://reports.example.com/", "no ReferenceGrant in default allows HTTPRoutes from team-b"},
      {"http://empty.example.com/", "Service default/nobody has no ready endpoints"},
  };
  for (const auto& k : cases) {
    const auto d = run(k.url);
    EXPECT_EQ(d.failed_layer, "gateway") << k.url << ": " << d.verdict;
    EXPECT_NE(routing(d).find(k.says), std::string::npos) << k.url << ": " << routing(d);
  }
  // The route that did not attach gets the attachment fix, not the path-match one.
  // Kept alive: failed_step points into the Diagnosis (ASan caught a pointer into a temporary).
  const auto orphan_diagnosis = run("http://orphan.example.com/");
  const auto orphan = failed_step(orphan_diagnosis);
  ASSERT_NE(orphan, nullptr);
  EXPECT_NE(orphan->fix.find("is not attached"), std::string::npos) << orphan->fix;
  fs::remove_all(dir);
}

// Every lab in scenarios/labs declares the layer diagnose must name, and `packetwalk test`'s lab
// check (the code path CI runs) passes for it: the fault breaks, the fix mends, diagnose names it.
TEST(Diagnose, EveryLabDeclaresItsLayerAndDiagnoseNamesIt) {
  std::vector<std::string> errors;
  const auto labs = find_scenarios({kSrc + "/scenarios/labs"}, errors);
  ASSERT_TRUE(errors.empty());
  ASSERT_GE(labs.size(), 12u);
  for (const auto& lab : labs) {
    const auto res = run_suite_file(lab, {});
    const auto diag = std::find_if(res.cases.begin(), res.cases.end(),
                                   [](const TestCase& c) { return c.name.rfind("diagnose names the ", 0) == 0; });
    ASSERT_NE(diag, res.cases.end()) << lab << ": no lab.layer, so diagnose is never checked";
    EXPECT_EQ(diag->status, TestCase::Status::Passed) << lab << ": " << diag->message;
  }
}

}  // namespace
}  // namespace packetwalk::ui::cli
