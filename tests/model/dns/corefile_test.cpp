// Corefile parsing and the plugins it configures: kubeadm's default, a ConfigMap with stub domains,
// rewrite, hosts and pods verified, and diagnostics that point into the user's file.
#include <gtest/gtest.h>

#include <algorithm>

#include "dns_test_cluster.h"
#include "packetwalk/model/dns/corefile.h"

namespace packetwalk::model::dns {
namespace {

using test::ask;
using test::texts;

std::vector<std::string> messages(const load::Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.all()) out.push_back(load::format_diagnostic(x));
  return out;
}

TEST(Corefile, KubeadmDefaultIsReadAsCoreDnsReadsIt) {
  load::Diagnostics diags;
  auto c = parse_corefile(kubeadm_corefile("cluster.local"), {}, diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(messages(diags));
  ASSERT_EQ(c.blocks.size(), 1u);
  const auto& b = c.blocks[0];
  EXPECT_EQ(b.zones, std::vector<std::string>{"."});
  EXPECT_EQ(b.port, 53);
  ASSERT_TRUE(b.kubernetes);
  EXPECT_EQ(b.kubernetes->zones, (std::vector<std::string>{"cluster.local.", "in-addr.arpa.", "ip6.arpa."}));
  EXPECT_EQ(b.kubernetes->pods, PodsMode::Insecure);
  EXPECT_EQ(b.kubernetes->ttl, 30u);
  EXPECT_EQ(*b.kubernetes->fallthrough, (std::vector<std::string>{"in-addr.arpa.", "ip6.arpa."}));
  ASSERT_TRUE(b.forward);
  EXPECT_TRUE(b.forward->resolv_conf);
  EXPECT_EQ(b.forward->from, ".");
  ASSERT_TRUE(b.cache);
  EXPECT_EQ(b.cache->success_ttl, 30u);
  EXPECT_EQ(b.cache->disable_success, std::vector<std::string>{"cluster.local."});
}

TEST(Corefile, ErrorsAndWarningsNameTheFileLine) {
  load::Diagnostics diags;
  const char* text =
      ".:53 {\n"
      "    kubernetes cluster.local {\n"
      "       pods sometimes\n"
      "    }\n"
      "    autopath @kubernetes\n"
      "    frobnicate\n"
      "}\n"
      "consul.local:53 {\n"
      "    forward . 10.150.0.1\n";
  auto c = parse_corefile(text, CorefileSource{"cm.yaml", 10, "ConfigMap kube-system/coredns"}, diags);
  auto m = messages(diags);
  ASSERT_EQ(m.size(), 4u) << testing::PrintToString(m);
  EXPECT_EQ(m[0], "cm.yaml:12: error: ConfigMap kube-system/coredns: Corefile line 3: pods needs one of disabled, insecure, verified");
  EXPECT_EQ(m[1], "cm.yaml:14: warning: ConfigMap kube-system/coredns: Corefile line 5: plugin \"autopath\" is not modelled by packetwalk; it is ignored");
  EXPECT_NE(m[2].find("cm.yaml:15: warning:"), std::string::npos);
  EXPECT_NE(m[2].find("unknown plugin \"frobnicate\""), std::string::npos);
  EXPECT_NE(m[3].find("cm.yaml:17: error:"), std::string::npos);
  EXPECT_NE(m[3].find("'{' is never closed"), std::string::npos);
}

TEST(Corefile, ServerBlockIsChosenByTheLongestZone) {
  load::Diagnostics diags;
  auto c = parse_corefile(".:53 { forward . /etc/resolv.conf }\nconsul.local { forward . 10.150.0.1 }\n"
                          "other.local:1053 { forward . 10.0.0.1 }\n",
                          {}, diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(messages(diags));
  ASSERT_EQ(c.blocks.size(), 3u);
  EXPECT_EQ(c.block_for("db.consul.local."), &c.blocks[1]);
  EXPECT_EQ(c.block_for("example.com."), &c.blocks[0]);
  EXPECT_EQ(c.block_for("x.other.local."), &c.blocks[0]);  // that block listens on 1053, not 53
}

const char* kCustom = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        rewrite name exact legacy.default.svc.cluster.local api.default.svc.cluster.local answer auto
        rewrite name exact old.default.svc.cluster.local api.default.svc.cluster.local
        hosts {
            10.0.0.5 printer.corp.example
            fallthrough
        }
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods verified
            fallthrough in-addr.arpa ip6.arpa
            ttl 10
        }
        forward . /etc/resolv.conf
        cache 30
        template IN A example.org {
            answer "{{ .Name }} 60 IN A 127.0.0.1"
        }
    }
    consul.local:53 {
        forward . 10.150.0.1
    }
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api-0, labels: {app: api}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
)";

