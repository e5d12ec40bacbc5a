// The DNS view, the reach heat map, the fault panel and File > Open, end to end through the
// packetwalk-gui binary: `--dump-view` writes what the window shows as text (no display needed),
// compared with what the CLI prints for the same scenario; `--screenshot` (under Xvfb) shows each
// view's colours where the view is drawn.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

#include "png_regions.h"

namespace packetwalk::tests::gui {
namespace {

namespace theme = ui::gui::theme;
namespace fs = std::filesystem;
const std::string kSource = PACKETWALK_SOURCE_DIR;
const std::string kGui = PACKETWALK_GUI_BINARY, kCli = PACKETWALK_CLI_BINARY;
const std::string kOut = std::string(PACKETWALK_GUI_TEST_OUT) + "/views";
constexpr int kW = 1280, kH = 800;

int run(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a command, returns its stdout (exit status into `code`).
std::string output(const std::string& cmd, const std::string& name, int* code = nullptr) {
  fs::create_directories(kOut);
  const std::string file = kOut + "/" + name + ".txt";
  const int c = run(cmd + " > " + file);
  if (code) *code = c;
  else EXPECT_EQ(c, 0) << cmd;
  return slurp(file);
}

bool no_display() {
  const char* d = std::getenv("DISPLAY");
  return !d || !*d;
}

std::optional<Image> shot(const std::string& args, const std::string& name) {
  fs::create_directories(kOut);
  const std::string png = kOut + "/" + name + ".png";
  fs::remove(png);
  EXPECT_EQ(run(kGui + " " + args + " --size 1280x800 --screenshot " + png), 0) << args;
  return Image::load(png);
}

// --- DNS view ---------------------------------------------------------------------------------

TEST(GuiDnsView, TypedLookupIsWhatPacketwalkDnsPrints) {
  const std::string s = kSource + "/scenarios/dns/short-names.yaml";
  for (const std::string name : {"db.data", "db", "api"}) {
    const std::string gui = output(kGui + " " + s + " --lookup default/client," + name + " --dump-view -", "dns-" + name);
    const std::string cli = output(kCli + " dns --scenario " + s + " --from default/client " + name, "dns-cli-" + name);
    ASSERT_FALSE(cli.empty());
    // The view ends with the lookup as the CLI prints it, byte for byte.
    ASSERT_GE(gui.size(), cli.size());
    EXPECT_EQ(gui.substr(gui.size() - cli.size()), cli) << name;
    // One row per query the CLI lists, in the same order, with its type and candidate name.
    std::istringstream lines(cli);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      if (line.rfind("query ", 0) != 0) continue;
      ++n;
      // "query 2  A db.default.svc.cluster.local." -> "try 2  A db.default.svc.cluster.local."
      std::string row = "try " + line.substr(6);
      const auto attempt = row.find("  (attempt");
      if (attempt != std::string::npos) row.erase(attempt);
      EXPECT_NE(gui.find(row + "  attempt"), std::string::npos) << row << "\n" << gui;
    }
    EXPECT_GT(n, 0);
    EXPECT_EQ(gui.find("try " + std::to_string(n + 1) + " "), std::string::npos) << "more rows than queries";
  }
  // "db" from default is NXDOMAIN for every candidate: the rows say so.
  const std::string nx = slurp(kOut + "/dns-db.txt");
  EXPECT_NE(nx.find("NXDOMAIN"), std::string::npos);
  EXPECT_NE(nx.find("result: NXDOMAIN"), std::string::npos);
}

TEST(GuiDnsView, ProbesOwnLookupWithCoreDnsAtZero) {
  const std::string s = kSource + "/scenarios/dns/coredns-scaled-to-zero.yaml";
  const std::string gui = output(kGui + " " + s + " --probe lookup-refused --view dns --dump-view -", "dns-probe");
  const std::string cli = output(kCli + " dns --scenario " + s + " --from default/pod-a api-server -t A,AAAA", "dns-probe-cli");
  // The probe is the scenario's first: its lookup ran on a fresh runner, as `packetwalk dns` runs;
  // a connection looks up A and AAAA (getaddrinfo with AF_UNSPEC).
  ASSERT_GE(gui.size(), cli.size());
  EXPECT_EQ(gui.substr(gui.size() - cli.size()), cli);
  EXPECT_NE(gui.find("try 1  A api-server.default.svc.cluster.local."), std::string::npos) << gui;
  EXPECT_NE(gui.find("refused"), std::string::npos) << gui;
  // A probe to an address made no lookup: the view says so.
  const std::string none = output(kGui + " " + s + " --probe by-service-without-dns --view dns --dump-view -", "dns-none");
  EXPECT_NE(none.find("DNS view: no lookup"), std::string::npos) << none;
}

TEST(GuiDnsView, ScreenshotHasOutcomeBadges) {
  if (no_display()) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`";
  const auto area = ui::gui::diff_pane(ui::gui::compute_pane_layout(kW, kH));
  const auto ok = shot(kSource + "/scenarios/dns/short-names.yaml --lookup default/client,db.data", "dns-found");
  ASSERT_TRUE(ok);
  EXPECT_GT(ok->count(area, theme::kDnsFound), 150u);   // the NOERROR badge of the answering try
  EXPECT_EQ(ok->count(area, theme::kNodeFill), 0u);     // the view covers the topology
  const auto refused = shot(kSource + "/scenarios/dns/coredns-scaled-to-zero.yaml --probe lookup-refused --view dns", "dns-refused");
  ASSERT_TRUE(refused);
  EXPECT_GT(refused->count(area, theme::kFail), 150u);  // no reply: red badges
  EXPECT_EQ(refused->count(area, theme::kDnsFound), 0u);
}

// --- Reach heat map ---------------------------------------------------------------------------

TEST(GuiReachView, CellsAndExplanationAreWhatPacketwalkReachGives) {
  const std::string s = kSource + "/scenarios/policy/default-deny.yaml";
  const std::string json_text = output(kCli + " reach --scenario " + s + " -o json", "reach-cli");
  const auto cli = nlohmann::json::parse(json_text, nullptr, false);
  ASSERT_TRUE(cli.is_object());
  const std::string gui = output(kGui + " " + s + " --reach-cell y/a,x/a,80/TCP --dump-view -", "reach");
  std::size_t cells = 0, denied = 0;
  for (const auto& c : cli["results"]) {
    const std::string line = c["port"].get<std::string>() + " " + c["from"].get<std::string>() + " -> " + c["to"].get<std::string>() + " " +
                             (c["allowed"].get<bool>() ? "allowed" : "denied") + "\n";
    EXPECT_NE(gui.find(line), std::string::npos) << line;
    ++cells;
    denied += !c["allowed"].get<bool>();
    if (c["from"] == "y/a" && c["to"] == "x/a" && c["port"] == "80/TCP") {
      // The clicked cell's explanation is reach's reason for that flow.
      EXPECT_NE(gui.find("selected cell:\ny/a -> x/a 80/TCP\n" + c["reason"].get<std::string>()), std::string::npos) << gui;
    }
  }
  // And under it, what `packetwalk explain` prints for that flow (the fix suggestions included).
  const std::string explain = output(kCli + " explain --scenario " + s + " --from y/a --to x/a --port 80/TCP", "reach-explain");
  ASSERT_NE(explain.find("Verdict     DENIED"), std::string::npos) << explain;
  EXPECT_NE(gui.find("packetwalk explain:\n" + explain), std::string::npos) << gui;
  EXPECT_GT(denied, 0u);
  EXPECT_LT(denied, cells);
  // No more grid lines than reach has cells: the lines between the view's heading and the cell.
  const auto from = gui.find("reach view:"), to = gui.find("selected cell:");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string grid = gui.substr(from, to - from);
  ASSERT_LT(from, to);
  EXPECT_EQ(static_cast<std::size_t>(std::count(grid.begin(), grid.end(), '\n')), cells + 1) << "heading plus one line per cell";
}

TEST(GuiReachView, ScreenshotShowsAllowedAndDeniedCells) {
  if (no_display()) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`";
  const auto area = ui::gui::diff_pane(ui::gui::compute_pane_layout(kW, kH));
  const auto img = shot(kSource + "/scenarios/policy/default-deny.yaml --reach-cell y/a,x/a,80/TCP", "reach");
  ASSERT_TRUE(img);
  EXPECT_GT(img->count(area, theme::kReachAllowed), 400u);
  EXPECT_GT(img->count(area, theme::kReachDenied), 400u);
  EXPECT_GT(img->count(area, theme::kSelection), 20u);  // the clicked cell's outline
  EXPECT_EQ(img->count(area, theme::kNodeFill), 0u);
}

// --- Fault panel ------------------------------------------------------------------------------

TEST(GuiFaultPanel, FaultRerunsTheSelectedProbe) {
  const std::string s = kSource + "/scenarios/services/clusterip-seed.yaml";
  const std::string healthy = output(kGui + " " + s + " --probe pod-a-to-api-server --dump-view -", "fault-none");
  EXPECT_NE(healthy.find("probe pod-a-to-api-server: connected (PASS)"), std::string::npos) << healthy;
  const std::string down = output(kGui + " " + s + " --probe pod-a-to-api-server --fault kubeProxyDown:node-1 --dump-view -", "fault-kp");
  EXPECT_NE(down.find("fault: kubeProxyDown: node-1"), std::string::npos) << down;
  EXPECT_NE(down.find("fault effect: pod-a-to-api-server: connected (PASS) -> "), std::string::npos) << down;
  EXPECT_NE(down.find("(FAIL)"), std::string::npos) << down;
  // The exported trace after the fault is what `packetwalk trace` prints for a scenario with the
  // same fault written (the lab kube-proxy-down plants it from its `faults:`).
  const std::string lab = kSource + "/scenarios/labs/kube-proxy-down.yaml";
  const std::string faulted = kOut + "/lab-with-fault.json", healed = kOut + "/lab-fault-from-gui.json";
  ASSERT_EQ(run(kGui + " " + lab + " --probe client-on-node-1-to-api --export-json " + faulted), 0);
  const auto a = nlohmann::json::parse(slurp(faulted), nullptr, false);
  const std::string cli = output(kCli + " trace --scenario " + lab + " --from default/client --to default/api:80 -o json", "lab-trace");
  auto b = nlohmann::json::parse(cli, nullptr, false);
  ASSERT_TRUE(a.is_object() && b.is_object());
  EXPECT_EQ(a["verdict"], b["verdict"]);
  EXPECT_EQ(a["legs"], b["legs"]);
  // Bad actions are refused before anything runs.
  int code = 0;
  output(kGui + " " + s + " --fault linkDown:node-9 --dump-view - 2>&1", "fault-bad", &code);
  EXPECT_EQ(code, 2);
}

TEST(GuiFaultPanel, ScreenshotShowsThePanelAndTheDrop) {
  if (no_display()) GTEST_SKIP() << "no DISPLAY: run the GUI tests under `xvfb-run -a ctest -L gui`";
  const auto l = ui::gui::compute_pane_layout(kW, kH);
  const auto img = shot(kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml --probe client-to-remote-server --view faults "
                                  "--fault linkDown:node-2 --at-hop 0",
                        "fault-link");
  ASSERT_TRUE(img);
  EXPECT_GT(img->count(ui::gui::fault_pane(l), theme::kFaultActive), 400u);  // "1 fault planted"
  EXPECT_GT(img->count(l.topology, theme::kNodeFill), 10000u);               // the picture stays in view
}

// --- File > Open ------------------------------------------------------------------------------

TEST(GuiOpen, OpensAnotherScenarioOrShowsTheErrorAndKeepsTheState) {
  const std::string first = kSource + "/scenarios/services/clusterip-seed.yaml";
  const std::string other = kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml";
  const std::string opened = output(kGui + " " + first + " --open " + other + " --dump-view -", "open-ok");
  EXPECT_NE(opened.find("loaded: " + other), std::string::npos) << opened;
  EXPECT_NE(opened.find("status: opened " + other), std::string::npos) << opened;
  EXPECT_NE(opened.find("probe client-to-remote-server: connected (PASS)"), std::string::npos) << "every probe passes: the first\n" << opened;
  // A broken file: file:line diagnostics in the window, the first scenario still loaded.
  fs::create_directories(kOut);
  const std::string broken = kOut + "/broken.yaml";
  std::ofstream(broken) << "apiVersion: packetwalk/v1\nkind: Scenario\nmetadata: {name: broken}\ncluster:\n  proxyMode: [not, a, mode]\n";
  const std::string failed = output(kGui + " " + first + " --open " + broken + " --dump-view -", "open-bad");
  EXPECT_NE(failed.find("loaded: " + first), std::string::npos) << failed;
  EXPECT_NE(failed.find("load error:\n" + broken + ":5:"), std::string::npos) << failed;
  EXPECT_NE(failed.find("probe pod-a-to-api-server: connected"), std::string::npos) << failed;
  if (no_display()) return;
  const auto img = shot(first + " --open " + broken, "open-bad");
  ASSERT_TRUE(img);
  const auto l = ui::gui::compute_pane_layout(kW, kH);
  EXPECT_GT(img->count(ui::gui::error_banner(l), theme::kErrorBanner), 20000u);  // the banner
  EXPECT_GT(img->count(l.topology, theme::kNodeFill), 10000u);                   // the previous picture below
}

}  // namespace
}  // namespace packetwalk::tests::gui
