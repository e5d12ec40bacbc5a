// Target "pipeline": manifests in, answers out — what `packetwalk reach -f FILE` and then
// `packetwalk trace -f FILE --from A --to B:PORT` do. The bytes are loaded as a manifest file;
// without errors a cluster is built (default 3 nodes, adapted to the manifests as the CLI adapts
// it; CNI and proxy mode picked from the sum of the bytes, so every pairing gets fuzzed and an
// input always replays the same way), its reach matrix computed and one pair traced — a denied pair when there
// is one. Everything runs twice and must give the same bytes (packetwalk's output is
// deterministic), and a pair reach calls denied must not connect when traced.
#include <array>
#include <sstream>

#include "../../../ui/cli/common.h"
#include "../../../ui/cli/probe_exec.h"
#include "../../../ui/render/trace_render.h"
#include "fuzz_bodies.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/query/reachability.h"

namespace packetwalk::fuzz {

namespace {

std::string run_once(std::string_view text) {
  namespace load = model::load;
  load::Diagnostics diags;
  load::Scenario scenario;
  scenario.path = "fuzz.yaml";
  scenario.name = "fuzz";
  scenario.cluster = load::default_cluster_spec();
  unsigned sum = 0;
  for (unsigned char c : text) sum += c;
  scenario.cluster.cni = sum % 2 ? "calico" : "flannel";
  scenario.cluster.proxy_mode = std::array{"iptables", "nftables", "ipvs"}[sum / 2 % 3];
  scenario.manifests = load::load_manifest_text(text, "fuzz.yaml", 0, diags);
  check_diagnostics(diags);
  if (diags.has_errors()) return "load errors";
  ui::cli::adapt_cluster_to_manifests(scenario.cluster, scenario.manifests);
  auto cluster = model::cluster::Cluster::build(scenario, diags);
  check_diagnostics(diags);
  check(cluster != nullptr || diags.has_errors(), "Cluster::build failed without saying why");
  if (!cluster) return "build errors";

  std::ostringstream out;
  const auto reach = model::query::compute_reach(*cluster, {});
  const model::query::ReachCell* traced = nullptr;
  for (const auto& cell : reach.results) {
    out << cell.from << " " << cell.to << " " << cell.port.to_string() << " " << cell.allowed << " " << cell.reason << "\n";
    if (!traced || (traced->allowed && !cell.allowed)) traced = &cell;
  }
  if (!traced) return out.str();

  model::query::ProbeRunner runner(cluster->topology(), cluster->spec().seed);
  runner.set_applications(&cluster->applications());
  ui::cli::ProbeInput in;
  in.from = traced->from;
  in.to = traced->to + ":" + std::to_string(traced->port.port);
  in.protocol = std::string(model::net::kube_name(traced->port.protocol));
  std::string error;
  auto report = ui::cli::execute_probe(*cluster, runner, in, error);
  check(report.has_value(), "a pair from the reach matrix cannot be traced: " + in.from + " -> " + in.to + ": " + error);
  ui::render::write_text(out, *report, true);
  const auto disposition = report->result.trace.disposition;
  if (!traced->allowed)
    check(disposition != model::trace::Disposition::Connected,
          "reach says " + in.from + " -> " + in.to + " is denied (" + traced->reason + ") but the trace connects");
  return out.str();
}

}  // namespace

void fuzz_pipeline(Bytes data) {
  const std::string_view text = as_text(data);
  const std::string first = run_once(text);
  check(run_once(text) == first, "a second run over the same manifests gives different output");
}

}  // namespace packetwalk::fuzz
