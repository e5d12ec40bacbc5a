// The real nft as an oracle for what packetwalk prints in nftables mode. In a scratch network
// namespace pw-nft-<pid> (never the host's own ruleset):
//  1. `nft -c -f FILE` must accept the printed `nft list ruleset` text, for several setups;
//  2. the text is loaded for real and `nft list ruleset` must print it back identically, except
//     for the order of set elements (the kernel lists hash sets in hash order).
// Skipped, with the reason, unless running as root with `ip netns` working and nft installed.
// The namespace is always deleted.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/datapath/nft_print.h"
#include "packetwalk/model/kubeproxy/nftables_proxier.h"
#include "packetwalk/model/load/scenario.h"
#include "test_services.h"

namespace packetwalk::model::kubeproxy {
namespace {

using namespace kptest;  // NOLINT: test helpers

struct CommandResult {
  int status = -1;
  std::string output;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_file(const std::string& content) {
  std::string pattern = "/tmp/pw-nft-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd >= 0) {
    if (!content.empty()) (void)!write(fd, content.data(), content.size());
    close(fd);
  }
  return pattern;
}

CommandResult run(const std::string& command) {
  const std::string out = temp_file("");
  const int rc = std::system((command + " </dev/null >" + out + " 2>&1").c_str());
  CommandResult r;
  r.status = (rc != -1 && WIFEXITED(rc)) ? WEXITSTATUS(rc) : -1;
  r.output = read_all(out);
  std::remove(out.c_str());
  return r;
}

class NftNetns {
public:
  NftNetns() : name_("pw-nft-" + std::to_string(getpid())) {
    CommandResult r = run("ip netns add " + name_);
    created_ = r.status == 0;
    if (!created_) {
      why_ = "`ip netns add` failed: " + r.output;
      return;
    }
    CommandResult enter = run("ip netns exec " + name_ + " true");
    if (enter.status != 0) why_ = "`ip netns exec` cannot enter the namespace: " + enter.output;
  }
  ~NftNetns() {
    if (created_) run("ip netns delete " + name_);
  }
  NftNetns(const NftNetns&) = delete;
  NftNetns& operator=(const NftNetns&) = delete;
  const std::string& why_not() const { return why_; }
  CommandResult exec(const std::string& command) const { return run("ip netns exec " + name_ + " " + command); }

private:
  std::string name_;
  bool created_ = false;
  std::string why_;
};

std::string unavailable_reason() {
  if (geteuid() != 0) return "not running as root (ip netns add needs CAP_SYS_ADMIN)";
  if (run("command -v ip").status != 0) return "the `ip` tool (iproute2) is not installed";
  if (run("command -v nft").status != 0) return "nft is not installed";
  return "";
}

// `elements = { a, b,\n c }` blocks sorted, so hash order does not matter.
std::string normalise_elements(const std::string& text) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    auto start = text.find("elements = { ", pos);
    if (start == std::string::npos) break;
    auto end = text.find(" }\n", start);
    out += text.substr(pos, start - pos);
    std::string body = text.substr(start + 13, end - start - 13);
    std::vector<std::string> items;
    std::string item;
    std::istringstream in(body);
    while (std::getline(in, item, ',')) {
      item.erase(0, item.find_first_not_of(" \t\n"));
      items.push_back(item);
    }
    std::sort(items.begin(), items.end());
    out += "elements = {";
    for (const auto& i : items) out += " " + i + ";";
    out += " }\n";
    pos = end + 3;
  }
  return out + text.substr(pos);
}

std::unique_ptr<cluster::Cluster> scenario_cluster(const std::string& relative) {
  load::Diagnostics diags;
  load::Scenario s = load::load_scenario(std::string(PACKETWALK_SOURCE_DIR) + "/" + relative, diags);
  s.cluster.proxy_mode = "nftables";
  std::unique_ptr<cluster::Cluster> c;
  if (!diags.has_errors()) c = cluster::Cluster::build(s, diags);
  if (!c) ADD_FAILURE() << "cannot build " << relative;
  return c;
}

struct Case {
  std::string name;
  std::string text;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  ProxyConfig config;
  config.cluster_cidr = cidr("10.244.0.0/16");
  datapath::NftRuleset golden;
  program_nftables(golden_services(), ProxyNode{"node-1", ip("192.168.0.10")}, config, {cidr("10.96.0.0/12")}, golden);
  out.push_back({"golden services, node-1", datapath::nft_list_ruleset(golden)});
  config.node_port_addresses = {cidr("192.168.0.0/24")};
  datapath::NftRuleset addresses;
  program_nftables(golden_services(), ProxyNode{"node-2", ip("192.168.0.11")}, config, {cidr("10.96.0.0/12")}, addresses);
  out.push_back({"golden services, nodePortAddresses", datapath::nft_list_ruleset(addresses)});
  for (const char* path : {"scenarios/services/clusterip-seed.yaml", "scenarios/services/nodeport-external.yaml",
                           "scenarios/services/session-affinity-nftables.yaml", "scenarios/services/no-endpoints-nftables.yaml"}) {
    auto c = scenario_cluster(path);
    if (!c) continue;
    for (const auto& n : c->inventory().nodes) {
      const auto& ns = c->topology().netns(*c->node_netns(n.name));
      out.push_back({std::string(path) + " " + n.name, datapath::nft_list_ruleset(ns.nft)});
    }
  }
  return out;
}

TEST(NftOracle, NftAcceptsAndListsBackThePrintedRuleset) {
  if (auto why = unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  NftNetns netns;
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    const std::string file = temp_file(c.text);
    CommandResult check = netns.exec("nft -c -f " + file);
    EXPECT_EQ(check.status, 0) << "nft -c rejected the ruleset:\n" << check.output;
    if (check.status == 0) {
      CommandResult load = netns.exec("nft -f " + file);
      EXPECT_EQ(load.status, 0) << load.output;
      CommandResult list = netns.exec("nft list ruleset");
      EXPECT_EQ(normalise_elements(list.output), normalise_elements(c.text));
      netns.exec("nft flush ruleset");
    }
    std::remove(file.c_str());
  }
}

}  // namespace
}  // namespace packetwalk::model::kubeproxy
