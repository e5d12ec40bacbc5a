// The iptables-save printer. Expected lines are what iptables-save 1.8.9 printed (nf_tables and
// legacy backends alike) after kube-proxy's restore-input lines were restored into a scratch
// network namespace; see the header for the dialect rules they illustrate.

#include "packetwalk/model/datapath/netfilter_save.h"

#include <gtest/gtest.h>

namespace packetwalk::model::datapath {
namespace {

using net::Cidr;
using net::Ipv4Address;
using net::Protocol;

Ipv4Address ip(const char* s) { return *Ipv4Address::parse(s); }
Cidr cidr(const char* s) { return *Cidr::parse(s); }

PortMatch dport(Protocol p, net::Port port) {
  PortMatch m;
  m.protocol = p;
  m.dport = std::make_pair(port, port);
  return m;
}

TEST(RuleToString, ClusterIpRuleIsReorderedAsSaveDoes) {
  // kube-proxy writes: -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j ...
  Rule r;
  r.destination = Negatable<Cidr>{Cidr::host(ip("172.30.0.41")), false};
  r.protocol = Negatable<Protocol>{Protocol::Tcp, false};
  r.modules = {CommentMatch{"ns1/svc1:p80 cluster IP"}, dport(Protocol::Tcp, 80)};
  r.target = JumpTarget{"KUBE-SVC-XPGD46QRK7WJZT7O"};
  EXPECT_EQ(rule_to_string("KUBE-SERVICES", r),
            "-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp "
            "--dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O");
}

TEST(RuleToString, MasqueradeRuleWithNegatedSource) {
  Rule r;
  r.source = Negatable<Cidr>{cidr("10.0.0.0/8"), true};
  r.destination = Negatable<Cidr>{Cidr::host(ip("172.30.0.41")), false};
  r.protocol = Negatable<Protocol>{Protocol::Tcp, false};
  r.modules = {CommentMatch{"ns1/svc1:p80 cluster IP"}, dport(Protocol::Tcp, 80)};
  r.target = JumpTarget{"KUBE-MARK-MASQ"};
  EXPECT_EQ(rule_to_string("KUBE-SVC-XPGD46QRK7WJZT7O", r),
            "-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "
            "\"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ");
}

TEST(RuleToString, AddressesAreMaskedToTheirPrefix) {
  Rule r;
  r.source = Negatable<Cidr>{cidr("10.244.3.7/16"), false};
  r.target = AcceptTarget{};
  EXPECT_EQ(rule_to_string("X", r), "-A X -s 10.244.0.0/16 -j ACCEPT");
}

TEST(RuleToString, EndpointChainRules) {
  Rule hairpin;
  hairpin.source = Negatable<Cidr>{Cidr::host(ip("10.180.0.1")), false};
  hairpin.modules = {CommentMatch{"ns1/svc1:p80"}};
  hairpin.target = JumpTarget{"KUBE-MARK-MASQ"};
  EXPECT_EQ(rule_to_string("KUBE-SEP-SXIVWICOYRO3J4NJ", hairpin),
            "-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment \"ns1/svc1:p80\" -j KUBE-MARK-MASQ");

  Rule dnat;
  dnat.protocol = Negatable<Protocol>{Protocol::Tcp, false};
  PortMatch tcp;
  dnat.modules = {CommentMatch{"ns1/svc1:p80"}, RecentMatch{"KUBE-SEP-SXIVWICOYRO3J4NJ", true, 0, false}, tcp};
  dnat.target = DnatTarget{ip("10.180.0.1"), 80};
  EXPECT_EQ(rule_to_string("KUBE-SEP-SXIVWICOYRO3J4NJ", dnat),
            "-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment \"ns1/svc1:p80\" -m recent --set --name "
            "KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.1:80");
}

TEST(RuleToString, AffinityAndStatisticRules) {
  Rule affinity;
  affinity.modules = {CommentMatch{"ns1/svc1:p80 -> 10.180.0.1:80"}, RecentMatch{"KUBE-SEP-SXIVWICOYRO3J4NJ", false, 10800, true}};
  affinity.target = JumpTarget{"KUBE-SEP-SXIVWICOYRO3J4NJ"};
  EXPECT_EQ(rule_to_string("KUBE-SVC-XPGD46QRK7WJZT7O", affinity),
            "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m recent --rcheck "
            "--seconds 10800 --reap --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -j "
            "KUBE-SEP-SXIVWICOYRO3J4NJ");

  Rule random;
  random.modules = {CommentMatch{"ns1/svc1:p80 -> 10.180.0.1:80"}, StatisticMatch{"0.3333333333", 715827883}};
  random.target = JumpTarget{"KUBE-SEP-SXIVWICOYRO3J4NJ"};
  EXPECT_EQ(rule_to_string("KUBE-SVC-XPGD46QRK7WJZT7O", random),
            "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m statistic --mode "
            "random --probability 0.33333333349 -j KUBE-SEP-SXIVWICOYRO3J4NJ");
}

TEST(RuleToString, MarkTargetsPrintAsSetXmark) {
  Rule orm;
  orm.target = MarkTarget{MarkTarget::Op::Or, 0x4000};
  EXPECT_EQ(rule_to_string("KUBE-MARK-MASQ", orm), "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000");
  Rule xorm;
  xorm.target = MarkTarget{MarkTarget::Op::Xor, 0x4000};
  EXPECT_EQ(rule_to_string("KUBE-POSTROUTING", xorm), "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0");
  Rule setm;
  setm.target = MarkTarget{MarkTarget::Op::Set, 0x4000};
  EXPECT_EQ(rule_to_string("X", setm), "-A X -j MARK --set-xmark 0x4000/0xffffffff");
}

TEST(RuleToString, PostroutingRules) {
  Rule ret;
  ret.modules = {MarkMatch{0x4000, 0x4000, true}};
  ret.target = ReturnTarget{};
  EXPECT_EQ(rule_to_string("KUBE-POSTROUTING", ret), "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN");
  Rule masq;
  masq.modules = {CommentMatch{"kubernetes service traffic requiring SNAT"}};
  masq.target = MasqueradeTarget{true};
  EXPECT_EQ(rule_to_string("KUBE-POSTROUTING", masq),
            "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE "
            "--random-fully");
  Rule full_mask;
  full_mask.modules = {MarkMatch{0x4000, 0xffffffff, false}};
  full_mask.target = AcceptTarget{};
  EXPECT_EQ(rule_to_string("X", full_mask), "-A X -m mark --mark 0x4000 -j ACCEPT");
}

TEST(RuleToString, FirewallConntrackAndAddrtype) {
  Rule fw;
  fw.source = Negatable<Cidr>{cidr("127.0.0.0/8"), true};
  fw.destination = Negatable<Cidr>{cidr("127.0.0.0/8"), false};
  fw.modules = {CommentMatch{"block incoming localnet connections"},
                ConntrackMatch{kCtRelated | kCtEstablished | kCtDnat, true}};
  fw.target = DropTarget{};
  EXPECT_EQ(rule_to_string("KUBE-FIREWALL", fw),
            "-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet "
            "connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP");

  Rule nodeports;
  nodeports.modules = {CommentMatch{"kubernetes service nodeports; NOTE: this must be the last rule in this chain"},
                       AddrTypeMatch{false, "LOCAL", false}};
  nodeports.target = JumpTarget{"KUBE-NODEPORTS"};
  EXPECT_EQ(rule_to_string("KUBE-SERVICES", nodeports),
            "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule "
            "in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");

  Rule src_local;
  src_local.modules = {AddrTypeMatch{true, "LOCAL", false}};
  src_local.target = JumpTarget{"KUBE-MARK-MASQ"};
  EXPECT_EQ(rule_to_string("E", src_local), "-A E -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ");

  Rule states;
  states.modules = {ConntrackMatch{kCtNew | kCtInvalid | kCtSnat, false}};
  states.target = JumpTarget{"KUBE-SERVICES"};
  EXPECT_EQ(rule_to_string("FORWARD", states), "-A FORWARD -m conntrack --ctstate INVALID,NEW,SNAT -j KUBE-SERVICES");
}

TEST(RuleToString, RejectAlwaysNamesItsReply) {
  Rule r;
  r.destination = Negatable<Cidr>{Cidr::host(ip("172.30.0.46")), false};
  r.protocol = Negatable<Protocol>{Protocol::Tcp, false};
  r.modules = {CommentMatch{"ns6/svc6:p80 has no endpoints"}, dport(Protocol::Tcp, 80)};
  r.target = RejectTarget{};
  EXPECT_EQ(rule_to_string("KUBE-SERVICES", r),
            "-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment \"ns6/svc6:p80 has no endpoints\" -m tcp "
            "--dport 80 -j REJECT --reject-with icmp-port-unreachable");
  r.target = RejectTarget{"icmp-host-prohibited"};
  EXPECT_NE(rule_to_string("KUBE-SERVICES", r).find("--reject-with icmp-host-prohibited"), std::string::npos);
}

TEST(RuleToString, InterfacesPortsAndGoto) {
  Rule r;
  r.in_iface = Negatable<std::string>{"eth0", false};
  r.out_iface = Negatable<std::string>{"cni+", true};
  r.protocol = Negatable<Protocol>{Protocol::Udp, false};
  PortMatch m;
  m.protocol = Protocol::Udp;
  m.sport = std::make_pair(net::Port{10}, net::Port{10});
  m.dport = std::make_pair(net::Port{53}, net::Port{54});
  m.negate_dport = true;
  r.modules = {m};
  r.target = JumpTarget{"OTHER", true};
  EXPECT_EQ(rule_to_string("X", r), "-A X -i eth0 ! -o cni+ -p udp -m udp --sport 10 ! --dport 53:54 -g OTHER");
}

TEST(RuleToString, RuleWithoutTargetOrMatches) {
  Rule fw_end;
  fw_end.modules = {CommentMatch{"other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"}};
  EXPECT_EQ(rule_to_string("KUBE-FW-NUKIZ6OKUXPJNT4C", fw_end),
            "-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment \"other traffic to ns5/svc5:p80 will be dropped by "
            "KUBE-PROXY-FIREWALL\"");
  EXPECT_EQ(rule_to_string("EMPTY", Rule{}), "-A EMPTY");
}

TEST(RuleToString, OtherModules) {
  Rule r;
  r.modules = {NfacctMatch{"ct_state_invalid_dropped_pkts"}, SetMatch{"KUBE-CLUSTER-IP", "dst,dst", true},
               PhysdevMatch{true, false}};
  r.target = DropTarget{};
  EXPECT_EQ(rule_to_string("X", r),
            "-A X -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -m set ! --match-set KUBE-CLUSTER-IP dst,dst "
            "-m physdev --physdev-is-bridged -j DROP");
  Rule not_bridged;
  not_bridged.modules = {PhysdevMatch{false, false}};
  EXPECT_EQ(rule_to_string("X", not_bridged), "-A X -m physdev ! --physdev-is-bridged");
}

TEST(SaveQuoted, FollowsXtablesSaveString) {
  EXPECT_EQ(save_quoted("kubeX"), "kubeX");
  EXPECT_EQ(save_quoted("a_b-C9"), "a_b-C9");
  EXPECT_EQ(save_quoted("ns1/svc1:p80"), "\"ns1/svc1:p80\"");
  EXPECT_EQ(save_quoted("two words"), "\"two words\"");
  EXPECT_EQ(save_quoted("a\"b'c\\d"), "\"a\\\"b\\'c\\\\d\"");
  EXPECT_EQ(save_quoted(""), "\"\"");
}

TEST(Probability, ThresholdAndSavedText) {
  EXPECT_EQ(statistic_threshold(0.5), 1073741824u);
  EXPECT_EQ(statistic_threshold(0.3333333333), 715827883u);
  EXPECT_EQ(saved_probability(715827883u), "0.33333333349");
  EXPECT_EQ(saved_probability(statistic_threshold(0.1666666667)), "0.16666666651");
  EXPECT_EQ(saved_probability(statistic_threshold(0.1428571429)), "0.14285714272");
}

TEST(Netfilter, BuiltinChainsPerTable) {
  Netfilter nf;
  EXPECT_EQ(nf.raw.chains.size(), 2u);
  EXPECT_EQ(nf.mangle.chains.size(), 5u);
  EXPECT_EQ(nf.nat.chains.size(), 4u);
  EXPECT_EQ(nf.filter.chains.size(), 3u);
  EXPECT_EQ(nf.nat.find("FORWARD"), nullptr);
  ASSERT_NE(nf.filter.find("FORWARD"), nullptr);
  EXPECT_TRUE(nf.filter.find("FORWARD")->builtin);
  EXPECT_TRUE(table_has_hook(NfTableKind::Raw, NfHook::Output));
  EXPECT_FALSE(table_has_hook(NfTableKind::Raw, NfHook::Input));
  EXPECT_FALSE(table_has_hook(NfTableKind::Filter, NfHook::Prerouting));
  EXPECT_EQ(&nf.table(NfTableKind::Nat), &nf.nat);
  EXPECT_EQ(hook_name(NfHook::Postrouting), "POSTROUTING");
  EXPECT_EQ(table_name(NfTableKind::Mangle), "mangle");
}

TEST(Table, AppendPrependAndCreate) {
  Table t{NfTableKind::Filter, {}};
  Rule a;
  a.target = AcceptTarget{};
  Rule d;
  d.target = DropTarget{};
  t.append("MINE", a);
  t.prepend("MINE", d);
  const Chain* c = t.find("MINE");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->builtin);
  ASSERT_EQ(c->rules.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<DropTarget>(c->rules[0].target));
  EXPECT_EQ(&t.chain("MINE"), c);  // no second chain
}

TEST(SaveTable, CanonicalOrder) {
  Netfilter nf;
  for (const char* name : {"KUBE-SVC-B", "FLANNEL-FWD", "KUBE-SERVICES", "KUBE-EXT-A", "KUBE-NODEPORTS", "CNI-X"})
    nf.nat.chain(name);
  Rule r;
  r.target = JumpTarget{"KUBE-SERVICES"};
  nf.nat.append("OUTPUT", r);
  nf.nat.append("PREROUTING", r);
  EXPECT_EQ(save_table(nf.nat),
            "*nat\n"
            ":PREROUTING ACCEPT [0:0]\n"
            ":INPUT ACCEPT [0:0]\n"
            ":OUTPUT ACCEPT [0:0]\n"
            ":POSTROUTING ACCEPT [0:0]\n"
            ":KUBE-NODEPORTS - [0:0]\n"
            ":KUBE-SERVICES - [0:0]\n"
            ":KUBE-EXT-A - [0:0]\n"
            ":KUBE-SVC-B - [0:0]\n"
            ":CNI-X - [0:0]\n"
            ":FLANNEL-FWD - [0:0]\n"
            "-A PREROUTING -j KUBE-SERVICES\n"
            "-A OUTPUT -j KUBE-SERVICES\n"
            "COMMIT\n");
}

TEST(SaveNetfilter, FilterThenNatAndOnlyModifiedOthers) {
  Netfilter nf;
  std::string plain = save_netfilter(nf);
  EXPECT_EQ(plain.find("*filter"), 0u);
  EXPECT_NE(plain.find("*nat"), std::string::npos);
  EXPECT_EQ(plain.find("*mangle"), std::string::npos);
  EXPECT_EQ(plain.find("*raw"), std::string::npos);
  nf.mangle.chain("KUBE-PROXY-CANARY");
  nf.raw.chains.at("PREROUTING").policy = "DROP";
  std::string more = save_netfilter(nf);
  EXPECT_LT(more.find("*nat"), more.find("*mangle"));
  EXPECT_LT(more.find("*mangle"), more.find("*raw"));
  EXPECT_NE(more.find(":KUBE-PROXY-CANARY - [0:0]\n"), std::string::npos);
  EXPECT_NE(more.find(":PREROUTING DROP [0:0]\n"), std::string::npos);
  EXPECT_EQ(iptables_restore_input(nf), more);
}

}  // namespace
}  // namespace packetwalk::model::datapath
