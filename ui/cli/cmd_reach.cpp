// packetwalk reach: which pods can open a connection to which, per port, as truth tables like the
// upstream NetworkPolicy e2e tests print them (rows: sources, columns: destinations).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "json_text.h"
#include "commands.h"
#include "options.h"
#include "progress.h"
#include "reach_services_output.h"
#include "packetwalk/model/query/reach_groups.h"
#include "packetwalk/model/query/reachability.h"
#include "packetwalk/model/query/reachability_services.h"

namespace packetwalk::ui::cli {

namespace {

using model::query::ReachMatrix;
using model::query::ReachPort;

// (from, to) -> cell, per port: what the tables read.
std::map<ReachPort, std::map<std::pair<std::string, std::string>, const model::query::ReachCell*>> by_port(const ReachMatrix& m) {
  std::map<ReachPort, std::map<std::pair<std::string, std::string>, const model::query::ReachCell*>> out;
  for (const auto& c : m.results) out[c.port][{c.from, c.to}] = &c;
  return out;
}

void write_json(std::ostream& out, const ReachMatrix& m, const ReachServices* services) {
  out << "{\"schema\":\"packetwalk/reach/v1\",\"ports\":[";
  for (std::size_t i = 0; i < m.ports.size(); ++i) out << (i ? "," : "") << json_string(m.ports[i].to_string());
  out << "],\"pods\":[";
  for (std::size_t i = 0; i < m.pods.size(); ++i) out << (i ? "," : "") << json_string(m.pods[i]);
  out << "],\"results\":[";
  for (std::size_t i = 0; i < m.results.size(); ++i) {
    const auto& c = m.results[i];
    out << (i ? "," : "") << "\n{\"from\":" << json_string(c.from) << ",\"to\":" << json_string(c.to)
        << ",\"port\":" << json_string(c.port.to_string()) << ",\"allowed\":" << (c.allowed ? "true" : "false")
        << ",\"listening\":" << (c.listening ? "true" : "false") << ",\"reason\":" << json_string(c.reason) << "}";
  }
  out << "]";
  if (services) write_services_json(out, *services);
  out << "}\n";
}

// With --services every row starts with its kind (pod, service, skipped) and ends with the
// backend counts; without it the columns stay as they always were.
void write_csv(std::ostream& out, const ReachMatrix& m, const ReachServices* services) {
  out << (services ? "kind," : "") << "from,to,port,allowed,listening,reason" << (services ? ",backends,backendsAllowed" : "") << "\n";
  for (const auto& c : m.results) {
    out << (services ? "pod," : "") << csv_field(c.from) << "," << csv_field(c.to) << "," << c.port.to_string() << "," << (c.allowed ? "true" : "false")
        << "," << (c.listening ? "true" : "false") << "," << csv_field(c.reason) << (services ? ",," : "") << "\n";
  }
  if (services) write_services_csv(out, *services);
}

// Destinations that have a result for `port` (all pods when ports were given explicitly).
std::vector<std::string> columns(const ReachMatrix& m, const std::map<std::pair<std::string, std::string>, const model::query::ReachCell*>& cells) {
  std::set<std::string> with;
  for (const auto& [key, cell] : cells) with.insert(key.second);
  std::vector<std::string> out;
  for (const auto& p : m.pods)
    if (with.count(p)) out.push_back(p);
  return out;
}

void write_table(std::ostream& out, const ReachMatrix& m, bool markdown) {
  // The same legend in both forms: a reviewer reading the md in a pull request needs to know the
  // CNI (under Flannel every cell is allowed whatever the policies say).
  out << "CNI " << m.cni << (m.enforced ? " enforces NetworkPolicy" : " does not enforce NetworkPolicy: every pair is allowed")
      << (markdown ? ". Rows: sources, columns: destinations; `.` allowed, `X` denied.\n"
                   : ". Rows: sources, columns: destinations; '.' allowed, 'X' denied.\n");
  const auto tables = by_port(m);
  for (const auto& port : m.ports) {
    auto it = tables.find(port);
    if (it == tables.end()) continue;
    const auto cols = columns(m, it->second);
    out << "\n" << (markdown ? "### " : "") << port.to_string() << "\n\n";
    const std::size_t width = write_matrix_header(out, m.pods, cols, markdown);
    for (const auto& from : m.pods) {
      if (markdown) out << "| " << from << " |";
      else out << std::left << std::setw(static_cast<int>(width)) << from;
      for (std::size_t i = 0; i < cols.size(); ++i) {
        const auto& to = cols[i];
        auto cell = it->second.find({from, to});
        std::string mark = cell == it->second.end() ? "-" : cell->second->allowed ? "." : "X";
        if (markdown) out << " " << mark << " |";
        else if (i + 1 == cols.size()) out << "  " << mark;  // no trailing blanks
        else out << "  " << std::left << std::setw(static_cast<int>(to.size())) << mark;
      }
      out << "\n";
    }
  }
  if (m.ports.empty()) out << "\nNo ports: no pod declares a container port (give --port).\n";
}

void write_dot(std::ostream& out, const ReachMatrix& m, const ReachServices* services) {
  out << "digraph reach {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::map<std::string, std::vector<std::string>> by_ns;
  for (const auto& p : m.pods) by_ns[p.substr(0, p.find('/'))].push_back(p);
  for (const auto& [ns, pods] : by_ns) {
    out << "  subgraph " << json_string("cluster_" + ns) << " {\n    label=" << json_string("namespace " + ns) << ";\n";
    for (const auto& p : pods) out << "    " << json_string(p) << ";\n";
    out << "  }\n";
  }
  std::map<std::pair<std::string, std::string>, std::string> edges;
  for (const auto& c : m.results) {
    if (!c.allowed || c.from == c.to) continue;
    auto& label = edges[{c.from, c.to}];
    label += (label.empty() ? "" : ",") + c.port.to_string();
  }
  for (const auto& [key, label] : edges)
    out << "  " << json_string(key.first) << " -> " << json_string(key.second) << " [label=" << json_string(label) << "];\n";
  if (services) write_services_dot(out, *services);
  out << "}\n";
}

// What a person reads at 150,000 pods: totals, then allowed/denied cells per namespace pair and port.
void write_summary(std::ostream& out, const model::query::ReachSummary& s) {
  out << "CNI " << s.cni << (s.enforced ? " enforces NetworkPolicy" : " does not enforce NetworkPolicy: every pair is allowed")
      << ".\n" << s.pods << " pods in " << s.atoms << " groups no policy tells apart";
  if (s.host_network_pods) out << " (+" << s.host_network_pods << " hostNetwork pods judged pair by pair)";
  out << "; " << s.evaluations << " policy evaluations.\n(from, to, port) cells: " << s.allowed << " allowed, " << s.denied
      << " denied.\n";
  if (s.namespaces.empty()) {
    out << "\nNo cells: no pod declares a container port (give --port).\n";
    return;
  }
  std::size_t wf = 4, wt = 2, wp = 4;
  for (const auto& c : s.namespaces) {
    wf = std::max(wf, c.from.size());
    wt = std::max(wt, c.to.size());
    wp = std::max(wp, c.port.to_string().size());
  }
  out << "\n" << std::left << std::setw(static_cast<int>(wf)) << "FROM" << "  " << std::setw(static_cast<int>(wt)) << "TO"
      << "  " << std::setw(static_cast<int>(wp)) << "PORT" << "  " << std::right << std::setw(12) << "ALLOWED" << "  "
      << std::setw(12) << "DENIED" << "\n";
  for (const auto& c : s.namespaces) {
    out << std::left << std::setw(static_cast<int>(wf)) << c.from << "  " << std::setw(static_cast<int>(wt)) << c.to << "  "
        << std::setw(static_cast<int>(wp)) << c.port.to_string() << "  " << std::right << std::setw(12) << c.allowed << "  "
        << std::setw(12) << c.denied << "\n";
  }
}

// The Service rows: --port, when given, keeps the Service ports it names (as the client addresses them).
ReachServices reach_services(const model::cluster::Cluster& c, const model::query::ReachOptions& options) {
  ReachServices out;
  auto cells = model::query::compute_service_reach(c, options);
  if (!options.ports.empty()) {
    std::erase_if(cells, [&](const model::query::ServiceReachCell& cell) {
      return std::find(options.ports.begin(), options.ports.end(), cell.port) == options.ports.end();
    });
  }
  out.verdicts = model::query::service_verdicts(cells);
  out.skipped = model::query::skipped_services(c, options);
  return out;
}

void write_matrix(std::ostream& out, const ReachMatrix& matrix, const ReachServices* svc, const std::string& format) {
  if (format == "json") write_json(out, matrix, svc);
  else if (format == "csv") write_csv(out, matrix, svc);
  else if (format == "dot") write_dot(out, matrix, svc);
  else {
    write_table(out, matrix, format == "md");
    if (svc) write_services_table(out, matrix.pods, *svc, format == "md");
  }
}

// Above this many cells the per-pair forms are refused without --all-pairs (docs/commands.md).
constexpr std::uint64_t kMaxCells = 1000000;

}  // namespace

int cmd_reach(const Args& args, std::ostream& out, std::ostream& err) {
  po::options_description d("Options");
  add_input_options(d);
  d.add_options()("scenario", po::value<std::string>(), "scenario file whose cluster to use")(
      "port", po::value<std::vector<std::string>>()->composing(),
      "PORT[/PROTOCOL] to check (repeatable; default: each destination's declared container ports)")(
      "namespace,n", po::value<std::string>(), "only pods of this namespace (default: all but kube-system)")(
      "all-namespaces,A", po::bool_switch(), "include kube-system")(
      "all-pairs", po::bool_switch(), "print every cell even above 1,000,000 of them (pod cells, and with --services Service cells)")(
      "services", po::bool_switch(),
      "also pod -> Service rows: per client, Service and Service port, how many backends accept the connection");
  add_output_option(d, "table | json | csv | md | dot | summary (counts per namespace pair, for large clusters)", "table");
  add_progress_option(d);
  po::positional_options_description pos;
  po::variables_map vm;
  bool help = false;
  const std::string usage = "packetwalk reach -f PATH... [--cni calico] [--port 80/TCP]... [-n NS] [--services] [-o table|json|csv|md|dot|summary] [--all-pairs]";
  if (!parse_args(args, d, pos, vm, out, err, usage, help)) return help ? kOk : kBadInput;
  const std::string format = vm["output"].as<std::string>();
  if (format != "table" && format != "json" && format != "csv" && format != "md" && format != "dot" && format != "summary") {
    err << "packetwalk reach: unknown output format \"" << format << "\" (table, json, csv, md, dot, summary)\n";
    return kBadInput;
  }
  model::query::ReachOptions options;
  if (vm.count("port")) {
    for (const auto& text : vm["port"].as<std::vector<std::string>>()) {
      std::string error;
      auto p = model::query::parse_reach_port(text, error);
      if (!p) {
        err << "packetwalk reach: --port " << error << "\n";
        return kBadInput;
      }
      options.ports.push_back(*p);
    }
  }
  if (vm.count("namespace")) options.namespace_ = vm["namespace"].as<std::string>();
  options.all_namespaces = vm["all-namespaces"].as<bool>();
  const bool with_services = vm["services"].as<bool>();
  std::optional<std::string> scenario;
  if (vm.count("scenario")) scenario = vm["scenario"].as<std::string>();
  if (!scenario && files_from(vm).empty()) {
    err << "packetwalk reach: give manifests with -f PATH (or --scenario FILE)\nUsage: " << usage << "\n";
    return kBadInput;
  }
  ProgressBar bar(err, "reach", 0, progress_wanted(vm, out, err));  // counts from here: loading is work too
  options.progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  {
    // The control plane alone (no datapath) tells how many cells there are, and is all the
    // grouped summary needs: programming 5,000 nodes' iptables would take longer than the answer.
    model::load::Diagnostics diags;
    auto inputs = load_inputs(scenario, files_from(vm), overrides_from(vm), diags);
    std::unique_ptr<model::query::ReachWorld> world;
    if (!diags.has_errors()) world = model::query::build_reach_world(std::move(inputs), diags);
    if (!world || diags.has_errors()) {
      print_diagnostics(diags, err);
      err << "packetwalk: " << diags.error_count() << " error" << (diags.error_count() == 1 ? "" : "s")
          << "; nothing was simulated\n";
      return kBadInput;
    }
    if (format == "summary") {
      print_diagnostics(diags, err);
      model::query::GroupedReach grouped(world->inputs(), options, options.progress);
      const auto summary = grouped.summarize(2, options.progress);
      if (!with_services) {
        bar.clear();
        write_summary(out, summary);
        return kOk;
      }
      // Services need kube-proxy's endpoints, which only the built cluster has.
      auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
      if (!loaded.cluster) return loaded.exit_code;
      const auto services = reach_services(*loaded.cluster, options);
      bar.clear();
      write_summary(out, summary);
      write_services_summary(out, services);
      return kOk;
    }
    std::uint64_t cells = 0;
    const auto pods = model::query::reach_pods(world->inventory, options);
    for (const auto* dst : pods) {
      std::size_t ports = options.ports.size();
      if (ports == 0) ports = model::query::declared_ports(*dst).size();
      cells += ports * pods.size();
    }
    // The Service rows count too: each is a (client, Service port, backend) cell, and a run that
    // prints millions of them would first build every node's datapath.
    std::uint64_t service_cells = 0;
    if (with_services) {
      model::load::Diagnostics ignored;  // the cluster build below reports the same problems
      const auto state = model::kube::build_service_state(world->scenario.cluster, world->scenario.manifests,
                                                          world->inventory, ignored);
      service_cells = model::query::service_reach_cell_bound(state, pods.size(), options);
    }
    if (cells + service_cells > kMaxCells && !vm["all-pairs"].as<bool>()) {
      bar.clear();
      err << "packetwalk reach: " << pods.size() << " pods give " << cells << " (from, to, port) cells";
      if (with_services) err << " and up to " << service_cells << " (client, Service port, backend) cells";
      err << ", more than " << kMaxCells << ": use -o summary (counts per namespace pair), narrow with -n NS or "
          << "--port, or give --all-pairs to print them all\n";
      return kBadInput;
    }
    if (!with_services) {
      // Pod rows need no datapath either (reach_groups.h): building 500 nodes' iptables to judge
      // one namespace's pairs took gigabytes.
      print_diagnostics(diags, err);
      auto matrix = model::query::compute_reach(world->inputs(), options);
      bar.clear();
      write_matrix(out, matrix, nullptr, format);
      return kOk;
    }
  }
  auto loaded = load_cluster(scenario, files_from(vm), overrides_from(vm), err);
  if (!loaded.cluster) return loaded.exit_code;
  auto matrix = model::query::compute_reach(*loaded.cluster, options);
  std::optional<ReachServices> services;
  if (with_services) services = reach_services(*loaded.cluster, options);
  bar.clear();
  write_matrix(out, matrix, services ? &*services : nullptr, format);
  return kOk;
}

}  // namespace packetwalk::ui::cli
