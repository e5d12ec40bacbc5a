// packetwalk lint as a user meets it: findings as compiler warnings on stdout, exit 1 when there
// are any (CI fails the pull request), 0 when clean, 2 on bad input; -o json for tools.
#include <gtest/gtest.h>

#include <sstream>

#include "run_command.h"

namespace packetwalk::ui::cli {
namespace {

using test::Result;
using test::run;
using test::call;

Result lint(Args args) { return run(cmd_lint, "lint", std::move(args)); }

const std::string kApi = "scenarios/policy/api-server-policy.yaml";

TEST(LintCli, SeedArticlePolicyForgetsDns) {
  auto r = lint({"--scenario", kApi});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.err, "");  // the scenario runs Calico: no warning about enforcement
  EXPECT_NE(r.out.find("warning: NetworkPolicy default/api-server-policy: spec.policyTypes: isolates the egress of "
                       "default/api-server but no policy selecting it allows UDP and TCP port 53"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[egress-blocks-dns]\n1 finding\n"), std::string::npos) << r.out;
  // Compiler form: the file and line of policyTypes, so an editor jumps there.
  EXPECT_EQ(r.out.rfind("scenarios/policy/manifests/api-server-policy.yaml:15:", 0), 0u) << r.out;
}

TEST(LintCli, JsonOutput) {
  auto r = lint({"--scenario", kApi, "-o", "json"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.out.rfind("{\n  \"schema\": \"packetwalk/lint/v1\",\n  \"findings\": [\n", 0), 0u) << r.out;
  for (const char* key : {"\"kind\": \"egress-blocks-dns\"", "\"line\": 15", "\"object\": \"NetworkPolicy default/api-server-policy\"",
                          "\"field\": \"spec.policyTypes\""})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
}

TEST(LintCli, CleanManifestsExitZero) {
  auto r = lint({"-f", "scenarios/policy/manifests/xyz.yaml"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "no findings\n");
  EXPECT_EQ(r.err, "");
  r = lint({"-f", "scenarios/policy/manifests/xyz.yaml", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "{\n  \"schema\": \"packetwalk/lint/v1\",\n  \"findings\": []\n}\n");
}

TEST(LintCli, FlannelWarnsThatPoliciesHaveNoEffect) {
  auto r = lint({"-f", "scenarios/policy/manifests/api-server-policy.yaml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("CNI flannel does not enforce NetworkPolicy"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("[egress-blocks-dns]"), std::string::npos) << r.out;
}

TEST(LintCli, OutputDoesNotDependOnFileOrder) {
  const Args a = {"-f", "scenarios/policy/manifests/xyz.yaml", "-f", "tests/data/policy/lint-findings.yaml", "--cni", "calico"};
  const Args b = {"-f", "tests/data/policy/lint-findings.yaml", "-f", "scenarios/policy/manifests/xyz.yaml", "--cni", "calico"};
  auto ra = lint(a), rb = lint(b);
  EXPECT_EQ(ra.code, 1) << ra.err;
  EXPECT_EQ(ra.out, rb.out);
  // One of each kind the file holds, in line order.
  std::string kinds;
  std::istringstream lines(ra.out);
  for (std::string line; std::getline(lines, line);) {
    auto open = line.rfind(" [");
    if (open != std::string::npos) kinds += line.substr(open + 2, line.size() - open - 3) + " ";
  }
  EXPECT_EQ(kinds,
            "policy-selects-nothing namespace-unmatched pod-unmatched named-port-undeclared rule-shadowed service-selects-nothing "
            "target-port-undeclared egress-blocks-dns rules-ignored ");
}

TEST(LintCli, BadInputExitsTwo) {
  EXPECT_EQ(lint({}).code, 2);
  EXPECT_EQ(lint({"-f", "no-such-file.yaml"}).code, 2);
  auto r = lint({"--scenario", kApi, "-o", "yaml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown output format \"yaml\""), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace packetwalk::ui::cli
