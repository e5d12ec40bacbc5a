// The workspace's between-frames half: the command line's requests at start, and carrying out what
// the last frame asked for — open, faults, reload (also on change), a new probe, the diff, the DNS
// and reach views, the JSON export. The only code that changes the session.
#include <filesystem>
#include <sstream>

#include "../cli/commands.h"
#include "../cli/suite.h"
#include "export.h"
#include "panels/replay_bar.h"
#include "replay.h"
#include "replay_dump.h"
#include "workspace.h"
#include "packetwalk/model/dns/message.h"

namespace packetwalk::ui::gui {

namespace {

// The diagnostics worth showing in the window: the errors, file:line first, then the summary.
std::string error_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  int n = 0;
  while (std::getline(in, line))
    if ((line.find(": error:") != std::string::npos || line.rfind("packetwalk:", 0) == 0) && n++ < 12) out += line + "\n";
  if (out.empty()) out = text.empty() ? "cannot load (no diagnostics)" : text;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string outcome(const Snapshot& snap, int i) {
  if (i < 0 || i >= static_cast<int>(snap.probes.size())) return "";
  const ProbeView& p = snap.probes[static_cast<std::size_t>(i)];
  if (!p.error.empty()) return "error (" + p.error + ")";
  std::string s(model::trace::disposition_name(p.report.result.trace.disposition));
  if (p.has_expectation) s += p.report.passed ? " (PASS)" : " (FAIL)";
  return s;
}

std::vector<std::string> split3(const std::string& text) {
  // FROM,NAME[,REST]: the rest keeps its commas ("A,AAAA").
  std::vector<std::string> out;
  std::size_t at = 0;
  for (int i = 0; i < 2; ++i) {
    const auto comma = text.find(',', at);
    out.push_back(text.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) return out;
    at = comma + 1;
  }
  out.push_back(text.substr(at));
  return out;
}

std::optional<std::vector<std::uint16_t>> parse_types(const std::string& text, std::string& error) {
  std::string bad;
  auto types = model::dns::parse_type_list(text, &bad);
  if (!types) error = "unknown record type \"" + bad + "\" (A, AAAA, SRV, PTR, CNAME, TXT, SOA, NS)";
  return types;
}

}  // namespace

bool Workspace::start(const GuiOptions& o, std::string& error) {
  const Snapshot& snap = session_.snapshot();
  watcher_.watch(session_.watched_paths());
  if (o.probe) {
    const int i = snap.find_probe(*o.probe);
    if (i < 0) {
      error = "no probe named \"" + *o.probe + "\" in the scenario (probes:";
      for (const auto& p : snap.probes) error += " " + p.input.name;
      error += ")";
      return false;
    }
    select_probe(ui_, i);
  }
  if (!o.faults.empty()) {
    FaultSet set = session_.faults();
    for (const auto& f : o.faults)
      if (!parse_fault_action(f, set, *snap.cluster, error)) {
        error = "--fault " + f + ": " + error;
        return false;
      }
    // Planted now, so that --at-hop (last, drop, an index) names a hop of the probe as the fault
    // left it, and the fault's effect is told for the --probe selected above.
    ui_.request_faults = std::move(set);
    apply_session_requests();  // a fault the cluster cannot take shows as a load error, as from the panel
  }
  if (o.at_hop) {
    if (ui_.probe < 0) {
      error = "--at-hop needs a probe, and the scenario has none";
      return false;
    }
    const ProbeView& p = snap.probes[static_cast<std::size_t>(ui_.probe)];
    std::size_t hop = o.at_hop->index;
    if (o.at_hop->kind == HopRef::Kind::Last) hop = p.hops.empty() ? 0 : p.hops.size() - 1;
    if (o.at_hop->kind == HopRef::Kind::Drop) {
      if (p.first_drop < 0) {
        error = "probe " + p.input.name + " has no drop";
        return false;
      }
      hop = static_cast<std::size_t>(p.first_drop);
    }
    if (hop >= p.hops.size()) {
      error = "probe " + p.input.name + " has hops 0.." + std::to_string(p.hops.empty() ? 0 : p.hops.size() - 1);
      return false;
    }
    ui_.move_cursor(static_cast<double>(hop));
  }
  ui_.request_export_json = o.export_json;
  ui_.request_export_png = o.export_png;
  if (o.diff && !std::filesystem::exists(*o.diff)) {
    error = "--diff: no such file or folder: " + *o.diff;
    return false;
  }
  ui_.request_diff = o.diff;
  ui_.request_open = o.open;
  if (o.view == "dns") ui_.show(UiState::Center::Dns);
  if (o.view == "reach") ui_.show(UiState::Center::Reach);
  if (o.view == "faults") ui_.faults_open = true;
  if (o.lookup) {
    const auto parts = split3(*o.lookup);
    if (parts.size() < 2 || parts[0].empty() || parts[1].empty()) {
      error = "--lookup takes FROM,NAME[,TYPES] (e.g. default/pod-a,api-server or default/pod-a,web,A,AAAA)";
      return false;
    }
    ui_.request_lookup = UiState::Lookup{parts[0], parts[1], parts.size() > 2 ? parts[2] : "A"};
    ui_.show(UiState::Center::Dns);
  }
  if (o.reach_cell) {
    const auto parts = split3(*o.reach_cell);
    if (parts.size() < 2) {
      error = "--reach-cell takes FROM,TO[,PORT] (pods as NS/NAME, e.g. default/a,default/b,80/TCP)";
      return false;
    }
    pending_cell_ = std::array<std::string, 3>{parts[0], parts[1], parts.size() > 2 ? parts[2] : ""};
    ui_.show(UiState::Center::Reach);
  }
  return true;
}

std::optional<std::string> Workspace::take_png_request() {
  auto r = std::move(ui_.request_export_png);
  ui_.request_export_png.reset();
  return r;
}

void Workspace::after_load(const std::string& probe_name, double cursor) {
  watcher_.watch(session_.watched_paths());
  ++generation_;
  ui_.load_error.clear();
  const Snapshot& snap = session_.snapshot();
  const int i = snap.find_probe(probe_name);
  if (i >= 0) {
    // The same probe, at the same hop if it still has that many: the change shows in place.
    ui_.probe = i;
    const auto& hops = snap.probes[static_cast<std::size_t>(i)].hops;
    ui_.cursor = hops.empty() ? 0 : std::min(cursor, static_cast<double>(hops.size() - 1));
  } else {
    select_probe(ui_, snap.probes.empty() ? -1 : 0);
  }
  ui_.timeline_fit = true;
}

void Workspace::poll_files(double dt) {
  since_poll_ += dt;
  if (!ui_.watch || since_poll_ < 1.0) return;
  since_poll_ = 0;
  if (watcher_.poll()) ui_.request_reload = true;
}

void Workspace::apply_session_requests() {
  const Snapshot& snap = session_.snapshot();
  const std::string name = ui_.probe >= 0 && ui_.probe < static_cast<int>(snap.probes.size()) ? snap.probes[static_cast<std::size_t>(ui_.probe)].input.name : "";
  const double cursor = ui_.cursor;
  if (ui_.request_open) {
    const std::string path = *ui_.request_open;
    ui_.request_open.reset();
    Session::Inputs in;
    if (cli::is_scenario_file(path)) in.scenario = path;
    else in.files = {path};
    std::ostringstream err;
    if (session_.open_inputs(in, err)) {
      after_load("", 0);
      diff_.reset();
      ui_.show(UiState::Center::Picture);
      ui_.file_dialog_open = false;
      // As at start: the first failing probe, or the first.
      const auto& probes = session_.snapshot().probes;
      for (std::size_t i = 0; i < probes.size(); ++i)
        if (probes[i].failed()) {
          select_probe(ui_, static_cast<int>(i));
          break;
        }
      ui_.status = "opened " + path;
    } else {
      ui_.load_error = error_lines(err.str());
      ui_.status = "cannot open " + path + ", kept the previous state";
    }
  }
  if (ui_.request_faults) {
    const FaultSet next = std::move(*ui_.request_faults);
    ui_.request_faults.reset();
    const std::string before = outcome(snap, ui_.probe);
    std::ostringstream err;
    if (session_.set_faults(next, err)) {
      after_load(name, cursor);
      const std::string after = outcome(session_.snapshot(), ui_.probe);
      fault_effect_ = name.empty() ? "" : name + ": " + before + " -> " + after;
      ui_.status = next.empty() ? "faults healed" : "faults: " + std::to_string(next.describe().size()) + " planted";
    } else {
      ui_.load_error = error_lines(err.str());
      ui_.status = "cannot plant the fault, kept the previous state";
    }
  }
  if (ui_.request_reload) {
    ui_.request_reload = false;
    std::ostringstream err;
    if (session_.reload(err)) {
      after_load(name, cursor);
      ui_.status = "reloaded";
    } else {
      ui_.load_error = error_lines(err.str());
      ui_.status = "reload failed, kept the previous state";
    }
  }
}

void Workspace::apply_requests() {
  apply_session_requests();
  if (ui_.request_probe) {
    std::string error;
    if (session_.add_probe(*ui_.request_probe, error)) {
      select_probe(ui_, static_cast<int>(session_.snapshot().probes.size()) - 1);
      ui_.probe_form_open = false;
      ui_.probe_form_error.clear();
      ++generation_;
    } else {
      ui_.probe_form_error = error;
    }
    ui_.request_probe.reset();
  }
  if (ui_.request_diff) {
    std::ostringstream err;
    if (auto d = compute_diff_view(session_.snapshot(), *ui_.request_diff, err)) {
      diff_ = std::move(*d);
      ui_.show(UiState::Center::Diff);
      ui_.file_dialog_open = false;
      ui_.status = "diff: " + diff_->summary();
    } else {
      const std::string text = err.str();
      ui_.diff_error = "cannot load " + *ui_.request_diff + (text.empty() ? "" : ": " + text.substr(0, text.find('\n')));
      ui_.status = ui_.diff_error;
    }
    ui_.request_diff.reset();
  }
  refresh_views();
  if (ui_.request_export_json) {
    std::string error;
    if (export_trace_json(session_.snapshot(), ui_.probe, *ui_.request_export_json, error)) {
      ui_.status = "exported " + *ui_.request_export_json;
      ui_.export_error.clear();
    } else {
      ui_.status = "export failed: " + error;
      ui_.export_error = error;
    }
    ui_.request_export_json.reset();
  }
}

void Workspace::refresh_views() {
  if (ui_.request_lookup) {
    // An empty `from` goes back to the selected probe's own lookup.
    lookup_ = ui_.request_lookup->from.empty() ? std::nullopt : ui_.request_lookup;
    ui_.request_lookup.reset();
    ui_.lookup_error.clear();
    dns_generation_ = ~0ull;
  }
  if (ui_.dns_open && (dns_generation_ != generation_ || (!lookup_ && dns_probe_ != ui_.probe))) {
    dns_generation_ = generation_;
    dns_probe_ = ui_.probe;
    dns_.reset();
    const Snapshot& snap = session_.snapshot();
    if (lookup_) {
      std::string error;
      if (auto types = parse_types(lookup_->types, error))
        if (auto l = session_.lookup(lookup_->from, lookup_->name, *types, error)) dns_ = dns_view_data(*l);
      ui_.lookup_error = error;
    } else if (ui_.probe >= 0 && ui_.probe < static_cast<int>(snap.probes.size())) {
      const auto& report = snap.probes[static_cast<std::size_t>(ui_.probe)].report;
      if (report.dns) dns_ = dns_view_data(*report.dns);
    }
  }
  if ((ui_.reach_open || ui_.request_reach) && reach_generation_ != generation_) {
    reach_generation_ = generation_;
    ui_.request_reach = false;
    reach_ = compute_reach_heat(*session_.snapshot().cluster);
    if (reach_->matrix.pods.size() > kReachPodGridMax) ui_.reach_by_namespace = true;
  }
  if (pending_cell_ && reach_) {
    const auto& m = reach_->matrix;
    const auto& [from, to, port] = *pending_cell_;
    auto index = [&](const std::string& pod) { return static_cast<int>(std::find(m.pods.begin(), m.pods.end(), pod) - m.pods.begin()); };
    ui_.reach_by_namespace = false;
    ui_.reach_from = index(from);
    ui_.reach_to = index(to);
    ui_.reach_port = 0;
    for (std::size_t i = 0; i < m.ports.size(); ++i)
      if (m.ports[i].to_string() == port) ui_.reach_port = static_cast<int>(i);
    if (ui_.reach_from >= static_cast<int>(m.pods.size()) || ui_.reach_to >= static_cast<int>(m.pods.size())) {
      ui_.status = "--reach-cell: no pod " + (ui_.reach_from >= static_cast<int>(m.pods.size()) ? from : to) + " in the matrix";
      ui_.reach_from = ui_.reach_to = -1;
    }
    pending_cell_.reset();
  }
  if (ui_.reach_open && reach_) {
    // A pod cell clicked: the CLI's per-flow explanation, `packetwalk explain` run in-process on
    // the same inputs (policy verdicts do not depend on the fault panel's faults).
    const auto& m = reach_->matrix;
    const auto n = static_cast<int>(m.pods.size());
    std::string key;
    if (!ui_.reach_by_namespace && ui_.reach_from >= 0 && ui_.reach_to >= 0 && ui_.reach_from < n && ui_.reach_to < n &&
        ui_.reach_port < static_cast<int>(m.ports.size()))
      key = std::to_string(generation_) + " " + m.pods[static_cast<std::size_t>(ui_.reach_from)] + " " +
            m.pods[static_cast<std::size_t>(ui_.reach_to)] + " " + m.ports[static_cast<std::size_t>(ui_.reach_port)].to_string();
    if (key != explain_key_) {
      explain_key_ = key;
      explain_.clear();
      if (!key.empty()) {
        cli::Args args{"explain"};  // as main() passes them: the command's name first
        const auto& in = session_.inputs();
        if (in.scenario) args.insert(args.end(), {"--scenario", *in.scenario});
        for (const auto& f : in.files) args.insert(args.end(), {"-f", f});
        args.insert(args.end(), {"--from", m.pods[static_cast<std::size_t>(ui_.reach_from)], "--to", m.pods[static_cast<std::size_t>(ui_.reach_to)],
                                 "--port", m.ports[static_cast<std::size_t>(ui_.reach_port)].to_string()});
        std::ostringstream out, err;
        cli::cmd_explain(args, out, err);
        explain_ = out.str().empty() ? err.str() : out.str();
      }
    }
  }
}

std::string Workspace::dump_view() const {
  const Snapshot& snap = session_.snapshot();
  std::ostringstream out;
  out << "loaded: " << snap.source << " (" << snap.title << ")\n";
  for (const auto& f : session_.faults().describe()) out << "fault: " << f << "\n";
  if (!ui_.status.empty()) out << "status: " << ui_.status << "\n";
  if (!ui_.load_error.empty()) out << "load error:\n" << ui_.load_error << "\n";
  if (ui_.probe >= 0 && ui_.probe < static_cast<int>(snap.probes.size())) {
    const ProbeView& p = snap.probes[static_cast<std::size_t>(ui_.probe)];
    out << "probe " << p.input.name << ": " << outcome(snap, ui_.probe) << ": " << p.report.result.trace.reason << "\n";
  }
  if (!fault_effect_.empty()) out << "fault effect: " << fault_effect_ << "\n";
  const bool picture = !ui_.dns_open && !ui_.reach_open && !(ui_.diff_open && diff_);
  if (picture && ui_.probe >= 0 && ui_.probe < static_cast<int>(snap.probes.size())) {
    // The replay the picture and the timeline show: the legs, and the hop under the cursor.
    const ProbeView& p = snap.probes[static_cast<std::size_t>(ui_.probe)];
    out << "\n" << replay_dump(p, hop_at(p, ui_.cursor));
  }
  if (ui_.dns_open) {
    if (!ui_.lookup_error.empty()) out << "lookup error: " << ui_.lookup_error << "\n";
    out << "\n" << (dns_ ? dns_view_dump(*dns_) : std::string("DNS view: no lookup\n"));
  }
  if (ui_.reach_open && reach_) {
    out << "\n" << reach_view_dump(*reach_);
    if (ui_.reach_from >= 0 && ui_.reach_to >= 0)
      out << "selected cell:\n"
          << explain_cell(*reach_, static_cast<std::size_t>(ui_.reach_port), ui_.reach_by_namespace, static_cast<std::size_t>(ui_.reach_from),
                          static_cast<std::size_t>(ui_.reach_to))
          << "\n";
    if (!explain_.empty()) out << "packetwalk explain:\n" << explain_;
  }
  return out.str();
}

}  // namespace packetwalk::ui::gui
