// The real iptables as an oracle. In a scratch network namespace (never the host's own tables):
//  1. `iptables-restore --test` must accept what packetwalk prints, for several setups;
//  2. for setups without nfacct matches (their counters do not exist in a new namespace), the
//     text is restored for real and `iptables-save` must print back the same rules, chain by
//     chain — which checks the printer's dialect (quoting, probabilities, MARK, recent, ...)
//     against the real tool rather than against our reading of its source.
// Skipped, with the reason, unless running as root with `ip netns` and iptables-restore working.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "packetwalk/model/datapath/netfilter_save.h"
#include "packetwalk/model/kubeproxy/iptables_proxier.h"
#include "test_services.h"

namespace packetwalk::model::kubeproxy {
namespace {

using namespace kptest;  // NOLINT: test helpers

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_path(const char* tag) {
  std::string pattern = std::string("/tmp/pw-kp-") + tag + "-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  return pattern;
}

// Runs `command` with /bin/sh, stdin from `input_file` when given.
CommandResult run(const std::string& command, const std::string& input_file = "") {
  const std::string out = temp_path("out");
  std::string full = command + (input_file.empty() ? " </dev/null" : " <" + input_file) + " >" + out + " 2>&1";
  int rc = std::system(full.c_str());
  CommandResult r;
  r.status = (rc != -1 && WIFEXITED(rc)) ? WEXITSTATUS(rc) : -1;
  r.output = read_all(out);
  std::remove(out.c_str());
  return r;
}

bool on_path(const char* tool) {
  return run(std::string("command -v ") + tool).status == 0;
}

// A network namespace that exists for the lifetime of this object, and is always deleted.
class ScratchNetns {
public:
  explicit ScratchNetns(const std::string& tag) : name_("pw-test-" + std::to_string(getpid()) + "-" + tag) {
    CommandResult r = run("ip netns add " + name_);
    created_ = r.status == 0;
    ok_ = created_;
    error_ = "`ip netns add` failed: " + r.output;
    if (ok_) {
      // In a chroot (or a container without its own mount namespace) the namespace can be made
      // but not entered: `ip netns exec` cannot remount /sys. That machine cannot run the test.
      CommandResult enter = run("ip netns exec " + name_ + " true");
      if (enter.status != 0) {
        ok_ = false;
        error_ = "`ip netns exec` cannot enter it: " + enter.output;
      }
    }
  }
  ~ScratchNetns() {
    if (created_) run("ip netns delete " + name_);
  }
  ScratchNetns(const ScratchNetns&) = delete;
  ScratchNetns& operator=(const ScratchNetns&) = delete;

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  // Runs `command` inside the namespace; if entering it fails, nothing runs.
  CommandResult exec(const std::string& command, const std::string& input_file = "") const {
    return run("ip netns exec " + name_ + " " + command, input_file);
  }

private:
  std::string name_;
  bool ok_ = false;
  bool created_ = false;
  std::string error_;
};

// Why the oracle cannot run here, or "" when it can.
std::string unavailable_reason() {
  if (geteuid() != 0) return "not running as root (ip netns add needs CAP_SYS_ADMIN)";
  if (!on_path("ip")) return "the `ip` tool (iproute2) is not installed";
  if (!on_path("iptables-restore") || !on_path("iptables-save")) return "iptables-restore/iptables-save are not installed";
  return "";
}

// table -> chain -> rules; plus chain -> policy. Real iptables-save lists user chains in byte
// order and tables in its own order, so comparisons go chain by chain.
struct ParsedSave {
  std::map<std::string, std::map<std::string, std::string>> policies;
  std::map<std::string, std::map<std::string, std::vector<std::string>>> rules;
};

ParsedSave parse_save(const std::string& text) {
  ParsedSave p;
  std::istringstream in(text);
  std::string line, table;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line == "COMMIT") continue;
    if (line[0] == '*') {
      table = line.substr(1);
      p.policies[table];
      p.rules[table];
    } else if (line[0] == ':') {
      auto space = line.find(' ');
      auto chain = line.substr(1, space - 1);
      p.policies[table][chain] = line.substr(space + 1, line.find(' ', space + 1) - space - 1);
      p.rules[table][chain];
    } else if (line.rfind("-A ", 0) == 0) {
      auto chain = line.substr(3, line.find(' ', 3) - 3);
      p.rules[table][chain].push_back(line);
    }
  }
  return p;
}

