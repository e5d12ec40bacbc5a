// packetwalk verify: builds the scenario's datapath in real network namespaces (the materialize
// script), runs every probe there as real connections, and compares what the kernel did with what
// the model predicted: outcome, answering backend, the source address the server saw, for a
// Service with several endpoints the split over them (chi-square), and, from one more run traced
// by the kernel (nft monitor trace), the netfilter rules the first packet matched in each node
// against the model's trace for the endpoint the kernel chose. Root only; everything it makes
// carries a per-run prefix and is removed again, also on Ctrl-C. docs/verify.md says what is and
// is not checked.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "commands.h"
#include "options.h"
#include "packetwalk/model/kernel/materialize.h"
#include "progress.h"
#include "verify_plan.h"
#include "verify_run.h"

namespace packetwalk::ui::cli {

namespace {

constexpr int kCannotVerify = 4;

// The echo servers: one per namespace that has listeners, answering as the model names it.
bool start_servers(const model::cluster::Cluster& c, const model::kernel::Materialized& m, verify::Lab& lab,
                   std::string& error) {
  for (const auto& ns : c.topology().all_netns()) {
    std::vector<std::string> specs;
    for (const auto& [key, listener] : ns.listeners) {
      if (key.first == model::net::Protocol::Tcp) specs.push_back("tcp:" + std::to_string(key.second));
      if (key.first == model::net::Protocol::Udp) specs.push_back("udp:" + std::to_string(key.second));
    }
    if (specs.empty()) continue;
    if (!lab.start_server(m.real_name(ns.id), ns.name, specs, error)) return false;
  }
  return true;
}

// One traced run: the rules the kernel's first packet matched in each node the model's path
// crosses, against the model's path for the branch (endpoint) the kernel chose. Returns the
// report lines of every difference.
std::vector<std::string> compare_rules(const model::kernel::Materialized& m,
                                       verify::Lab& lab, const verify::ProbePlan& plan, std::string& error) {
  // Trace, in each node, the request's entry into it on any branch the model knows.
  std::map<std::string, std::vector<std::pair<std::string, int>>> entries;  // model node -> entries
  auto add = [&](const verify::Prediction& p) {
    for (const auto& n : p.path) {
      auto& v = entries[n.node];
      const std::pair<std::string, int> e{n.entry_dst, n.entry_port};
      if (std::find(v.begin(), v.end(), e) == v.end()) v.push_back(e);
    }
  };
  add(plan.primary);
  for (const auto& [_, p] : plan.backends) add(p);
  for (const auto& [_, p] : plan.endpoints) add(p);
  std::map<std::string, std::string> scripts, model_of;  // real namespace -> script / model name
  for (const auto& n : m.namespaces) {
    if (n.model == model::datapath::kNone || !entries.count(n.model_name)) continue;
    scripts[n.real_name] = verify::trace_on_script(plan.protocol, entries[n.model_name]);
    model_of[n.real_name] = n.model_name;
  }
  if (scripts.empty()) return {};
  std::vector<verify::Observation> run;
  auto traced = lab.traced_probe(scripts, m.real_name(plan.from_netns), plan.protocol, plan.host, plan.port,
                                 plan.timeout_s, plan.size, run, error);
  if (run.empty()) return {};
  // The branch the kernel chose: the answering backend's, else the only one there is.
  const verify::Prediction* want = nullptr;
  if (run.front().outcome == "connected" && plan.backends.count(run.front().backend))
    want = &plan.backends.at(run.front().backend);
  else if (plan.split.shares.size() < 2 || run.front().outcome == plan.primary.outcome)
    want = &plan.primary;
  if (!want || (plan.split.shares.size() >= 2 && run.front().outcome != "connected" && plan.endpoints.size() > 1))
    return {};  // several endpoints end this way: the kernel does not say which one it chose
  std::map<std::string, std::vector<verify::RuleStep>> kernel;
  for (const auto& [ns, text] : traced) {
    auto steps = verify::parse_nft_trace(text);
    if (!steps.empty() || text.find("trace id") != std::string::npos) kernel[model_of[ns]] = std::move(steps);
  }
  return verify::compare_rule_paths(want->path, kernel);
}

}  // namespace

int cmd_verify(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file (positional)")(
      "runs", po::value<int>()->default_value(60), "connections per probe to a Service with several endpoints")(
      "timeout", po::value<double>()->default_value(2.0), "seconds a client waits for an answer")(
      "prefix", po::value<std::string>(), "namespace name prefix (default: pwv<pid>)")(
      "mutate", po::value<std::string>(),
      "self-test: falsify the model's prediction (outcome | backend | source | rules) so verify must disagree")(
      "verbose,v", po::bool_switch(), "print every run and the nodes' conntrack tables (with conntrack(8))")(
      "quiet,q", po::bool_switch(), "print only failures and the summary");
  add_progress_option(d);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk verify SCENARIO.yaml | -f PATH... [--runs N] [--timeout S] [-v]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk verify: give a scenario file or manifests with -f PATH\nUsage: " << usage << "\n";
    return kBadInput;
  }
  verify::PlanOptions plan_options;
  plan_options.runs = vm["runs"].as<int>();
  plan_options.timeout_s = vm["timeout"].as<double>();
  if (vm.count("mutate")) plan_options.mutate = vm["mutate"].as<std::string>();
  if (plan_options.runs < 1 || plan_options.runs > 10000 || plan_options.timeout_s <= 0 || plan_options.timeout_s > 60) {
    err << "packetwalk verify: --runs must be 1-10000 and --timeout 0-60 seconds\n";
    return kBadInput;
  }
  if (!plan_options.mutate.empty() && plan_options.mutate != "outcome" && plan_options.mutate != "backend" &&
      plan_options.mutate != "source" && plan_options.mutate != "rules") {
    err << "packetwalk verify: --mutate takes outcome, backend, source or rules\n";
    return kBadInput;
  }
  model::kernel::MaterializeOptions mopt;
  mopt.prefix = vm.count("prefix") ? vm["prefix"].as<std::string>() : "pwv" + std::to_string(getpid());
  if (auto bad = model::kernel::check_prefix(mopt.prefix)) {
    err << "packetwalk verify: bad --prefix: " << *bad << "\n";
    return kBadInput;
  }

  // Counts probes; its clock starts here (building the lab is most of a short run's time). It is
  // cleared before every line verify prints, so stdout reads the same with or without it.
  ProgressBar bar(err, "verify", 0, progress_wanted(vm, out, err));
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  if (loaded.cluster->spec().cni == "cilium") {
    err << "packetwalk verify: cni cilium cannot be replayed in a real kernel: its datapath (bpf_lxc, bpf_overlay, its tunnel and policy maps) is eBPF programs that cilium-agent compiles and loads, which packetwalk does not reproduce; simulate it with run, trace or reach (nothing was done)\n";
    return kBadInput;
  }
  auto& cluster = *loaded.cluster;
  if (geteuid() != 0) {
    err << "packetwalk verify: must run as root: it builds the cluster in network namespaces of this machine's "
           "kernel (nothing was done)\n";
    return kCannotVerify;
  }
  verify::InterruptGuard guard;
  auto env = verify::check_environment(mopt.prefix);
  if (!env.usable) {
    err << "packetwalk verify: cannot verify on this machine: " << env.reason << "\n";
    return kCannotVerify;
  }
  plan_options.br_netfilter = env.br_netfilter;
  if (cluster.spec().proxy_mode == "nftables" && verify::find_program("nft").empty()) {
    err << "packetwalk verify: cannot verify on this machine: nft is not installed (proxyMode nftables)\n";
    return kCannotVerify;
  }
  bool ipsets = false;
  for (const auto& ns : cluster.topology().all_netns()) ipsets = ipsets || !ns.ipsets.empty();
  if (ipsets && verify::find_program("ipset").empty()) {
    err << "packetwalk verify: cannot verify on this machine: ipset is not installed (the rules use ipsets)\n";
    return kCannotVerify;
  }
  std::vector<verify::ProbePlan> plans;
  std::string error;
  if (!verify::plan_probes(cluster, plan_options, plans, error)) {
    err << "packetwalk verify: " << error << "\n";
    return kBadInput;
  }
  const auto m = model::kernel::materialize(cluster, mopt);
  const bool quiet = vm["quiet"].as<bool>(), verbose = vm["verbose"].as<bool>();
  out << "packetwalk verify: " << (scenario ? *scenario : std::string("manifests")) << ": " << plans.size()
      << " probes, " << m.namespaces.size() << " namespaces with prefix " << mopt.prefix << "\n";
  for (const auto& n : env.notes) out << "note: " << n << "\n";
  // The kernel's per-rule trace needs nft (iptables-nft rules are nf_tables rules too).
  const bool trace_rules = !verify::find_program("nft").empty();
  if (!trace_rules) out << "note: nft is not installed: the rules each packet matched are not compared\n";
  for (const auto& l : m.limitations) out << "limitation: " << l << "\n";
  if (!plan_options.mutate.empty())
    out << "self-test: the model's predicted " << plan_options.mutate << " is deliberately falsified\n";

  int passed = 0, failed = 0, skipped = 0;
  std::size_t done = 0;
  bool cleaned = false;
  std::string cleanup_report;
  {
    verify::Lab lab(m, env);
    if (!lab.build(error) || !start_servers(cluster, m, lab, error)) {
      lab.teardown(cleanup_report);
      err << "packetwalk verify: " << error << "\ncleanup: " << cleanup_report << "\n";
      return verify::InterruptGuard::interrupted() ? kCannotVerify : kInternalError;
    }
    for (const auto& plan : plans) {
      bar.update(done++, plans.size());
      if (verify::InterruptGuard::interrupted()) break;
      const std::string head = plan.name + ": " + plan.from + " -> " + plan.to + " (" + plan.protocol + ")";
      if (!plan.skip.empty()) {
        ++skipped;
        bar.clear();
        if (!quiet) out << "SKIP " << head << ": " << plan.skip << "\n";
        continue;
      }
      auto runs = lab.probe(m.real_name(plan.from_netns), plan.protocol, plan.host, plan.port, plan.runs,
                            plan.timeout_s, error, plan.size);
      bar.clear();
      if (verify::InterruptGuard::interrupted()) break;
      auto verdict = verify::compare(plan, runs);
      if (!error.empty()) {
        verdict.agreed = false;
        verdict.lines.push_back("client: " + error);
        error.clear();
      }
      if (trace_rules) {
        for (auto& l : compare_rules(m, lab, plan, error)) {
          verdict.agreed = false;
          verdict.lines.push_back(l);
        }
        if (!error.empty()) verdict.lines.push_back("rule trace: " + error);
        error.clear();
      }
      (verdict.agreed ? passed : failed)++;
      if (quiet && verdict.agreed) continue;
      out << (verdict.agreed ? "PASS " : "FAIL ") << head << ": model " << plan.primary.outcome;
      if (!plan.primary.backend.empty() && plan.split.shares.size() < 2) out << " by " << plan.primary.backend;
      if (!plan.primary.source.empty() && plan.split.shares.size() < 2) out << " from " << plan.primary.source;
      out << ", " << runs.size() << " kernel run" << (runs.size() == 1 ? "" : "s") << "\n";
      for (const auto& l : verdict.lines) out << "  " << l << "\n";
      if (verbose) {
        for (std::size_t i = 0; i < runs.size(); ++i)
          out << "  run " << i + 1 << ": " << runs[i].outcome << " " << runs[i].backend << " " << runs[i].source << " "
              << runs[i].detail << "\n";
      }
    }
    bar.clear();  // an interruption leaves the loop with the bar drawn
    if (verbose && !env.conntrack.empty()) {
      for (const auto& n : m.namespaces) {
        if (n.model == model::datapath::kNone) continue;
        if (cluster.topology().netns(n.model).kind != model::datapath::NetnsKind::Node) continue;
        out << "conntrack in " << n.model_name << " (" << n.real_name << "):\n" << lab.conntrack_listing(n.real_name);
      }
    }
    bar.update(done, plans.size());  // all probed; the teardown is still to come
    cleaned = lab.teardown(cleanup_report);
    bar.clear();
  }
  out << "cleanup: " << cleanup_report << "\n";
  if (verify::InterruptGuard::interrupted()) {
    err << "packetwalk verify: interrupted; everything it built was removed\n";
    return kCannotVerify;
  }
  out << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  if (!cleaned) return kInternalError;
  return failed ? kExpectationFailed : kOk;
}

}  // namespace packetwalk::ui::cli
