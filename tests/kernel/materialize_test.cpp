// The materialize script, checked as text (no privileges needed): deterministic, every command
// scoped to one of its own namespaces, and carrying exactly the model's devices, addresses, routes,
// VXLAN entries and rules. The kernel itself is asked in verify_corpus_test.sh.
#include "packetwalk/model/kernel/materialize.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kernel/endpoint_split.h"
#include "packetwalk/model/query/probe.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::model::kernel {
namespace {

std::unique_ptr<cluster::Cluster> build(const std::string& scenario) {
  load::Diagnostics diags;
  auto s = load::load_scenario(std::string(PACKETWALK_SOURCE_DIR) + "/" + scenario, diags);
  EXPECT_FALSE(diags.has_errors());
  auto c = cluster::Cluster::build(s, diags);
  EXPECT_TRUE(c) << "cluster did not build";
  return c;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string l;
  while (std::getline(ss, l)) out.push_back(l);
  return out;
}

// Every executed line of the script outside heredocs: a command must name one of the script's
// own namespaces through ip -n / bridge -n / ip netns exec / ip netns add, or be the guard/trap
// boilerplate that only deletes those same namespaces.
TEST(Materialize, EveryCommandIsScopedToItsOwnNamespaces) {
  auto c = build("scenarios/verify/clusterip-cross-node.yaml");
  auto m = materialize(*c, {"pwt"});
  std::set<std::string> own;
  for (const auto& n : m.namespaces) own.insert(sh_quote(n.real_name));
  std::string heredoc_end;
  std::size_t commands = 0;
  for (const auto& l : lines(m.setup_script)) {
    if (!heredoc_end.empty()) {
      if (l == heredoc_end) heredoc_end.clear();
      continue;
    }
    if (l.empty() || l[0] == '#') continue;
    if (auto at = l.find("<<'"); at != std::string::npos) heredoc_end = l.substr(at + 3, l.size() - at - 4);
    const bool ip_n = l.rfind("ip -n ", 0) == 0, bridge_n = l.rfind("bridge -n ", 0) == 0,
               exec = l.rfind("ip netns exec ", 0) == 0, add = l.rfind("ip netns add ", 0) == 0;
    if (ip_n || bridge_n || exec || add) {
      ++commands;
      const std::size_t from = ip_n ? 6 : bridge_n ? 10 : exec ? 14 : 13;
      const std::string name = l.substr(from, l.find(' ', from) - from);
      EXPECT_TRUE(own.count(name)) << "not one of the script's namespaces: " << l;
      if (l.find(" netns ", from) != std::string::npos && !exec) {
        const auto peer = l.substr(l.find(" netns ", from) + 7);
        EXPECT_TRUE(own.count(peer.substr(0, peer.find(' ')))) << l;
      }
      continue;
    }
    // The boilerplate: loops over the quoted names, the cleanup function, traps, set -eu.
    const bool boilerplate = l.rfind("for pw_ns in ", 0) == 0 || l.rfind("  ", 0) == 0 || l == "done" || l == "}" ||
                             l.rfind("pw_cleanup()", 0) == 0 || l.rfind("trap ", 0) == 0 || l == "set -eu" ||
                             l.rfind("echo ", 0) == 0;
    EXPECT_TRUE(boilerplate) << "unexpected command: " << l;
  }
  EXPECT_GT(commands, 50u);
  for (const auto& l : lines(m.teardown_script)) {
    if (l.find("ip ") == std::string::npos) continue;
    EXPECT_TRUE(l.find("ip netns del \"$pw_ns\"") != std::string::npos ||
                l.find("ip netns pids \"$pw_ns\"") != std::string::npos)
        << l;
  }
}

TEST(Materialize, IsDeterministicAndNamesAreMapped) {
  auto c = build("scenarios/verify/clusterip-cross-node.yaml");
  auto a = materialize(*c, {"pwt"});
  auto b = materialize(*build("scenarios/verify/clusterip-cross-node.yaml"), {"pwt"});
  EXPECT_EQ(a.setup_script, b.setup_script);
  EXPECT_EQ(a.teardown_script, b.teardown_script);
  EXPECT_EQ(a.namespaces.front().real_name, "pwt-sw");
  EXPECT_EQ(a.real_name(*c->node_netns("node-1")), "pwt-node-1");
  EXPECT_EQ(a.real_name(*c->pod_netns("default", "pod-a")).rfind("pwt-p", 0), 0u);
  EXPECT_NE(a.setup_script.find("#   pwt-node-2"), std::string::npos);
  for (const auto& n : a.namespaces) EXPECT_LE(n.real_name.size(), 40u);
}

TEST(Materialize, CarriesTheModelsVxlanAddressesRoutesAndRules) {
  auto c = build("scenarios/verify/clusterip-cross-node.yaml");
  auto m = materialize(*c, {"pwt"});
  const auto& t = c->topology();
  const auto n1 = *c->node_netns("node-1"), n2 = *c->node_netns("node-2");
  const auto& vtep2 = t.iface(*t.find_iface(n2, "flannel.1"));
  const auto& s = m.setup_script;
  EXPECT_NE(s.find("ip -n 'pwt-node-1' link add name 'flannel.1' type vxlan id 1 local 192.168.0.11 dev 'eth0' "
                   "dstport 8472 nolearning"),
            std::string::npos);
  EXPECT_NE(s.find("bridge -n 'pwt-node-1' fdb append " + vtep2.mac.to_string() + " dev 'flannel.1' dst 192.168.0.12"),
            std::string::npos);
  EXPECT_NE(s.find("ip -n 'pwt-node-1' neigh replace 10.244.1.0 lladdr " + vtep2.mac.to_string() +
                   " dev 'flannel.1' nud permanent"),
            std::string::npos);
  const auto& vtep1 = t.iface(*t.find_iface(n1, "flannel.1"));
  EXPECT_NE(s.find("ip -n 'pwt-node-1' link set dev 'flannel.1' address " + vtep1.mac.to_string() + " mtu 1450"),
            std::string::npos);
  EXPECT_NE(s.find("ip -n 'pwt-node-1' route add 10.244.1.0/24 via 10.244.1.0 dev 'flannel.1' onlink"), std::string::npos);
  EXPECT_NE(s.find("ip -n 'pwt-node-1' address add 10.244.0.1/24 dev 'cni0' noprefixroute"), std::string::npos);
  EXPECT_NE(s.find("type bridge_slave hairpin on"), std::string::npos);
  // The rules are the very text `packetwalk rules` prints.
  EXPECT_NE(s.find(datapath::iptables_restore_input(t.netns(n1).netfilter)), std::string::npos);
  // One route command per model route.
  std::size_t routes = 0, model_routes = 0;
  for (const auto& l : lines(s)) routes += l.find(" route add ") != std::string::npos;
  for (const auto& ns : t.all_netns()) model_routes += ns.routes.routes().size();
  EXPECT_EQ(routes, model_routes);
}

// kube-proxy's KUBE-FORWARD INVALID drop counts into an nfacct object it creates at start-up; a
// fresh namespace has none, and iptables-restore rejects a rule naming a missing counter. So the
// script creates each counter the rules name in that namespace, before loading them.
TEST(Materialize, CreatesTheNfacctCountersBeforeTheRulesThatNameThem) {
  auto c = build("scenarios/verify/clusterip-cross-node.yaml");
  auto m = materialize(*c, {"pwt"});
  const auto& s = m.setup_script;
  const auto rules = datapath::iptables_restore_input(c->topology().netns(*c->node_netns("node-1")).netfilter);
  ASSERT_NE(rules.find("--nfacct-name ct_state_invalid_dropped_pkts"), std::string::npos);
  const auto create = s.find("ip netns exec 'pwt-node-1' python3 - 'ct_state_invalid_dropped_pkts' <<'PW_NFACCT_EOF'");
  const auto load = s.find("ip netns exec 'pwt-node-1' iptables-restore");
  ASSERT_NE(create, std::string::npos);
  ASSERT_NE(load, std::string::npos);
  EXPECT_LT(create, load);
  // Pods load no rules, so they get no counters.
  EXPECT_EQ(s.find("ip netns exec 'pwt-p1' python3"), std::string::npos);
}

TEST(Materialize, RejectsUnsafePrefixes) {
  EXPECT_FALSE(check_prefix("pwv123"));
  EXPECT_TRUE(check_prefix(""));
  EXPECT_TRUE(check_prefix("a b"));
  EXPECT_TRUE(check_prefix("x/../y"));
  EXPECT_TRUE(check_prefix("9abc"));
  EXPECT_TRUE(check_prefix(std::string(21, 'a')));
  EXPECT_EQ(sh_quote("it's"), "'it'\\''s'");
}

TEST(EndpointSplit, ReadsTheStatisticRulesOfTheServiceChain) {
  auto c = build("scenarios/verify/clusterip-three-endpoints.yaml");
  query::ProbeRunner runner(c->topology(), 1);
  runner.set_applications(&c->applications());
  std::string error;
  auto src = query::resolve_source(*c, "default/client", "default", error);
  ASSERT_TRUE(src) << error;
  auto dst = query::resolve_destination(*c, "default/web:80", *src, "default", error);
  ASSERT_TRUE(dst) << error;
  query::ProbeTarget target;
  target.from = src->netns;
  target.dst = dst->address;
  target.port = dst->port;
  auto r = runner.run(target);
  auto split = endpoint_split(c->topology(), r.trace);
  EXPECT_EQ(split.chain.rfind("KUBE-SVC-", 0), 0u);
  ASSERT_EQ(split.shares.size(), 4u);
  double total = 0;
  for (const auto& s : split.shares) {
    EXPECT_NEAR(s.probability, 0.25, 1e-6) << s.backend;
    EXPECT_EQ(s.backend.rfind("default/web-", 0), 0u);
    total += s.probability;
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_FALSE(split.affinity);
}

TEST(ChiSquare, PValues) {
  double chi2 = 0;
  EXPECT_NEAR(chi_square_p_value({20, 20, 20}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, &chi2), 1.0, 1e-9);
  EXPECT_NEAR(chi2, 0.0, 1e-12);
  // chi2 = 3.84146 with 1 df is the 5% point; 9.21034 with 2 df the 1% point.
  EXPECT_NEAR(chi_square_p_value({40, 60}, {0.5, 0.5}), 0.0455003, 1e-6);  // chi2 = 4
  EXPECT_NEAR(chi_square_p_value({60, 0, 0}, {1 / 3.0, 1 / 3.0, 1 / 3.0}), 8.7565108e-27, 1e-33);  // chi2 = 120: e^-60
  EXPECT_EQ(chi_square_p_value({5, 1}, {1.0, 0.0}), 0.0);  // the model says never
  EXPECT_EQ(chi_square_p_value({5}, {1.0}), 1.0);
}

}  // namespace
}  // namespace packetwalk::model::kernel