struct RulesetCase {
  const char* name;
  kube::ServiceState services;
  ProxyConfig config;
  ProxyNode node{"node-1", ip("192.168.0.11")};
};

// Services beyond the golden ones: Local internal policy without local endpoints, external IPs
// with ETP Local and no local endpoints, a terminating-only service, ten endpoints (every
// probability from 1/10 to 1/2), and a comment that needs escaping.
kube::ServiceState more_services() {
  using kube::ServiceType;
  using net::Protocol;
  kube::ServiceState s = golden_services();
  auto itp = service("apps", "itp-local", ServiceType::ClusterIP, "10.96.5.1",
                     {port("p", Protocol::Tcp, 80, 80, {ep("10.244.2.40", 80, "node-2")})});
  itp.internal_traffic_policy_local = true;
  s.services.push_back(itp);
  auto ext = service("apps", "ext-local", ServiceType::NodePort, "10.96.5.2",
                     {port("", Protocol::Sctp, 7000, 7000, {ep("10.244.2.41", 7000, "node-2")}, 31700)});
  ext.external_traffic_policy_local = true;
  ext.external_ips = {ip("192.0.2.7")};
  s.services.push_back(ext);
  auto term = service("apps", "draining", ServiceType::ClusterIP, "10.96.5.3",
                      {port("", Protocol::Tcp, 81, 81, {ep("10.244.1.42", 81, "node-1", false)})});
  term.ports[0].endpoints[0].serving = true;
  term.ports[0].endpoints[0].terminating = true;
  s.services.push_back(term);
  std::vector<kube::EndpointInfo> ten;
  for (int i = 10; i < 20; ++i) ten.push_back(ep(("10.244.3." + std::to_string(i)).c_str(), 8080, "node-3"));
  auto many = service("apps", "ten", ServiceType::ClusterIP, "10.96.5.4", {port("h", Protocol::Tcp, 80, 8080, {})});
  many.ports[0].endpoints = ten;
  s.services.push_back(many);
  return s;
}

std::vector<RulesetCase> setups() {
  std::vector<RulesetCase> out;
  ProxyConfig base;
  base.cluster_cidr = cidr("10.244.0.0/16");

  RulesetCase golden{"golden", golden_services(), base};
  out.push_back(golden);

  RulesetCase plain{"golden-without-nfacct", golden_services(), base};
  plain.config.nfacct = false;
  out.push_back(plain);

  RulesetCase wide{"more-services", more_services(), base};
  wide.config.nfacct = false;
  out.push_back(wide);

  RulesetCase other{"masquerade-all-no-localhost-large-cluster", more_services(), base};
  other.config.nfacct = false;
  other.config.cluster_cidr.reset();
  other.config.masquerade_all = true;
  other.config.localhost_nodeports = false;
  other.config.random_fully = false;
  other.config.conntrack_tcp_be_liberal = true;
  other.config.large_cluster_threshold = 3;
  out.push_back(other);

  RulesetCase addresses{"nodeport-addresses", more_services(), base};
  addresses.config.nfacct = false;
  addresses.config.node_port_addresses = {cidr("192.168.0.0/24"), cidr("127.0.0.0/8")};
  addresses.node.ip = ip("192.168.0.11");
  out.push_back(addresses);
  return out;
}

bool uses_nfacct(const RulesetCase& s) { return s.config.nfacct; }

