#include "packetwalk/model/kube/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../load/test_data.h"
#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::model::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using test::data_path;
using test::diagnostic_lines;

std::vector<std::string> load_lines(const std::string& relative) {
  load::Diagnostics diags;
  load::load_manifest_paths({data_path(relative)}, diags);
  return diagnostic_lines(diags);
}

// ---- syntax rules -------------------------------------------------------------------------------

TEST(NameSyntax, Dns1123Label) {
  EXPECT_EQ(dns1123_label_error("web-app"), "");
  EXPECT_EQ(dns1123_label_error("123-abc"), "");
  EXPECT_EQ(dns1123_label_error(std::string(63, 'a')), "");
  EXPECT_EQ(dns1123_label_error(std::string(64, 'a')), "must be no more than 63 characters");
  for (const char* bad : {"", "Web", "web.app", "-web", "web-", "web_app"})
    EXPECT_THAT(dns1123_label_error(bad), HasSubstr("a lowercase RFC 1123 label must consist")) << bad;
}

TEST(NameSyntax, Dns1123Subdomain) {
  EXPECT_EQ(dns1123_subdomain_error("api.example.com"), "");
  EXPECT_EQ(dns1123_subdomain_error("web-0"), "");
  EXPECT_EQ(dns1123_subdomain_error(std::string(253, 'a')), "");
  EXPECT_EQ(dns1123_subdomain_error(std::string(254, 'a')), "must be no more than 253 characters");
  for (const char* bad : {"", "a..b", ".a", "a.", "Web_App", "a.-b"})
    EXPECT_THAT(dns1123_subdomain_error(bad), HasSubstr("a lowercase RFC 1123 subdomain must consist")) << bad;
}

TEST(NameSyntax, Dns1035LabelForServices) {
  EXPECT_EQ(dns1035_label_error("api-server"), "");
  EXPECT_THAT(dns1035_label_error("1-web"), HasSubstr("start with an alphabetic character"));
  EXPECT_THAT(dns1035_label_error("a.b"), HasSubstr("a DNS-1035 label"));
}

TEST(LabelSyntax, KeysHaveAnOptionalSubdomainPrefix) {
  EXPECT_EQ(label_key_error("app"), "");
  EXPECT_EQ(label_key_error("app.kubernetes.io/name"), "");
  EXPECT_EQ(label_key_error("Example_Key.v1"), "");
  EXPECT_EQ(label_key_error("/name"), "prefix part must be non-empty");
  EXPECT_EQ(label_key_error("example.com/"), "name part must be non-empty");
  EXPECT_THAT(label_key_error("Example.com/name"), HasSubstr("prefix part a lowercase RFC 1123 subdomain"));
  EXPECT_THAT(label_key_error("a/b/c"), HasSubstr("with an optional DNS subdomain prefix and '/'"));
  EXPECT_EQ(label_key_error(std::string(64, 'k')), "name part must be no more than 63 characters");
  EXPECT_THAT(label_key_error("bad key"), HasSubstr("name part must consist of alphanumeric characters"));
}

TEST(LabelSyntax, ValuesMayBeEmpty) {
  EXPECT_EQ(label_value_error(""), "");
  EXPECT_EQ(label_value_error("v1.2_beta-3"), "");
  EXPECT_EQ(label_value_error(std::string(64, 'v')), "must be no more than 63 characters");
  EXPECT_THAT(label_value_error("-backend"), HasSubstr("a valid label must be an empty string"));
  EXPECT_THAT(label_value_error("a b"), HasSubstr("a valid label must be an empty string"));
}

