// Through the packetwalk-gui binary: a name probe's DNS exchanges as legs of the replay (the text
// dump lists them before the connection, as `packetwalk run` prints them; under Xvfb the DNS
// colour and badge are drawn in the picture and on the timeline), --fault with values, and reload
// on change in a running window (--exit-after-seconds).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "gui/snapshot.h"
#include "png_regions.h"

namespace packetwalk::tests::gui {
namespace {

namespace theme = ui::gui::theme;
namespace fs = std::filesystem;
const std::string kSource = PACKETWALK_SOURCE_DIR;
const std::string kGui = PACKETWALK_GUI_BINARY, kCli = PACKETWALK_CLI_BINARY;
const std::string kOut = std::string(PACKETWALK_GUI_TEST_OUT) + "/dns-legs";
const std::string kShortNames = kSource + "/scenarios/dns/short-names.yaml";
constexpr int kW = 1280, kH = 800;

bool no_display() {
  const char* d = std::getenv("DISPLAY");
  return !d || !*d;
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a command, returns its stdout.
std::string output(const std::string& cmd, const std::string& name) {
  fs::create_directories(kOut);
  const std::string file = kOut + "/" + name + ".txt";
  const int status = std::system((cmd + " > " + file).c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
  return slurp(file);
}

// The first hop of the probe's first leg with `action` (as --at-hop takes it).
std::size_t first_hop(const std::string& probe, model::trace::HopAction action) {
  auto s = ui::gui::Session::open({kShortNames, {}}, std::cerr);
  if (!s) return 0;
  const auto& p = s->snapshot().probes[static_cast<std::size_t>(std::max(0, s->snapshot().find_probe(probe)))];
  for (std::size_t i = 0; i < p.hops.size(); ++i)
    if (p.hop(i).action == action) return i;
  return 0;
}

// The legs `packetwalk run` prints for a probe, as the GUI names them: an exchange's legs get its
// number ("DNS query A x" of "DNS 1/2" -> "DNS 1/2 query A x"), the connection's keep theirs.
std::vector<std::string> cli_legs(const std::string& run_text, const std::string& probe) {
  std::istringstream in(run_text);
  std::string line, prev = "x", exchange;
  std::vector<std::string> out;
  bool in_probe = false, in_dns = false;
  while (std::getline(in, line)) {
    if (line.rfind("probe ", 0) == 0) in_probe = line.rfind("probe " + probe + ":", 0) == 0;
    const bool header = in_probe && prev.empty() && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ';
    prev = line;
    if (!header) continue;
    if (line.rfind("  DNS  result:", 0) == 0) {
      in_dns = false;
      continue;
    }
    if (line.rfind("  DNS  ", 0) == 0) continue;  // the lookup's heading
    if (line.rfind("  DNS ", 0) == 0 && line.find('/') < line.find("  ", 6)) {  // "  DNS 1/2  A name -> ..."
      exchange = line.substr(2, line.find("  ", 6) - 2);
      in_dns = true;
      continue;
    }
    std::string name = line.substr(2, line.find("  ", 2) - 2);
    if (in_dns) name = exchange + " " + (name.rfind("DNS ", 0) == 0 ? name.substr(4) : name);
    out.push_back(name);
  }
  return out;
}

TEST(GuiDnsLegsRun, DumpListsTheLookupsLegsBeforeTheConnection) {
  const std::size_t dnat = first_hop("same-namespace", model::trace::HopAction::Dnat);
  ASSERT_GT(dnat, 0u);
  const std::string gui = output(kGui + " " + kShortNames + " --probe same-namespace --at-hop " + std::to_string(dnat) + " --dump-view -", "dump");
  const std::string run = output(kCli + " run " + kShortNames, "run");
  const auto expected = cli_legs(run, "same-namespace");
  ASSERT_GT(expected.size(), 4u) << run;
  // The dump's legs, in order: "leg N  hops A-B  T0..T1  KIND:  NAME".
  std::vector<std::string> legs, kinds;
  std::istringstream in(gui);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("leg ", 0) != 0) continue;
    const auto colon = line.find(":  ");
    legs.push_back(line.substr(colon + 3));
    kinds.push_back(line.substr(line.rfind("  ", colon) + 2, colon - line.rfind("  ", colon) - 2));
  }
  EXPECT_EQ(legs, expected) << gui;
  // DNS legs first, the connection after them.
  ASSERT_EQ(kinds.size(), legs.size());
  EXPECT_EQ(kinds.front(), "DNS query");
  EXPECT_EQ(kinds[1], "DNS answer");
  EXPECT_EQ(kinds.back(), "forward");
  // The hop under the cursor: kube-proxy's DNAT of the query, the resolver's try it belongs to.
  EXPECT_NE(gui.find("hop " + std::to_string(dnat) + " of "), std::string::npos) << gui;
  EXPECT_NE(gui.find(": leg 1 (DNS query) at "), std::string::npos) << gui;
  EXPECT_NE(gui.find("  DNAT 10.96.0.10:53 -> "), std::string::npos) << gui;
  EXPECT_NE(gui.find("  dst: 10.96.0.10 -> "), std::string::npos) << gui;
  EXPECT_NE(gui.find("  DNS try 1 of "), std::string::npos) << gui;
  EXPECT_NE(gui.find(": A api.default.svc.cluster.local. to 10.96.0.10:53 UDP attempt 1"), std::string::npos) << gui;
  EXPECT_NE(gui.find(": NOERROR  | api.default.svc.cluster.local."), std::string::npos) << gui;
}

TEST(GuiDnsLegsRun, ScreenshotDrawsTheDnsLeg) {
  if (no_display()) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`";
  const auto l = ui::gui::compute_pane_layout(kW, kH);
  auto shot = [&](const std::string& args, const std::string& name) {
    fs::create_directories(kOut);
    const std::string png = kOut + "/" + name + ".png";
    fs::remove(png);
    EXPECT_EQ(std::system((kGui + " " + args + " --size 1280x800 --screenshot " + png).c_str()), 0) << args;
    return Image::load(png);
  };
  const std::size_t dnat = first_hop("same-namespace", model::trace::HopAction::Dnat);
  const auto dns = shot(kShortNames + " --probe same-namespace --at-hop " + std::to_string(dnat), "dns-leg");
  ASSERT_TRUE(dns);
  // The query's trail and the packet's DNS badge in the picture; the legs' bars and badges on the lane.
  EXPECT_GT(dns->count(l.topology, theme::kDnsPath), 150u);
  EXPECT_GT(dns->count(l.timeline, theme::kDnsPath), 150u);
  EXPECT_GT(dns->count(l.timeline, theme::kDnsReplyPath), 100u);
  // A probe to an address makes no lookup: no DNS colour anywhere.
  const auto plain = shot(kSource + "/scenarios/services/clusterip-seed.yaml --probe pod-a-to-api-server --at-hop 6", "no-dns-leg");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->count(l.topology, theme::kDnsPath), 0u);
  EXPECT_EQ(plain->count(l.timeline, theme::kDnsPath), 0u);
}

TEST(GuiDnsLegsRun, FaultValueChangesTheOutcome) {
  const std::string base = kGui + " " + kShortNames + " --probe same-namespace --dump-view -";
  const std::string slow = output(base + " --fault coreDnsSlow=2s", "slow-2s");
  EXPECT_NE(slow.find("fault: coreDnsSlow: {latency: 2s}"), std::string::npos) << slow;
  EXPECT_NE(slow.find("fault effect: same-namespace: connected (PASS) -> connected (PASS)"), std::string::npos) << slow;
  const std::string too_slow = output(base + " --fault coreDnsSlow=12s", "slow-12s");
  EXPECT_NE(too_slow.find("fault: coreDnsSlow: {latency: 12s}"), std::string::npos) << too_slow;
  EXPECT_NE(too_slow.find("fault effect: same-namespace: connected (PASS) -> timeout (FAIL)"), std::string::npos) << too_slow;
  // --at-hop names a hop of the probe as the fault left it: the last one is the connection's with
  // a short delay, and comes later with a long one.
  auto last_hop_us = [&](const std::string& fault) {
    const std::string d = output(base + " --at-hop last --fault " + fault, "delay");
    const auto at = d.find(") at ", d.find("\nhop "));
    EXPECT_NE(at, std::string::npos) << d;
    return at == std::string::npos ? 0.0 : std::stod(d.substr(at + 5));
  };
  EXPECT_GE(last_hop_us("linkDelay:node-1=400ms") - last_hop_us("linkDelay:node-1=50ms"), 350'000.0);
  EXPECT_NE(std::system((base + " --fault linkLoss:node-1=150% > /dev/null 2>&1").c_str()), 0);
}

// A running window polls its files once a second: edit the scenario while it runs and the
// window reloads (the dump written when it closes says so, with the probe's new outcome).
TEST(GuiReloadWindow, EditWhileRunningReloads) {
  if (no_display()) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`";
  const fs::path dir = fs::temp_directory_path() / ("pw-gui-window-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(kSource + "/scenarios/services", dir, fs::copy_options::recursive);
  const std::string scenario = (dir / "clusterip-seed.yaml").string();
  const std::string before = output(kGui + " " + scenario + " --probe pod-a-to-api-server --dump-view -", "window-before");
  ASSERT_NE(before.find("probe pod-a-to-api-server: connected (PASS)"), std::string::npos) << before;
  const std::string log = (dir / "log").string(), dump = (dir / "dump.txt").string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string cmd = kGui + " " + scenario + " --probe pod-a-to-api-server --size 640x480 --exit-after-seconds 4 --dump-view " +
                            dump + " > " + log + " 2>&1";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait for the first frame (the load and the window's start take a while on a busy machine).
  bool open = false;
  for (int i = 0; i < 300 && !open; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    open = slurp(log).find("window open") != std::string::npos;
  }
  std::string text = slurp(scenario);
  const auto at = text.find("to: default/api-server:80");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 25, "to: default/api-server:81");
  std::ofstream(scenario, std::ios::binary) << text;
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(open) << slurp(log);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
  const std::string after = slurp(dump);
  EXPECT_NE(after.find("status: reloaded"), std::string::npos) << after;
  EXPECT_NE(after.find("probe pod-a-to-api-server: "), std::string::npos) << after;
  EXPECT_NE(after.find("(FAIL)"), std::string::npos) << after;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace packetwalk::tests::gui
