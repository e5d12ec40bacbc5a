// packetwalk test's pieces (JUnit escaping, shards, filters, scenario discovery), the faults a
// scenario plants and lab fixes, called in-process (diagnose and `expect: dropped`: diagnose_test.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../../ui/cli/junit.h"
#include "../../../ui/cli/suite.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/fault_spec.h"

namespace packetwalk::ui::cli {
namespace {

namespace fs = std::filesystem;
const std::string kSrc = PACKETWALK_SOURCE_DIR;

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("pw-suite-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(Junit, EscapesMarkupAndDropsCharactersXmlForbids) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'", true), "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
  EXPECT_EQ(xml_escape("line\nnext\ttab", true), "line&#10;next&#9;tab");
  EXPECT_EQ(xml_escape("line\nnext", false), "line\nnext");
  EXPECT_EQ(xml_escape(std::string("bell\x07 esc\x1b[0m"), false), "bell esc[0m");
}

TEST(Junit, OneSuitePerFileOneCasePerCheckWithCounts) {
  SuiteResult a;
  a.path = "scenarios/x.yaml";
  a.name = "x";
  a.cases = {{"ok", TestCase::Status::Passed, "", ""}, {"bad", TestCase::Status::Failed, "probe bad: <why>", "trace"}};
  SuiteResult b;
  b.path = "scenarios/y.yaml";
  b.name = "y";
  b.cases = {{"load", TestCase::Status::Error, "y.yaml:1:1: error", ""}};
  std::ostringstream out;
  write_junit(out, {a, b});
  const std::string xml = out.str();
  EXPECT_NE(xml.find("<testsuites name=\"packetwalk test\" tests=\"3\" failures=\"1\" errors=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"scenarios/x.yaml\" tests=\"2\" failures=\"1\" errors=\"0\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"probe bad: &lt;why&gt;\" type=\"expectation\">trace</failure>"), std::string::npos);
  EXPECT_NE(xml.find("classname=\"scenarios.x\""), std::string::npos);
  EXPECT_NE(xml.find("<error message=\"y.yaml:1:1: error\""), std::string::npos);
}

TEST(Shards, PartitionTheSortedListWhateverTheFilter) {
  std::vector<std::string> files;
  for (int i = 0; i < 10; ++i) files.push_back("s/" + std::to_string(i) + ".yaml");
  EXPECT_FALSE(parse_shard("0/3"));
  EXPECT_FALSE(parse_shard("4/3"));
  EXPECT_FALSE(parse_shard("1/0"));
  EXPECT_FALSE(parse_shard("x/3"));
  EXPECT_FALSE(parse_shard("2"));
  auto two = parse_shard("2/4");
  ASSERT_TRUE(two);
  EXPECT_EQ(select_scenarios(files, "", *two), (std::vector<std::string>{"s/1.yaml", "s/5.yaml", "s/9.yaml"}));
  std::vector<std::string> all;
  for (std::size_t i = 1; i <= 3; ++i) {
    for (const auto& f : select_scenarios(files, "", Shard{i, 3})) all.push_back(f);
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, files);
  EXPECT_EQ(select_scenarios(files, "*/[12].yaml", Shard{}), (std::vector<std::string>{"s/1.yaml", "s/2.yaml"}));
}

TEST(Discovery, FindsScenariosRecursivelyAndSkipsPlainManifests) {
  auto dir = temp_dir("discovery");
  const std::string scenario = "apiVersion: packetwalk/v1\nkind: Scenario\nmetadata:\n  name: named-one\n";
  write(dir / "b" / "two.yaml", scenario);
  write(dir / "a.yml", "apiVersion: packetwalk/v1\nkind: Scenario  # comment\nmetadata: {name: flow-name}\n");
  write(dir / "manifests" / "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n");
  write(dir / "notes.txt", scenario);
  std::vector<std::string> errors;
  auto found = find_scenarios({dir.string(), (dir / "b" / "two.yaml").string()}, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(found.size(), 2u);  // the file listed twice is found once
  EXPECT_EQ(found[0], (dir / "a.yml").lexically_normal().generic_string());
  EXPECT_EQ(scenario_name_hint(found[0]), "flow-name");
  EXPECT_EQ(scenario_name_hint(found[1]), "named-one");
  find_scenarios({(dir / "manifests" / "pod.yaml").string(), (dir / "missing").string()}, errors);
  EXPECT_EQ(errors.size(), 2u);
  fs::remove_all(dir);
}

std::unique_ptr<model::cluster::Cluster> build(const std::string& path, model::load::Diagnostics& diags,
                                               bool with_fix = false) {
  auto scenario = model::load::load_scenario(path, diags);
  if (with_fix && scenario.lab) model::load::apply_fix(scenario, model::load::load_fix(scenario.lab->fix, diags), diags);
  if (diags.has_errors()) return nullptr;
  return model::cluster::Cluster::build(scenario, diags);
}

// A scenario's `traffic:` expectations count in a suite as they do in `packetwalk run`.
TEST(Traffic, FailedLoadExpectationFailsTheSuiteCase) {
  const auto dir = temp_dir("traffic");
  std::ifstream in(kSrc + "/scenarios/ingress/canary.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string share = "default/web-canary: [0.09, 0.11]";
  ASSERT_NE(yaml.find(share), std::string::npos);
  fs::copy(kSrc + "/scenarios/ingress/manifests", dir / "manifests", fs::copy_options::recursive);
  // The unmodified file passes in suite-scenarios; simulating its ten thousand requests twice here
  // cost 84 s under ASan. The failure must name the share that moved, not anything else.
  yaml.replace(yaml.find(share), share.size(), "default/web-canary: [0.5, 0.6]");
  write(dir / "fail.yaml", yaml);

  SuiteOptions options;
  auto traffic_case = [](const SuiteResult& r) {
    for (const auto& c : r.cases)
      if (c.name == "traffic") return c;
    ADD_FAILURE() << "no traffic case in " << r.path;
    return TestCase{};
  };
  const auto result = run_suite_file((dir / "fail.yaml").string(), options);
  for (const auto& c : result.cases) {
    if (c.name != "traffic") {
      EXPECT_EQ(c.status, TestCase::Status::Passed) << c.name << ": " << c.details;
    }
  }
  const auto failed = traffic_case(result);
  EXPECT_EQ(failed.status, TestCase::Status::Failed);
  EXPECT_NE(failed.details.find("web-canary"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Faults, KubeProxyDownRemovesItsChainsButKeepsKubelets) {
  model::load::Diagnostics diags;
  auto c = build(kSrc + "/scenarios/labs/kube-proxy-down.yaml", diags);
  ASSERT_TRUE(c) << diags.error_count();
  const auto& down = c->topology().netns(*c->node_netns("node-1")).netfilter;
  const auto& up = c->topology().netns(*c->node_netns("node-2")).netfilter;
  EXPECT_FALSE(down.nat.find("KUBE-SERVICES"));
  EXPECT_FALSE(down.filter.find("KUBE-FORWARD"));
  EXPECT_TRUE(down.filter.find("KUBE-FIREWALL"));
  for (const auto& r : down.nat.find("PREROUTING")->rules) {
    const auto* jump = std::get_if<model::datapath::JumpTarget>(&r.target);
    EXPECT_TRUE(!jump || jump->chain.rfind("KUBE-", 0) != 0) << jump->chain;
  }
  EXPECT_TRUE(up.nat.find("KUBE-SERVICES"));
  EXPECT_FALSE(c->topology().netns(*c->node_netns("node-1")).kube_proxy_running);
}

TEST(Faults, StaleKubeProxyLacksOnlyTheIgnoredServices) {
  auto dir = temp_dir("stale");
  write(dir / "stale.yaml", "apiVersion: packetwalk/v1\nkind: Scenario\nfaults:\n"
                            "  - {kubeProxyStale: node-1, ignoreServices: [default/api-server]}\n"
                            "manifests: [" + kSrc + "/scenarios/services/manifests/api-server.yaml]\n");
  model::load::Diagnostics diags;
  auto c = build((dir / "stale.yaml").string(), diags);
  ASSERT_TRUE(c) << diags.error_count();
  const auto rules = [&](const std::string& node) {
    std::string text;
    for (const auto& r : c->topology().netns(*c->node_netns(node)).netfilter.nat.find("KUBE-SERVICES")->rules) {
      for (const auto& m : r.modules)
        if (const auto* cm = std::get_if<model::datapath::CommentMatch>(&m)) text += cm->text + "\n";
    }
    return text;
  };
  EXPECT_EQ(rules("node-1").find("default/api-server"), std::string::npos);
  EXPECT_NE(rules("node-1").find("default/kubernetes"), std::string::npos);
  EXPECT_NE(rules("node-2").find("default/api-server"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Faults, UnknownNodeIsAnErrorAtTheFault) {
  auto dir = temp_dir("unknown");
  write(dir / "s.yaml", "apiVersion: packetwalk/v1\nkind: Scenario\nfaults:\n  - cniDown: node-9\n");
  model::load::Diagnostics diags;
  EXPECT_FALSE(build((dir / "s.yaml").string(), diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all().front().pos.line, 4);
  fs::remove_all(dir);
}

TEST(Faults, CniDownTakesTheDeviceAndItsRoutes) {
  auto dir = temp_dir("cni");
  write(dir / "s.yaml", "apiVersion: packetwalk/v1\nkind: Scenario\nfaults: [{cniDown: node-2}, {conntrackMax: {node: node-1, entries: 0}}]\n");
  model::load::Diagnostics diags;
  auto c = build((dir / "s.yaml").string(), diags);
  ASSERT_TRUE(c);
  const auto& topo = c->topology();
  const auto ns = *c->node_netns("node-2");
  auto vtep = topo.find_iface(ns, "flannel.1");
  ASSERT_TRUE(vtep);
  EXPECT_FALSE(topo.iface(*vtep).up);
  for (const auto& r : topo.netns(ns).routes.routes()) EXPECT_NE(r.dev, *vtep);
  EXPECT_EQ(topo.netns(*c->node_netns("node-1")).conntrack.max_entries, 0u);
  fs::remove_all(dir);
}

TEST(Fix, ReplacesObjectsByKindNamespaceAndNameAndSetsFaultsAndMtu) {
  model::load::Diagnostics diags;
  auto s = model::load::load_scenario(kSrc + "/scenarios/labs/selector-typo.yaml", diags);
  ASSERT_TRUE(s.lab);
  const auto services = s.manifests.services.size();
  model::load::apply_fix(s, model::load::load_fix(s.lab->fix, diags), diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(s.manifests.services.size(), services);
  for (const auto& svc : s.manifests.services) {
    if (svc.meta.name == "api") {
      EXPECT_EQ(svc.selector.at("app"), "api");
    }
  }
  auto mtu = model::load::load_fix(kSrc + "/scenarios/labs/fixes/mtu.yaml", diags);
  EXPECT_EQ(mtu.mtu, 1400);
  EXPECT_FALSE(mtu.faults);
  auto restart = model::load::load_fix(kSrc + "/scenarios/labs/fixes/restart-kube-proxy.yaml", diags);
  ASSERT_TRUE(restart.faults);
  EXPECT_TRUE(restart.faults->empty());
  EXPECT_FALSE(diags.has_errors());
}

}  // namespace
}  // namespace packetwalk::ui::cli