TEST(PortNameSyntax, IanaServiceNames) {
  EXPECT_EQ(iana_svc_name_error("http"), "");
  EXPECT_EQ(iana_svc_name_error("grpc-web2"), "");
  EXPECT_EQ(iana_svc_name_error("a-very-long-name"), "must be no more than 15 characters");
  EXPECT_EQ(iana_svc_name_error("HTTP"), "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  EXPECT_EQ(iana_svc_name_error("8080"), "must contain at least one letter (a-z)");
  EXPECT_EQ(iana_svc_name_error("web--port"), "must not contain consecutive hyphens");
  EXPECT_EQ(iana_svc_name_error("-web"), "must not begin or end with a hyphen");
}

TEST(ConfigKeySyntax, AllowsDotsUnderscoresAndCapitals) {
  EXPECT_EQ(config_key_error("Corefile"), "");
  EXPECT_EQ(config_key_error("app.properties"), "");
  EXPECT_THAT(config_key_error("a/b"), HasSubstr("a valid config key"));
  EXPECT_EQ(config_key_error(".."), "must not be '.' or '..'");
}

// ---- objects: messages name the object and field, at the field's line ---------------------------

TEST(Validate, InvalidObjectName) {
  EXPECT_THAT(load_lines("bad_input/invalid-name.yaml"),
              ElementsAre("bad_input/invalid-name.yaml:4:9: error: Pod default/Web_App: metadata.name: a "
                          "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
                          "'.', and must start and end with an alphanumeric character (e.g. 'example.com'), got "
                          "\"Web_App\""));
}

TEST(Validate, PortOutOfRange) {
  EXPECT_THAT(load_lines("bad_input/port-out-of-range.yaml"),
              ElementsAre("bad_input/port-out-of-range.yaml:10:26: error: Pod default/web-app: "
                          "spec.containers[0].ports[0].containerPort: must be between 1 and 65535, got 70000"));
}

TEST(Validate, BadCidrs) {
  EXPECT_THAT(load_lines("bad_input/node-bad-cidr.yaml"),
              ElementsAre("bad_input/node-bad-cidr.yaml:6:12: error: Node node-1: spec.podCIDR: must be a valid "
                          "IPv4 CIDR (e.g. 10.244.1.0/24), got \"10.244.1.0/33\""));
  EXPECT_THAT(load_lines("bad_input/node-cidr-host-bits.yaml"),
              ElementsAre("bad_input/node-cidr-host-bits.yaml:6:12: error: Node node-1: spec.podCIDR: must be a "
                          "network address without host bits (e.g. 10.244.1.0/24), got \"10.244.1.5/24\""));
  EXPECT_THAT(load_lines("bad_input/ipblock-bad-cidr.yaml"),
              ElementsAre("bad_input/ipblock-bad-cidr.yaml:10:19: error: NetworkPolicy default/allow-office: "
                          "spec.ingress[0].from[0].ipBlock.cidr: must be a valid IPv4 CIDR (e.g. 10.9.8.0/24), got "
                          "\"203.0.113.0/240\""));
}

TEST(Validate, BadSelectorOperator) {
  EXPECT_THAT(load_lines("bad_input/bad-selector-operator.yaml"),
              ElementsAre("bad_input/bad-selector-operator.yaml:9:19: error: NetworkPolicy default/api-ingress: "
                          "spec.podSelector.matchExpressions[0].operator: not a valid selector operator (In, NotIn, "
                          "Exists, DoesNotExist), got \"Equals\"",
                          "bad_input/bad-selector-operator.yaml:13:17: error: NetworkPolicy default/api-ingress: "
                          "spec.podSelector.matchExpressions[1].values: may not be specified when `operator` is "
                          "'Exists' or 'DoesNotExist'"));
}

TEST(Validate, WorkloadSelectorMustMatchTemplate) {
  EXPECT_THAT(load_lines("bad_input/selector-mismatch.yaml"),
              ElementsAre("bad_input/selector-mismatch.yaml:13:9: error: Deployment default/api-server: "
                          "spec.template.metadata.labels: `selector` (app=api-server) does not match template "
                          "`labels`"));
}

TEST(Validate, ServicePortRules) {
  auto lines = load_lines("bad_input/service-ports.yaml");
  EXPECT_THAT(lines, ElementsAre(HasSubstr(":10:19: error: Service default/web: spec.ports[0].targetPort: must "
                                           "contain only alpha-numeric characters"),
                                 HasSubstr(":11:17: error: Service default/web: spec.ports[0].nodePort: may not be "
                                           "used when `type` is 'ClusterIP'"),
                                 HasSubstr(":12:7: error: Service default/web: spec.ports[1].name: required value"),
                                 HasSubstr(":13:17: error: Service default/web: spec.ports[1].protocol: Unsupported "
                                           "value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\"")));
}

TEST(Validate, ValidManifestsProduceNothing) {
  for (const char* file : {"manifests/web-app.yaml", "manifests/kubectl-dump.yaml", "manifests/network-policy.yaml",
                           "manifests/services.yaml", "manifests/inventory/workloads.yaml"})
    EXPECT_THAT(load_lines(file), IsEmpty()) << file;
}

TEST(Validate, ObjectsBuiltInCodeAreCheckedToo) {
  // Without positions the diagnostic still names the object and the field.
  Service svc;
  svc.meta.kind = "Service";
  svc.meta.name = "web";
  svc.meta.namespace_ = "default";
  svc.type = ServiceType::NodePort;
  svc.ports.push_back(ServicePort{"", net::Protocol::Tcp, 80, IntOrString::of(8080), 20000, ""});
  load::Diagnostics diags;
  validate_object(svc, diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("error: Service default/web: spec.ports[0].nodePort: provided port is not in the valid "
                          "range 30000-32767, got 20000"));
}

TEST(Validate, NetworkPolicyPeersAndPorts) {
  load::Diagnostics diags;
  NetworkPolicy np;
  np.meta.kind = "NetworkPolicy";
  np.meta.name = "p";
  np.meta.namespace_ = "default";
  NetworkPolicyRule rule;
  rule.peers.emplace();
  rule.peers->push_back(NetworkPolicyPeer{std::nullopt, std::nullopt, IpBlock{"10.0.0.0/16", {"10.0.0.0/16"}}});
  rule.ports.emplace();
  rule.ports->push_back(NetworkPolicyPort{net::Protocol::Tcp, std::nullopt, 90});
  np.egress.emplace({rule});
  validate_object(np, diags);
  EXPECT_THAT(diagnostic_lines(diags),
              ElementsAre("error: NetworkPolicy default/p: spec.egress[0].ports[0].endPort: may not be specified "
                          "when `port` is not specified",
                          "error: NetworkPolicy default/p: spec.egress[0].to[0].ipBlock.except[0]: must be a strict "
                          "subset of `cidr` \"10.0.0.0/16\", got \"10.0.0.0/16\""));
}

}  // namespace
}  // namespace packetwalk::model::kube
