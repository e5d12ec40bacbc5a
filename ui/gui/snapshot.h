#pragma once
// What the GUI reads: the built cluster, the finished probe results, and everything the panels
// need precomputed from them (scene layout, flattened hops with their positions and words, rule
// listings, the time axis). Panels get `const Snapshot&` and never change it; only Session
// changes it, between frames (a new ad-hoc probe, a reload). Nothing here decides a packet's
// fate: probes run through query::ProbeRunner exactly as `packetwalk run` runs them.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../cli/probe_exec.h"
#include "dns_data.h"
#include "faults.h"
#include "packetwalk/model/dns/lookup.h"
#include "packetwalk/model/ingress/http_flow.h"
#include "layout/graph_layout.h"
#include "rule_listing.h"
#include "timeline/time_axis.h"

namespace packetwalk::ui::gui {

// One hop of a probe, in the order the legs happened (all of leg 0, then leg 1, ...): first the
// legs of each DNS exchange of the probe's name lookup, in the resolver's order, then the
// connection's.
struct FlatHop {
  std::uint32_t leg = 0;    // index into ProbeView::legs
  std::uint32_t index = 0;  // index into that leg's hops
  // Simulated time from the start of the probe. The model runs each DNS exchange and the
  // connection as probes of their own, each from time 0; here an exchange's hops are shifted by
  // when the resolver sent it and the connection's by how long the lookup took (both the
  // model's: ResolverExchange::sent, LookupResult::elapsed), so the lookup comes first in time.
  std::int64_t t_ns = 0;
  model::datapath::NetnsId netns = model::datapath::kNone;
  model::datapath::IfaceId iface = model::datapath::kNone;
  Anchor anchor;              // where the packet is drawn
  std::vector<Vec2> path_in;  // from the previous hop of the same leg to this one; empty at a leg's start
  std::string summary;        // hop_summary()
  std::string place;          // hop_place()
};

struct LegSpan {
  std::string name;           // "SYN", "SYN-ACK", "reply", ...; "DNS 1/2 query A api.default.svc.cluster.local."
  std::size_t first = 0, end = 0;  // [first, end) into ProbeView::hops
  bool reply = false;         // sent by the far end (or a router answering with ICMP)
  std::string lane_name;      // short, for the timeline's lane: "SYN"; "1/2 A query", "1/2 reply" (with a DNS badge)
  int dns = -1;               // a DNS exchange's leg: index into the lookup's exchanges (and probes); -1: the connection's
  std::uint32_t trace_leg = 0;  // index into the legs of the trace it comes from
};

struct ProbeView {
  cli::ProbeInput input;      // as the scenario (or the user) wrote it
  bool ad_hoc = false;
  std::string error;          // from/to did not resolve: no result, no hops
  bool has_expectation = false;
  render::ProbeReport report; // the finished result (and expectation check)
  std::vector<FlatHop> hops;
  std::vector<LegSpan> legs;
  int first_drop = -1;        // index into hops of the first drop, -1 when none
  std::int64_t start_ns = 0, end_ns = 0;
  // The resolver's tries when `to` was a name (the DNS view's rows), one per DNS exchange.
  std::vector<DnsTry> dns_tries;

  // The trace a leg comes from: one DNS exchange's, or the connection's.
  const model::trace::Trace& trace_of(const LegSpan& l) const {
    return l.dns < 0 ? report.result.trace : report.dns->probes[static_cast<std::size_t>(l.dns)].trace;
  }
  const model::trace::Hop& hop(std::size_t i) const {
    const LegSpan& l = legs[hops[i].leg];
    return trace_of(l).legs[l.trace_leg].hops[hops[i].index];
  }
  bool failed() const { return !error.empty() || !report.passed; }
};

struct Snapshot {
  std::string title;   // the scenario's name, or "manifests"
  std::string source;  // what was opened
  const model::cluster::Cluster* cluster = nullptr;
  Scene scene;
  std::vector<ProbeView> probes;  // scenario probes in written order, then ad-hoc ones
  std::map<model::datapath::NetnsId, RuleListing> rules;  // namespaces holding any rule
  TimeAxis axis;
  std::size_t total_hops = 0;

  const RuleListing* rules_of(model::datapath::NetnsId ns) const {
    auto it = rules.find(ns);
    return it == rules.end() ? nullptr : &it->second;
  }
  int find_probe(const std::string& name) const;
};

class Session {
public:
  struct Inputs {
    std::optional<std::string> scenario;
    std::vector<std::string> files;
  };

  // Loads and builds the cluster (diagnostics go to `err`, as the CLI prints them) and runs the
  // scenario's probes. nullptr when the inputs do not load.
  static std::unique_ptr<Session> open(const Inputs& inputs, std::ostream& err);

  const Snapshot& snapshot() const { return snap_; }
  // Runs a probe the user typed and appends it. False (and `error`) when from/to do not resolve.
  bool add_probe(const cli::ProbeInput& input, std::string& error);
  // Reads the inputs again and reruns every probe (ad-hoc ones too). On failure keeps the current
  // state and returns false.
  bool reload(std::ostream& err);
  // File > Open: other inputs replace these (ad-hoc probes and faults dropped). On failure keeps
  // the current state and returns false.
  bool open_inputs(const Inputs& inputs, std::ostream& err);
  // The fault panel: rebuilds the cluster with `faults` planted and reruns every probe. On failure
  // keeps the current state (and faults) and returns false.
  bool set_faults(const FaultSet& faults, std::ostream& err);

  const Inputs& inputs() const { return inputs_; }
  const FaultSet& faults() const { return faults_; }
  // What reload-on-change watches: the scenario file and the manifest paths it loads (or the -f
  // paths), as the last successful load resolved them.
  std::vector<std::string> watched_paths() const;
  // A name lookup from `from` (as `packetwalk dns --from` takes it), with a runner of its own as
  // `packetwalk dns` makes one, on the cluster as it stands (faults included).
  std::optional<model::dns::NameLookup> lookup(const std::string& from, const std::string& name,
                                               const std::vector<std::uint16_t>& types, std::string& error);

private:
  Session() = default;
  bool load(std::ostream& err);
  bool rebuild(const Inputs& inputs, const FaultSet& faults, bool keep_ad_hoc, std::ostream& err);
  ProbeView run_probe(const cli::ProbeInput& in, bool ad_hoc, const model::load::ProbeSpec* spec);
  void rebuild_axis();

  Inputs inputs_;
  FaultSet faults_;
  std::unique_ptr<model::cluster::Cluster> cluster_;
  std::unique_ptr<model::query::ProbeRunner> runner_;
  std::unique_ptr<model::ingress::HttpClient> http_;
  Snapshot snap_;
};

}  // namespace packetwalk::ui::gui
