#include "snapshot.h"

#include <algorithm>
#include <ostream>

#include <sstream>

#include "../cli/common.h"
#include "../cli/http_exec.h"
#include "hop_text.h"
#include "packetwalk/model/dns/resolve_target.h"
#include "packetwalk/model/query/target.h"

namespace packetwalk::ui::gui {

namespace dp = model::datapath;

namespace {

// Idle stretches longer than this are squeezed on the timeline (ARP retries, timeouts); hops
// over the 50 us node-to-node wire stay linear.
constexpr std::int64_t kMaxLinearGapNs = 200'000;

// The expectation as `packetwalk run` words it (cli/scenario_exec.cpp keeps its own copy private).
std::string expectation_text(const model::load::Expectation& e, const std::optional<int>& size) {
  std::string s = e.outcome;
  for (const auto& v : e.via) s += " via " + v;
  if (!e.backend.empty()) s += " backend " + e.backend;
  for (const auto& v : e.not_via) s += " not via " + v;
  if (e.latency_max_us) {
    std::ostringstream us;
    us << *e.latency_max_us;
    s += " within " + us.str() + "us";
  }
  if (size && !s.empty())
    s += *size == model::load::kProbeSizeMtu ? std::string(" (full-size packet)") : " (" + std::to_string(*size) + "-byte packet)";
  return s;
}

// One trace's legs appended to the probe's: `dns` names the exchange they belong to (-1: the
// connection), `offset_ns` shifts their times onto the probe's clock (FlatHop::t_ns).
void flatten_trace(const dp::Topology& topo, const Scene& scene, ProbeView& v, const model::trace::Trace& trace, int dns,
                   std::int64_t offset_ns, model::net::Ipv4Address client, const std::string& prefix,
                   const std::string& query_type = "") {
  for (std::uint32_t l = 0; l < trace.legs.size(); ++l) {
    const auto& leg = trace.legs[l];
    LegSpan span;
    // "DNS query A api..." becomes "DNS 1/2 query A api...": which try of the lookup it is.
    span.name = prefix.empty() ? leg.name : prefix + (leg.name.rfind("DNS ", 0) == 0 ? leg.name.substr(4) : leg.name);
    span.first = v.hops.size();
    span.reply = !leg.hops.empty() && leg.hops.front().packet.src != client;
    span.lane_name = prefix.empty() ? leg.name : prefix.substr(4) + (span.reply ? "reply" : query_type + " query");
    span.dns = dns;
    span.trace_leg = l;
    const auto leg_index = static_cast<std::uint32_t>(v.legs.size());
    for (std::uint32_t k = 0; k < leg.hops.size(); ++k) {
      const auto& h = leg.hops[k];
      FlatHop f;
      f.leg = leg_index;
      f.index = k;
      f.t_ns = offset_ns + h.time.count_ns();
      if (auto ns = topo.find_netns(h.netns.view())) {
        f.netns = *ns;
        if (!h.iface.empty())
          if (auto i = topo.find_iface(*ns, h.iface.view())) f.iface = *i;
      }
      f.anchor = scene.anchor(f.netns, f.iface);
      if (k > 0) {
        const FlatHop& prev = v.hops.back();
        f.path_in = scene.route(prev.anchor, prev.iface, f.anchor, f.iface);
      }
      f.summary = hop_summary(h);
      f.place = hop_place(h);
      if (h.action == model::trace::HopAction::Drop && v.first_drop < 0) v.first_drop = static_cast<int>(v.hops.size());
      v.hops.push_back(std::move(f));
    }
    span.end = v.hops.size();
    v.legs.push_back(std::move(span));
  }
}

// The probe's legs in the order they happened: the name lookup's exchanges (each query through
// kube-proxy's DNAT to CoreDNS and its answer back, as the model traced them), then the connection.
void flatten(const dp::Topology& topo, const Scene& scene, ProbeView& v) {
  if (v.report.dns) {
    const auto& lookup = *v.report.dns;
    const auto& exchanges = lookup.result.exchanges;
    const std::string of = "/" + std::to_string(exchanges.size()) + " ";
    for (std::size_t i = 0; i < exchanges.size() && i < lookup.probes.size(); ++i)
      flatten_trace(topo, scene, v, lookup.probes[i].trace, static_cast<int>(i), exchanges[i].sent.count_ns(),
                    lookup.probes[i].tuple.src, "DNS " + std::to_string(i + 1) + of,
                    model::dns::type_name(exchanges[i].query.message.questions.front().type));
    v.dns_tries = dns_view_data(lookup).tries;
  }
  const std::int64_t after_lookup = v.report.dns ? v.report.dns->result.elapsed.count_ns() : 0;
  flatten_trace(topo, scene, v, v.report.result.trace, -1, after_lookup, v.report.result.tuple.src, "");
  if (!v.hops.empty()) {
    v.start_ns = v.end_ns = v.hops.front().t_ns;
    for (const auto& f : v.hops) {
      v.start_ns = std::min(v.start_ns, f.t_ns);
      v.end_ns = std::max(v.end_ns, f.t_ns);
    }
  }
}

}  // namespace

int Snapshot::find_probe(const std::string& name) const {
  for (std::size_t i = 0; i < probes.size(); ++i)
    if (probes[i].input.name == name) return static_cast<int>(i);
  return -1;
}

std::unique_ptr<Session> Session::open(const Inputs& inputs, std::ostream& err) {
  std::unique_ptr<Session> s(new Session());
  s->inputs_ = inputs;
  if (!s->load(err)) return nullptr;
  return s;
}

bool Session::load(std::ostream& err) {
  auto loaded = cli::load_cluster(inputs_.scenario, inputs_.files, {}, err, fault_adjust(faults_));
  if (!loaded.cluster) return false;
  // Ad-hoc probes survive a reload: they are rerun on the new cluster.
  std::vector<cli::ProbeInput> ad_hoc;
  for (const auto& p : snap_.probes)
    if (p.ad_hoc) ad_hoc.push_back(p.input);

  http_.reset();
  runner_.reset();
  cluster_ = std::move(loaded.cluster);
  // The same runners, seeds and order as `packetwalk run` (cli/scenario_exec.cpp), so the GUI
  // replays exactly the traces the CLI prints.
  runner_ = std::make_unique<model::query::ProbeRunner>(cluster_->topology(), cluster_->spec().seed);
  runner_->set_applications(&cluster_->applications());
  http_ = std::make_unique<model::ingress::HttpClient>(*cluster_, cluster_->spec().seed);
  Snapshot snap;
  snap.cluster = cluster_.get();
  snap.title = cluster_->scenario().name.empty() ? std::string("manifests") : cluster_->scenario().name;
  snap.source = inputs_.scenario ? *inputs_.scenario : std::string();
  for (const auto& f : inputs_.files) snap.source += (snap.source.empty() ? "-f " : " -f ") + f;
  snap.scene = compute_layout(*cluster_);
  for (const auto& ns : cluster_->topology().all_netns()) {
    RuleListing listing(ns.netfilter);
    if (listing.rule_count() > 0) snap.rules.emplace(ns.id, std::move(listing));
  }
  snap_ = std::move(snap);
  for (const auto& spec : cluster_->scenario().probes) snap_.probes.push_back(run_probe(cli::probe_input(spec), false, &spec));
  for (const auto& in : ad_hoc) snap_.probes.push_back(run_probe(in, true, nullptr));
  rebuild_axis();
  return true;
}

ProbeView Session::run_probe(const cli::ProbeInput& in, bool ad_hoc, const model::load::ProbeSpec* spec) {
  ProbeView v;
  v.input = in;
  v.ad_hoc = ad_hoc;
  std::optional<render::ProbeReport> report;
  if (spec && cli::is_http_probe(spec->to, spec->http)) {
    // HTTP through an ingress or Gateway: both connections merged into one report.
    report = cli::execute_http_probe(*cluster_, *http_, *spec, expectation_text(spec->expect, spec->size), v.error);
    v.has_expectation = report && spec->expect.present;
    spec = nullptr;  // execute_http_probe has checked the expectation already
  } else {
    report = cli::execute_probe(*cluster_, *runner_, in, v.error);
  }
  if (!report) {
    v.report.name = in.name;
    v.report.from = in.from;
    v.report.to = in.to;
    v.report.protocol = in.protocol;
    v.report.passed = false;
    return v;
  }
  v.report = std::move(*report);
  if (spec && spec->expect.present) {
    auto check = model::dns::check_expectation(spec->expect, v.report.dns, v.report.result);
    v.has_expectation = true;
    v.report.expected = expectation_text(spec->expect, spec->size);
    v.report.passed = check.passed;
    v.report.failures = check.failures;
  }
  flatten(cluster_->topology(), snap_.scene, v);
  return v;
}

void Session::rebuild_axis() {
  std::vector<std::int64_t> times;
  std::size_t total = 0;
  for (const auto& p : snap_.probes) {
    total += p.hops.size();
    for (const auto& h : p.hops) times.push_back(h.t_ns);
  }
  snap_.total_hops = total;
  snap_.axis = TimeAxis::build(std::move(times), kMaxLinearGapNs);
}

bool Session::add_probe(const cli::ProbeInput& input, std::string& error) {
  cli::ProbeInput in = input;
  if (in.name.empty()) {
    std::size_t n = 0;
    for (const auto& p : snap_.probes) n += p.ad_hoc;
    in.name = "ad-hoc-" + std::to_string(n + 1);
  }
  ProbeView v = run_probe(in, true, nullptr);
  if (!v.error.empty()) {
    error = v.error;
    return false;
  }
  snap_.probes.push_back(std::move(v));
  rebuild_axis();
  return true;
}

bool Session::reload(std::ostream& err) { return rebuild(inputs_, faults_, true, err); }

bool Session::open_inputs(const Inputs& inputs, std::ostream& err) { return rebuild(inputs, {}, false, err); }

bool Session::set_faults(const FaultSet& faults, std::ostream& err) { return rebuild(inputs_, faults, true, err); }

bool Session::rebuild(const Inputs& inputs, const FaultSet& faults, bool keep_ad_hoc, std::ostream& err) {
  // Build the new state aside so a broken edit leaves the current picture in place.
  auto fresh = std::unique_ptr<Session>(new Session());
  fresh->inputs_ = inputs;
  fresh->faults_ = faults;
  if (keep_ad_hoc)
    for (const auto& p : snap_.probes)
      if (p.ad_hoc) fresh->snap_.probes.push_back(p);
  if (!fresh->load(err)) return false;
  inputs_ = inputs;
  faults_ = faults;
  http_ = std::move(fresh->http_);
  runner_ = std::move(fresh->runner_);
  cluster_ = std::move(fresh->cluster_);
  snap_ = std::move(fresh->snap_);
  return true;
}

std::vector<std::string> Session::watched_paths() const {
  std::vector<std::string> out = inputs_.files;
  if (inputs_.scenario) out.push_back(*inputs_.scenario);
  if (cluster_)
    for (const auto& p : cluster_->scenario().manifest_paths) out.push_back(p);
  return out;
}

std::optional<model::dns::NameLookup> Session::lookup(const std::string& from, const std::string& name,
                                                      const std::vector<std::uint16_t>& types, std::string& error) {
  // dig -x, as `packetwalk dns -t PTR ADDRESS`: the address's in-addr.arpa name.
  std::string asked = name;
  if (types.size() == 1 && types.front() == model::dns::rr::PTR)
    if (auto ip = model::net::Ipv4Address::parse(name)) asked = model::dns::reverse_name(*ip);
  if (auto why = model::dns::name_error(asked); !why.empty()) {
    error = why;
    return std::nullopt;
  }
  auto src = model::query::resolve_source(*cluster_, from, "default", error);
  if (!src) return std::nullopt;
  // A runner of its own, as `packetwalk dns` makes one: the lookup is the CLI's, byte for byte.
  model::query::ProbeRunner runner(cluster_->topology(), cluster_->spec().seed);
  runner.set_applications(&cluster_->applications());
  return model::dns::lookup_name(*cluster_, runner, *src, asked, types);
}

}  // namespace packetwalk::ui::gui