// A temporary file holding `text`, removed on scope exit.
class TempFile {
public:
  explicit TempFile(const std::string& text) : path_(temp_path("rules")) { std::ofstream(path_) << text; }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

// Restores `text` for real with `tool`-restore and compares `tool`-save's output chain by chain.
void expect_saved_back(const ScratchNetns& netns, const std::string& tool, const RulesetCase& setup,
                       const std::string& text, const TempFile& file) {
  CommandResult restore = netns.exec(tool + "-restore", file.path());
  ASSERT_EQ(restore.status, 0) << tool << "-restore failed for setup " << setup.name << ":\n" << restore.output;
  CommandResult saved = netns.exec(tool + "-save");
  ASSERT_EQ(saved.status, 0) << saved.output;
  const ParsedSave want = parse_save(text);
  const ParsedSave got = parse_save(saved.output);
  for (const auto& [table, chains] : want.rules) {
    ASSERT_TRUE(got.rules.count(table)) << tool << "-save has no table " << table << ":\n" << saved.output;
    EXPECT_EQ(got.policies.at(table), want.policies.at(table)) << "chains of table " << table;
    for (const auto& [chain, rules] : chains) {
      auto it = got.rules.at(table).find(chain);
      ASSERT_NE(it, got.rules.at(table).end()) << table << " " << chain << " missing after restore";
      EXPECT_EQ(it->second, rules) << tool << ": rules of " << table << " " << chain << " in setup " << setup.name;
    }
  }
}

std::string rules_of(const RulesetCase& setup) {
  datapath::Netfilter nf;
  program_iptables(setup.services, setup.node, setup.config, nf);
  return datapath::iptables_restore_input(nf);
}

class IptablesRestore : public ::testing::TestWithParam<std::size_t> {};

// The default `iptables` (the nf_tables backend on Debian 12 and current distributions).
TEST_P(IptablesRestore, AcceptedAndSavedBackUnchanged) {
  if (std::string why = unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  ScratchNetns netns("nft");
  if (!netns.ok()) GTEST_SKIP() << "cannot use a network namespace on this machine: " << netns.error();

  const RulesetCase setup = setups()[GetParam()];
  const std::string text = rules_of(setup);
  TempFile file(text);
  CommandResult test = netns.exec("iptables-restore --test", file.path());
  ASSERT_EQ(test.status, 0) << "iptables-restore --test rejected setup " << setup.name << ":\n" << test.output;
  if (!uses_nfacct(setup)) expect_saved_back(netns, "iptables", setup, text, file);
}

// The legacy (x_tables) backend, still the default on older nodes, when this kernel has it.
TEST_P(IptablesRestore, LegacyBackendSavesTheSame) {
  if (std::string why = unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  if (!on_path("iptables-legacy-restore") || !on_path("iptables-legacy-save"))
    GTEST_SKIP() << "iptables-legacy-restore/iptables-legacy-save are not installed";
  ScratchNetns netns("legacy");
  if (!netns.ok()) GTEST_SKIP() << "cannot use a network namespace on this machine: " << netns.error();
  if (CommandResult probe = netns.exec("iptables-legacy-save"); probe.status != 0)
    GTEST_SKIP() << "the kernel has no x_tables support for iptables-legacy: " << probe.output;

  const RulesetCase setup = setups()[GetParam()];
  const std::string text = rules_of(setup);
  TempFile file(text);
  CommandResult test = netns.exec("iptables-legacy-restore --test", file.path());
  ASSERT_EQ(test.status, 0) << "iptables-legacy-restore --test rejected setup " << setup.name << ":\n" << test.output;
  if (!uses_nfacct(setup)) expect_saved_back(netns, "iptables-legacy", setup, text, file);
}

INSTANTIATE_TEST_SUITE_P(Setups, IptablesRestore, ::testing::Range<std::size_t>(0, 5),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           std::string name = setups()[info.param].name;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace packetwalk::model::kubeproxy
