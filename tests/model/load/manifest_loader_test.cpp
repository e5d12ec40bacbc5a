#include "packetwalk/model/load/manifest_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "packetwalk/model/kube/inventory.h"
#include "test_data.h"

namespace packetwalk::model::load {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using test::data_path;
using test::diagnostic_lines;

// "Pod default/web", in set order, for every object of the set.
std::vector<std::string> refs(const ManifestSet& set) {
  std::vector<std::string> out;
  auto add = [&](const auto& list) {
    for (const auto& o : list) out.push_back(o.ref());
  };
  add(set.namespaces);
  add(set.nodes);
  add(set.pods);
  add(set.deployments);
  add(set.replica_sets);
  add(set.stateful_sets);
  add(set.daemon_sets);
  add(set.jobs);
  add(set.services);
  add(set.endpoint_slices);
  add(set.network_policies);
  add(set.config_maps);
  add(set.others);
  return out;
}

ManifestSet load(const std::vector<std::string>& relative_paths, Diagnostics& diags) {
  std::vector<std::string> paths;
  for (const auto& p : relative_paths) paths.push_back(data_path(p));
  return load_manifest_paths(paths, diags);
}

TEST(ManifestLoader, ReadsEveryDocumentOfAStreamWithDefaults) {
  Diagnostics diags;
  auto set = load({"manifests/web-app.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  ASSERT_EQ(set.pods.size(), 1u);
  ASSERT_EQ(set.services.size(), 1u);

  const auto& pod = set.pods[0];
  EXPECT_EQ(pod.ref(), "Pod default/web-app");  // namespace defaulted
  EXPECT_EQ(pod.meta.pos.line, 2);
  EXPECT_EQ(pod.meta.labels.at("app"), "web-app");
  ASSERT_EQ(pod.spec.containers.size(), 2u);
  EXPECT_EQ(pod.spec.containers[1].name, "envoy");
  EXPECT_EQ(pod.spec.containers[1].ports[0].container_port, 9090);
  EXPECT_EQ(pod.spec.containers[0].ports[0].protocol, net::Protocol::Tcp);  // defaulted
  EXPECT_EQ(pod.spec.dns_policy, "ClusterFirst");
  EXPECT_TRUE(pod.ready);

  const auto& svc = set.services[0];
  EXPECT_EQ(svc.type, kube::ServiceType::ClusterIP);
  ASSERT_EQ(svc.ports.size(), 2u);
  EXPECT_EQ(svc.ports[0].target_port, kube::IntOrString::of(std::string("http")));
  EXPECT_EQ(svc.ports[1].target_port, kube::IntOrString::of(9090));  // defaulted to port
  EXPECT_EQ(svc.session_affinity_timeout_seconds, 10800);
  EXPECT_EQ(svc.meta.pos.line, 22);
}

TEST(ManifestLoader, ReadsListsAndJson) {
  Diagnostics diags;
  auto set = load({"manifests/list.yaml", "manifests/pod.json"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  EXPECT_THAT(refs(set), ElementsAre("Namespace prod", "Pod prod/json-pod", "ConfigMap prod/settings"));
  EXPECT_EQ(set.config_maps[0].data.at("mode"), "fast");
  EXPECT_EQ(set.config_maps[0].meta.pos.line, 10);  // the List item, not the List
  EXPECT_EQ(set.pods[0].spec.containers[0].ports[0].protocol, net::Protocol::Udp);
}

TEST(ManifestLoader, WalksDirectoriesRecursivelyTakingOnlyManifestFiles) {
  Diagnostics diags;
  auto set = load({"manifests/tree"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());  // README.txt is not read
  EXPECT_THAT(refs(set), ElementsAre("Pod default/tree-a", "Pod default/tree-b", "Pod default/tree-c"));
  EXPECT_EQ(set.pods[2].meta.pos.file, data_path("manifests/tree/sub/deeper/c.json"));
}

TEST(ManifestLoader, ResultDoesNotDependOnFileOrDocumentOrder) {
  // order1 and order2 hold the same objects, in swapped files and reversed documents.
  Diagnostics d1, d2;
  auto first = load({"manifests/order1"}, d1);
  auto second = load({"manifests/order2"}, d2);
  EXPECT_TRUE(d1.empty());
  EXPECT_TRUE(d2.empty());
  EXPECT_THAT(refs(first),
              ElementsAre("Pod default/alpha", "Pod default/beta", "Pod other/alpha", "Service default/zeta"));
  EXPECT_EQ(refs(first), refs(second));

  // And so is everything derived from them.
  auto placement = [](const ManifestSet& set) {
    Diagnostics diags;
    auto inventory = kube::build_inventory(default_cluster_spec(), set, diags);
    std::vector<std::string> out;
    for (const auto& p : inventory.pods) out.push_back(p.ref() + " " + p.node + " " + p.ip.to_string());
    return out;
  };
  EXPECT_EQ(placement(first), placement(second));
}

TEST(ManifestLoader, KubectlGetOutputLoadsSilently) {
  Diagnostics diags;
  auto set = load({"manifests/kubectl-dump.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  EXPECT_THAT(refs(set), ElementsAre("Node worker-1", "Pod default/api-server-7d4b9c8f5d-x7k2p",
                                     "Deployment default/api-server", "ReplicaSet default/api-server-7d4b9c8f5d",
                                     "Service default/api-server", "EndpointSlice default/api-server-abcde"));
  const auto& pod = set.pods[0];
  EXPECT_EQ(pod.status_pod_ip, net::Ipv4Address::parse("10.244.1.7"));
  EXPECT_EQ(pod.meta.owner, (kube::OwnerRef{"ReplicaSet", "api-server-7d4b9c8f5d"}));
  EXPECT_EQ(set.nodes[0].internal_ip, net::Ipv4Address::parse("172.18.0.3"));
  EXPECT_EQ(set.nodes[0].pod_cidr, net::Cidr::parse("10.244.1.0/24"));
  EXPECT_EQ(set.services[0].cluster_ip, "10.96.100.10");
  EXPECT_EQ(set.endpoint_slices[0].service_name, "api-server");
}

TEST(ManifestLoader, KnownButUnmodelledKindsAreKeptWithoutWarnings) {
  Diagnostics diags;
  auto set = load({"manifests/networking-kinds.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  // Sorted by kind; cluster-scoped kinds have no namespace.
  EXPECT_THAT(refs(set), ElementsAre("GatewayClass example", "HTTPRoute web/api", "Ingress default/api",
                                     "ServiceAccount default/api"));
  // AdminNetworkPolicy is modelled now (policy/admin.h): read into its own list.
  ASSERT_EQ(set.admin_policies.size(), 1u);
  EXPECT_EQ(set.admin_policies[0].ref(), "AdminNetworkPolicy cluster-control");
  EXPECT_EQ(set.admin_policies[0].priority, 10);
  const auto& ingress = set.others[2];
  EXPECT_EQ(ingress.meta.api_version, "networking.k8s.io/v1");
  EXPECT_NE(ingress.yaml.find("host: api.example.com"), std::string::npos);
}

TEST(ManifestLoader, NetworkPolicyKeepsAbsentApartFromEmpty) {
  Diagnostics diags;
  auto set = load({"manifests/network-policy.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  ASSERT_EQ(set.network_policies.size(), 2u);
  const auto& np = set.network_policies[0];
  EXPECT_EQ(np.ref(), "NetworkPolicy prod/api-allow");
  EXPECT_EQ(np.pod_selector.to_string(), "app=api-server");
  ASSERT_TRUE(np.ingress);
  ASSERT_EQ(np.ingress->size(), 2u);
  const auto& rule = (*np.ingress)[0];
  ASSERT_TRUE(rule.peers);
  ASSERT_EQ(rule.peers->size(), 2u);
  const auto& both = (*rule.peers)[0];  // namespaceSelector AND podSelector in one entry
  ASSERT_TRUE(both.namespace_selector && both.pod_selector);
  EXPECT_EQ(both.pod_selector->to_string(), "tier in (edge,frontend)");
  const auto& block = (*rule.peers)[1].ip_block;
  ASSERT_TRUE(block);
  EXPECT_EQ(block->cidr, "203.0.113.0/24");
  EXPECT_THAT(block->except, ElementsAre("203.0.113.128/25"));
  ASSERT_TRUE(rule.ports);
  EXPECT_EQ((*rule.ports)[0].port, kube::IntOrString::of(std::string("http")));
  EXPECT_EQ((*rule.ports)[1].protocol, net::Protocol::Udp);
  EXPECT_EQ((*rule.ports)[1].end_port, 5010);
  const auto& allow_all = (*np.ingress)[1];  // `- {}`
  EXPECT_FALSE(allow_all.peers);
  EXPECT_FALSE(allow_all.ports);
  ASSERT_TRUE(np.egress);
  ASSERT_TRUE((*np.egress)[0].peers);
  EXPECT_TRUE((*np.egress)[0].peers->empty());  // `to: []`

  const auto& egress_only = set.network_policies[1];
  EXPECT_FALSE(egress_only.policy_types);
  EXPECT_FALSE(egress_only.ingress);
  EXPECT_TRUE(egress_only.affects_ingress());  // the API server's policyTypes defaulting
  EXPECT_TRUE(egress_only.affects_egress());
}

TEST(ManifestLoader, ServicesAndEndpointSlices) {
  Diagnostics diags;
  auto set = load({"manifests/services.yaml", "manifests/endpoint-slice.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags), IsEmpty());
  ASSERT_EQ(set.services.size(), 3u);
  const auto& db = set.services[0];
  EXPECT_TRUE(db.headless());
  EXPECT_TRUE(db.publish_not_ready_addresses);
  const auto& front = set.services[1];
  EXPECT_EQ(front.type, kube::ServiceType::LoadBalancer);
  EXPECT_EQ(front.external_traffic_policy, kube::TrafficPolicy::Local);
  EXPECT_EQ(front.session_affinity, kube::SessionAffinity::ClientIP);
  EXPECT_EQ(front.session_affinity_timeout_seconds, 600);
  EXPECT_EQ(front.ports[0].node_port, 30080);
  EXPECT_EQ(front.ports[1].protocol, net::Protocol::Udp);
  EXPECT_THAT(front.load_balancer_ingress_ips, ElementsAre("198.51.100.20"));
  EXPECT_EQ(set.services[2].type, kube::ServiceType::ExternalName);
  EXPECT_EQ(set.services[2].external_name, "search.example.com");

  ASSERT_EQ(set.endpoint_slices.size(), 1u);
  const auto& slice = set.endpoint_slices[0];
  EXPECT_EQ(slice.service_name, "external-db");
  ASSERT_EQ(slice.endpoints.size(), 2u);
  EXPECT_FALSE(slice.endpoints[0].conditions.is_ready());
  EXPECT_TRUE(slice.endpoints[0].conditions.is_serving());
  EXPECT_TRUE(slice.endpoints[1].conditions.is_ready());  // nil ready means ready
  EXPECT_FALSE(slice.endpoints[1].conditions.ready.has_value());
  EXPECT_EQ(slice.endpoints[1].target_ref->name, "db-b");
  EXPECT_EQ(slice.ports[0].port, 5432);
  EXPECT_FALSE(slice.ports[1].port.has_value());  // nil port: all ports
}

// ---- errors and warnings --------------------------------------------------------------------

std::vector<std::string> load_lines(const std::string& relative) {
  Diagnostics diags;
  load({relative}, diags);
  return diagnostic_lines(diags);
}

TEST(ManifestLoader, MalformedYamlIsAnErrorAtItsPosition) {
  EXPECT_THAT(load_lines("bad_input/malformed-yaml.yaml"),
              ElementsAre("bad_input/malformed-yaml.yaml:5:12: error: malformed YAML: illegal map value"));
}

TEST(ManifestLoader, MalformedDocumentDoesNotHideTheOthers) {
  Diagnostics diags;
  auto set = load({"bad_input/broken-middle-document.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("bad_input/broken-middle-document.yaml:10:5: error: malformed YAML: end of map flow not found"));
  EXPECT_THAT(refs(set), ElementsAre("Pod default/first", "Pod default/third"));
}

TEST(ManifestLoader, WrongTypeNamesFieldAndValue) {
  EXPECT_THAT(load_lines("bad_input/wrong-type-port.yaml"),
              ElementsAre("bad_input/wrong-type-port.yaml:10:26: error: Pod default/web-app: "
                          "spec.containers[0].ports[0].containerPort: expected an integer, got \"http\""));
  EXPECT_THAT(load_lines("bad_input/label-number.yaml"),
              ElementsAre("bad_input/label-number.yaml:6:14: error: Pod default/web: metadata.labels.version: "
                          "expected a string, got the number 1.0 (quote it: \"1.0\")"));
}

TEST(ManifestLoader, UnknownKindIsAWarningAndLoadingContinues) {
  Diagnostics diags;
  auto set = load({"bad_input/unknown-kind.yaml"}, diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("bad_input/unknown-kind.yaml:1:1: warning: Foo default/thing: unknown kind \"Foo\" "
                          "(apiVersion \"example.com/v1\"); packetwalk skips this object"));
  EXPECT_THAT(refs(set), ElementsAre("Pod default/after-foo"));
}

TEST(ManifestLoader, UnknownFieldIsAWarningWithItsPath) {
  Diagnostics diags;
  auto set = load({"bad_input/unknown-field.yaml"}, diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("bad_input/unknown-field.yaml:9:7: warning: Pod default/web: unknown field "
                          "\"spec.containers[0].portz\""));
  ASSERT_EQ(set.pods.size(), 1u);  // the object is still loaded
}

TEST(ManifestLoader, MissingPathIsAnErrorAndOtherPathsStillLoad) {
  Diagnostics diags;
  auto set = load({"manifests/nope.yaml", "manifests/pod.json"}, diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("error: the path \"manifests/nope.yaml\" does not exist"));
  EXPECT_THAT(refs(set), ElementsAre("Pod prod/json-pod"));
}

TEST(ManifestLoader, DuplicateObjectNamesBothPositions) {
  EXPECT_THAT(load_lines("bad_input/duplicate-object.yaml"),
              ElementsAre("bad_input/duplicate-object.yaml:6:1: error: ConfigMap default/settings: duplicate "
                          "object; first defined at bad_input/duplicate-object.yaml:1:1"));
}

TEST(ManifestLoader, FileReachedTwiceIsReadOnce) {
  Diagnostics diags;
  auto set = load({"manifests/tree", "manifests/tree/a.yaml"}, diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(set.pods.size(), 3u);
}

TEST(ManifestLoader, BinaryAndNonUtf8FilesAreErrorsNotCrashes) {
  auto dir = std::filesystem::temp_directory_path() / "packetwalk-loader-test";
  std::filesystem::create_directories(dir);
  auto nul = (dir / "nul.yaml").string();
  auto latin1 = (dir / "latin1.yaml").string();
  std::string with_nul = "apiVersion: v1\nkind: Pod";
  with_nul += '\0';
  std::ofstream(nul, std::ios::binary) << with_nul << "\x01\x02";
  std::ofstream(latin1, std::ios::binary) << "apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n";
  Diagnostics diags;
  auto set = load_manifest_paths({nul, latin1}, diags);
  EXPECT_EQ(set.size(), 0u);
  std::vector<std::string> lines;
  for (const auto& d : diags.all()) lines.push_back(format_diagnostic(d));
  EXPECT_THAT(lines, ElementsAre(latin1 + ":3:21: error: file is not valid UTF-8 (byte 0xe9); is it a binary "
                                          "file? (manifests must be UTF-8 text)",
                                 nul + ":2:10: error: file contains a NUL byte; is it a binary file? "
                                       "(manifests must be UTF-8 text)"));
  std::filesystem::remove_all(dir);
}

TEST(ManifestLoader, InlineTextReportsPositionsInTheEnclosingFile) {
  Diagnostics diags;
  // As if the text started on line 21 of scenario.yaml, indented by 6 columns.
  auto set = load_manifest_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containerz: []\n",
                                "scenario.yaml", 20, diags, 6);
  EXPECT_THAT(diagnostic_lines(diags),
              // The missing field is reported where its parent `spec` starts (text line 5, column 3).
              ElementsAre("scenario.yaml:25:9: error: Pod default/p: spec.containers: must have at least one container",
                          "scenario.yaml:25:9: warning: Pod default/p: unknown field \"spec.containerz\""));
  EXPECT_EQ(set.pods.at(0).meta.pos, (SourcePos{"scenario.yaml", 21, 7}));
}

// Every file in tests/data/bad_input lists the diagnostics it must produce (loading, validation
// and placement on the default cluster) in "# expect: " comment lines, in output order.
TEST(BadInput, EachFileReportsExactlyItsExpectedDiagnostics) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_path("bad_input"))) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 20u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::vector<std::string> expected;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("# expect: ", 0) == 0) expected.push_back(line.substr(10));
    EXPECT_FALSE(expected.empty()) << "no '# expect: ' lines";

    Diagnostics diags;
    auto set = load_manifest_paths({file.string()}, diags);
    kube::build_inventory(default_cluster_spec(), set, diags);
    EXPECT_EQ(diagnostic_lines(diags), expected);
  }
}

}  // namespace
}  // namespace packetwalk::model::load
