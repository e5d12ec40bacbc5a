// The fault panel and reload on change, tested without a display through the Session the GUI
// draws from:
//  - a fault planted from the panel gives exactly the traces of the same scenario with the fault
//    written under `faults:` (the model's machinery, not a parallel path), and healing restores
//    the healthy ones; CoreDNS scaled to zero from the panel makes the shipped scenario's
//    expectations of a CoreDNS at zero replicas pass;
//  - the watcher sees a manifest edited on disk; the reload rebuilds the cluster and reruns the
//    probes; a broken edit fails with file:line diagnostics and leaves the previous state.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "gui/faults.h"
#include "gui/snapshot.h"
#include "gui/watch.h"
#include "render/trace_render.h"

namespace packetwalk::tests::gui {
namespace {

using namespace ui::gui;
namespace fs = std::filesystem;
const std::string kSource = PACKETWALK_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// A scratch copy of a scenario folder (manifest paths are relative to the scenario file).
fs::path copy_dir(const std::string& from, const std::string& tag) {
  const auto dir = fs::temp_directory_path() / ("pw-gui-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(kSource + "/" + from, dir, fs::copy_options::recursive);
  return dir;
}

std::string remove_text(std::string s, const std::string& what) {
  const auto at = s.find(what);
  EXPECT_NE(at, std::string::npos) << what;
  if (at != std::string::npos) s.erase(at, what.size());
  return s;
}

std::vector<std::string> traces(const Snapshot& snap) {
  std::vector<std::string> out;
  for (const auto& p : snap.probes) out.push_back(ui::render::to_json(p.report));
  return out;
}

const model::load::FaultKind kDown = model::load::FaultKind::KubeProxyDown;

TEST(GuiFaults, PanelFaultEqualsTheScenarioWithTheFaultWritten) {
  const auto dir = copy_dir("scenarios/labs", "faults");
  // The lab as shipped has `faults: [kubeProxyDown: node-1]`; the healthy copy has none.
  const std::string lab = slurp(dir / "kube-proxy-down.yaml");
  write(dir / "healthy.yaml", remove_text(lab, "faults:\n  - kubeProxyDown: node-1\n"));
  auto broken = Session::open({(dir / "kube-proxy-down.yaml").string(), {}}, std::cerr);
  auto s = Session::open({(dir / "healthy.yaml").string(), {}}, std::cerr);
  ASSERT_TRUE(broken && s);
  const auto healthy = traces(s->snapshot());
  const int p = s->snapshot().find_probe("client-on-node-1-to-api");
  ASSERT_GE(p, 0);
  EXPECT_TRUE(s->snapshot().probes[static_cast<std::size_t>(p)].report.passed);

  FaultSet f;
  f.toggle(kDown, "node-1", *s->snapshot().cluster);
  std::ostringstream err;
  ASSERT_TRUE(s->set_faults(f, err)) << err.str();
  EXPECT_FALSE(s->snapshot().probes[static_cast<std::size_t>(p)].report.passed) << "the fault must break the probe";
  // Names differ only in the scenario's own name: compare the probes' traces.
  EXPECT_EQ(traces(s->snapshot()), traces(broken->snapshot()));
  EXPECT_EQ(f.describe(), std::vector<std::string>{"kubeProxyDown: node-1"});

  // Heal: the healthy traces again.
  ASSERT_TRUE(s->set_faults({}, err)) << err.str();
  EXPECT_EQ(traces(s->snapshot()), healthy);
  fs::remove_all(dir);
}

TEST(GuiFaults, LinkDownAndStoppedKubeProxy) {
  auto s = Session::open({kSource + "/scenarios/seed/pod-to-pod-cross-node.yaml", {}}, std::cerr);
  ASSERT_TRUE(s);
  const int p = s->snapshot().find_probe("client-to-remote-server");
  ASSERT_GE(p, 0);
  const auto& before = s->snapshot().probes[static_cast<std::size_t>(p)].report.result.trace;
  EXPECT_EQ(before.disposition, model::trace::Disposition::Connected);
  FaultSet f;
  std::string error;
  ASSERT_TRUE(parse_fault_action("linkDown:node-2", f, *s->snapshot().cluster, error)) << error;
  std::ostringstream err;
  ASSERT_TRUE(s->set_faults(f, err)) << err.str();
  const auto& after = s->snapshot().probes[static_cast<std::size_t>(p)].report.result.trace;
  EXPECT_NE(after.disposition, model::trace::Disposition::Connected) << after.reason;
  // Unknown nodes and actions are refused with a reason.
  EXPECT_FALSE(parse_fault_action("linkDown:node-9", f, *s->snapshot().cluster, error));
  EXPECT_NE(error.find("node-9"), std::string::npos);
  EXPECT_FALSE(parse_fault_action("meteor:node-1", f, *s->snapshot().cluster, error));
  EXPECT_NE(error.find("kubeProxyDown"), std::string::npos);
  // Stopping kube-proxy with nothing changed afterwards keeps the rules as they were: traces equal.
  auto c = Session::open({kSource + "/scenarios/services/clusterip-seed.yaml", {}}, std::cerr);
  ASSERT_TRUE(c);
  const auto healthy = traces(c->snapshot());
  FaultSet stop;
  ASSERT_TRUE(parse_fault_action("stopKubeProxy:node-1", stop, *c->snapshot().cluster, error)) << error;
  ASSERT_TRUE(c->set_faults(stop, err)) << err.str();
  EXPECT_EQ(traces(c->snapshot()), healthy);
  EXPECT_EQ(stop.describe(), std::vector<std::string>{"stopKubeProxy: node-1"});
}

TEST(GuiFaults, CoreDnsScaledToZeroFromThePanel) {
  const auto dir = copy_dir("scenarios/dns", "coredns");
  // The shipped scenario brings its own CoreDNS Deployment at 0 replicas; without it the cluster
  // has kubeadm's (2 replicas) and the lookup works, until the panel scales it to 0.
  std::string text = slurp(dir / "coredns-scaled-to-zero.yaml");
  const auto from = text.find("  - inline: |"), to = text.find("probes:");
  ASSERT_NE(from, std::string::npos);
  text.erase(from, to - from);
  write(dir / "healthy.yaml", text);
  auto s = Session::open({(dir / "healthy.yaml").string(), {}}, std::cerr);
  ASSERT_TRUE(s);
  const int p = s->snapshot().find_probe("lookup-refused");
  ASSERT_GE(p, 0);
  EXPECT_FALSE(s->snapshot().probes[static_cast<std::size_t>(p)].report.passed) << "healthy CoreDNS answers: not refused";
  FaultSet f;
  std::string error;
  ASSERT_TRUE(parse_fault_action("corednsReplicas:0", f, *s->snapshot().cluster, error)) << error;
  std::ostringstream err;
  ASSERT_TRUE(s->set_faults(f, err)) << err.str();
  for (const auto& probe : s->snapshot().probes) EXPECT_TRUE(probe.report.passed) << probe.input.name << ": " << probe.report.result.trace.reason;
  // The scenario fault coreDnsDown (the model's own) does the same as the panel's scale.
  const auto scaled = traces(s->snapshot());
  FaultSet down;
  ASSERT_TRUE(parse_fault_action("coreDnsDown", down, *s->snapshot().cluster, error)) << error;
  ASSERT_TRUE(s->set_faults(down, err)) << err.str();
  EXPECT_EQ(traces(s->snapshot()), scaled);
  EXPECT_EQ(down.describe(), std::vector<std::string>{"coreDnsDown: true"});
  fs::remove_all(dir);
}

TEST(GuiReload, WatcherSeesEditsAndReloadKeepsStateOnError) {
  const auto dir = copy_dir("scenarios/services", "reload");
  const auto scenario = (dir / "clusterip-seed.yaml").string();
  auto s = Session::open({scenario, {}}, std::cerr);
  ASSERT_TRUE(s);
  FileWatcher w;
  w.watch(s->watched_paths());
  EXPECT_FALSE(w.poll());
  // The watched files: the scenario and the manifest it loads.
  const auto stamps = stamp_files(w.roots());
  EXPECT_TRUE(std::any_of(stamps.begin(), stamps.end(), [](const FileStamp& f) { return f.path.find("api-server.yaml") != std::string::npos; }));

  // Point the probe at port 80 of the cluster IP -> port 81: still loads, and the probe's outcome changes.
  const auto first = traces(s->snapshot());
  std::string text = slurp(scenario);
  const auto at = text.find("to: default/api-server:80");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 25, "to: default/api-server:81");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write(scenario, text);
  EXPECT_TRUE(w.poll());
  EXPECT_FALSE(w.poll()) << "one change, one reload";
  std::ostringstream err;
  ASSERT_TRUE(s->reload(err)) << err.str();
  EXPECT_NE(traces(s->snapshot()), first);
  EXPECT_NE(s->snapshot().probes[0].report.result.trace.disposition, model::trace::Disposition::Connected);

  // A broken manifest: the reload fails naming file and line, and the state stays as it was.
  const auto kept = traces(s->snapshot());
  const auto manifest = dir / "manifests" / "api-server.yaml";
  write(manifest, slurp(manifest) + "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: broken}\nspec:\n  ports: [{port: notanumber}]\n");
  EXPECT_TRUE(w.poll());
  std::ostringstream bad;
  EXPECT_FALSE(s->reload(bad));
  EXPECT_NE(bad.str().find("api-server.yaml:"), std::string::npos) << bad.str();
  EXPECT_NE(bad.str().find(": error:"), std::string::npos) << bad.str();
  EXPECT_EQ(traces(s->snapshot()), kept);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace packetwalk::tests::gui
