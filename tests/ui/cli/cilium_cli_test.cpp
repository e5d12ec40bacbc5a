// cni: cilium through the commands a user runs: diff --against-cni lists the flows Cilium judges
// differently, explain says where Cilium enforces and why an ipBlock misses a pod, rules shows the
// endpoint policy maps instead of iptables policy chains, and the real-kernel replay refuses it.
#include <gtest/gtest.h>

#include <sstream>

#include "run_command.h"

namespace packetwalk::ui::cli {
namespace {

using test::Result;
using test::run;
using test::call;


bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kCalico = "scenarios/policy/same-policies-calico.yaml";
const std::string kCilium = "scenarios/policy/same-policies-cilium.yaml";

TEST(CiliumCli, DiffAgainstCiliumListsTheIpBlockAndAdminTierDifferences) {
  auto r = run(cmd_diff, "diff", {kCalico, "--against-cni", "cilium", "--port", "80/TCP"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(has(r.out, "new: " + kCalico + " (CNI cilium, enforces NetworkPolicy)\n")) << r.out;
  // The ANP is Calico's only: z -> x on 80 opens.
  EXPECT_TRUE(has(r.out, "\nto x/a\n  opened  from z/a  80/TCP\n    old: denied: ingress denied by "
                         "AdminNetworkPolicy/deny-from-z ingress rule 0 (deny-z-on-80)")) << r.out;
  // The ipBlock names node-3's pod addresses: Calico lets them in, Cilium does not.
  EXPECT_TRUE(has(r.out, "\nto y/b\n  closed  from x/a  80/TCP\n    old: allowed: ingress allowed by NetworkPolicy "
                         "y/allow-from-node-3-pods ingress rule 0")) << r.out;
  EXPECT_TRUE(has(r.err, "cni cilium does not enforce AdminNetworkPolicy: this policy has no effect")) << r.err;
  EXPECT_TRUE(has(r.err, "which cni cilium never selects by CIDR")) << r.err;
}

TEST(CiliumCli, ExplainNamesTheEnforcementPointAndTheIdentityDifference) {
  auto r = run(cmd_explain, "explain", {"--scenario", kCilium, "--from", "x/a", "--to", "y/b", "--port", "80"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "Verdict     DENIED: ingress of the destination is isolated by NetworkPolicy "
                         "y/allow-from-node-3-pods")) << r.out;
  EXPECT_TRUE(has(r.out, "but is pod x/a: Cilium matches it by the pod's identity, and an ipBlock never selects cluster pods"))
      << r.out;
  EXPECT_TRUE(has(r.out, ", bpf_lxc cil_to_container on lxc")) << r.out;
  EXPECT_TRUE(has(r.out, "no rule allows it, so it drops the packet: \"Policy denied\" (DROP_POLICY 133)")) << r.out;
  EXPECT_TRUE(has(r.out, "cni cilium 1.16 does not enforce AdminNetworkPolicy")) << r.out;
}

TEST(CiliumCli, RulesShowsEndpointPolicyMapsAndNoPolicyChains) {
  auto r = run(cmd_rules, "rules", {"--scenario", kCilium, "--node", "node-1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(has(r.out, "cali-")) << r.out;
  EXPECT_TRUE(has(r.out, "-A CILIUM_POST_nat -s 10.244.0.0/24 ! -d 10.244.0.0/16 ! -o cilium_+ -m comment --comment "
                         "\"cilium masquerade non-cluster\" -j MASQUERADE")) << r.out;
  EXPECT_TRUE(has(r.out, "# cni cilium: no iptables policy chains; NetworkPolicy lives in each endpoint's eBPF policy map\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "(endpoint y/b)\nPOLICY   DIRECTION   LABELS (source:key[=value])")) << r.out;
  EXPECT_TRUE(has(r.out, "cidr:10.244.2.0/24")) << r.out;
}

TEST(CiliumCli, MaterializeAndVerifyRefuseCilium) {
  using Command = int (*)(const Args&, std::ostream&, std::ostream&);
  const std::pair<Command, const char*> commands[] = {{&cmd_materialize, "materialize"}, {&cmd_verify, "verify"}};
  for (const auto& [cmd, name] : commands) {
    auto r = run(cmd, name, {"--scenario", kCilium});
    EXPECT_EQ(r.code, 2) << name;
    EXPECT_EQ(r.out, "") << name;
    EXPECT_TRUE(has(r.err, "packetwalk " + std::string(name) + ": cni cilium cannot be replayed in a real kernel: its "
                           "datapath (bpf_lxc, bpf_overlay, its tunnel and policy maps) is eBPF programs"))
        << r.err;
  }
}

}  // namespace
}  // namespace packetwalk::ui::cli