TEST(Corefile, ConfigMapCorefileDrivesTheAnswers) {
  auto spec = load::default_cluster_spec();
  spec.dns.servers.push_back(load::DnsServerSpec{*net::Ipv4Address::parse("10.150.0.1"), {{"db.consul.local.", {"10.150.0.20"}}}, {}});
  load::Diagnostics diags;
  load::Scenario s;
  s.cluster = spec;
  s.manifests = load::load_manifest_text(kCustom, "cm.yaml", 0, diags);
  auto cluster = cluster::Cluster::build(s, diags);
  ASSERT_TRUE(cluster);
  // The template plugin's directive sits on line 21 of cm.yaml (the Corefile starts on line 6).
  auto m = messages(diags);
  ASSERT_EQ(m.size(), 1u) << testing::PrintToString(m);
  EXPECT_NE(m[0].find("cm.yaml:21: warning: ConfigMap kube-system/coredns: Corefile line 16: plugin \"template\""),
            std::string::npos) << m[0];

  const std::string api_ip = cluster->services().find("default", "api")->cluster_ip->to_string();
  // rewrite ... answer auto: the answer keeps the name asked.
  EXPECT_EQ(texts(ask(*cluster, "legacy.default.svc.cluster.local.", rr::A).answers),
            std::vector<std::string>{"legacy.default.svc.cluster.local. 10 IN A " + api_ip});
  // Without it the question is restored but the answer is owned by the rewritten name.
  auto old = ask(*cluster, "old.default.svc.cluster.local.", rr::A);
  EXPECT_EQ(old.questions.at(0).name, "old.default.svc.cluster.local.");
  EXPECT_EQ(old.answers.at(0).name, "api.default.svc.cluster.local.");
  // hosts runs before kubernetes and forward.
  EXPECT_EQ(texts(ask(*cluster, "printer.corp.example.", rr::A).answers),
            std::vector<std::string>{"printer.corp.example. 30 IN A 10.0.0.5"});  // hosts' TTL 3600, cache caps at 30
  // pods verified: only an existing pod's address in its namespace.
  std::string pod_ip = cluster->inventory().find_pod("default", "api-0")->ip.to_string();
  std::string dashed = pod_ip;
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  EXPECT_EQ(ask(*cluster, dashed + ".default.pod.cluster.local.", rr::A).answers.size(), 1u);
  EXPECT_EQ(ask(*cluster, dashed + ".kube-system.pod.cluster.local.", rr::A).rcode, Rcode::NxDomain);
  EXPECT_EQ(ask(*cluster, "10-244-9-9.default.pod.cluster.local.", rr::A).rcode, Rcode::NxDomain);
  // The stub domain's server block forwards to its own server.
  EXPECT_EQ(texts(ask(*cluster, "db.consul.local.", rr::A).answers),
            std::vector<std::string>{"db.consul.local. 300 IN A 10.150.0.20"});  // that block has no cache
}


// rewrite name regex with groups, and `answer name` mapping the owner back: the groups are RE2's
// (Go's regexp in CoreDNS), written {1} in the replacement.
const char* kRegexRewrite = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        rewrite name regex (.*)\.legacy\.svc\.cluster\.local {1}.default.svc.cluster.local answer name (.*)\.default\.svc\.cluster\.local {1}.legacy.svc.cluster.local
        kubernetes cluster.local in-addr.arpa ip6.arpa
        forward . /etc/resolv.conf
    }
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{port: 80}]}
)";

TEST(Corefile, RegexRewriteSubstitutesGroupsBothWays) {
  load::Diagnostics diags;
  load::Scenario s;
  s.cluster = load::default_cluster_spec();
  s.manifests = load::load_manifest_text(kRegexRewrite, "cm.yaml", 0, diags);
  auto cluster = cluster::Cluster::build(s, diags);
  ASSERT_TRUE(cluster);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(messages(diags));
  const std::string api_ip = cluster->services().find("default", "api")->cluster_ip->to_string();
  auto a = ask(*cluster, "api.legacy.svc.cluster.local.", rr::A);
  EXPECT_EQ(a.questions.at(0).name, "api.legacy.svc.cluster.local.");
  EXPECT_EQ(texts(a.answers), std::vector<std::string>{"api.legacy.svc.cluster.local. 5 IN A " + api_ip});
  // A label that reads like a group reference is copied once, not expanded again (the old
  // replace-until-gone loop never ended on it).
  EXPECT_EQ(ask(*cluster, "{1}.legacy.svc.cluster.local.", rr::A).rcode, Rcode::NxDomain);
}

// CoreDNS matches a regex rewrite against the lower-cased query name with the pattern as written:
// capitals in the pattern never match, unless the pattern asks for (?i).
TEST(Corefile, RegexRewriteIsCaseSensitiveAgainstTheLowerCasedName) {
  auto build = [](const std::string& from) {
    std::string yaml = kRegexRewrite;
    yaml.replace(yaml.find("(.*)\\.legacy"), std::string("(.*)\\.legacy").size(), from);
    load::Diagnostics diags;
    load::Scenario s;
    s.cluster = load::default_cluster_spec();
    s.manifests = load::load_manifest_text(yaml, "cm.yaml", 0, diags);
    return cluster::Cluster::build(s, diags);
  };
  auto capitals = build("(.*)\\.LEGACY");
  ASSERT_TRUE(capitals);
  EXPECT_EQ(ask(*capitals, "api.legacy.svc.cluster.local.", rr::A).rcode, Rcode::NxDomain);
  EXPECT_EQ(ask(*capitals, "api.LEGACY.svc.cluster.local.", rr::A).rcode, Rcode::NxDomain);
  auto insensitive = build("(?i)(.*)\\.LEGACY");
  ASSERT_TRUE(insensitive);
  EXPECT_EQ(ask(*insensitive, "api.legacy.svc.cluster.local.", rr::A).answers.size(), 1u);
}

TEST(Corefile, RegexRewriteThatDoesNotCompileIsAnError) {
  load::Diagnostics diags;
  std::string yaml = kRegexRewrite;
  yaml.replace(yaml.find("(.*)\\.legacy"), 4, "(.*");
  load::Scenario s;
  s.cluster = load::default_cluster_spec();
  s.manifests = load::load_manifest_text(yaml, "cm.yaml", 0, diags);
  (void)cluster::Cluster::build(s, diags);
  const auto m = messages(diags);
  ASSERT_FALSE(m.empty());
  EXPECT_NE(m[0].find("cm.yaml:7:"), std::string::npos) << m[0];
  EXPECT_NE(m[0].find("does not compile: missing )"), std::string::npos) << m[0];
}

}  // namespace
}  // namespace packetwalk::model::dns
