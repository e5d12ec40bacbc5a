#include "common.h"

#include <ostream>

#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::ui::cli {

void print_diagnostics(const model::load::Diagnostics& diags, std::ostream& err) {
  for (const auto& d : diags.all()) err << model::load::format_diagnostic(d) << "\n";
}

Loaded load_cluster(const std::optional<std::string>& scenario_path, const std::vector<std::string>& manifest_paths,
                    const Overrides& overrides, std::ostream& err) {
  model::load::Diagnostics diags;
  model::load::Scenario scenario;
  if (scenario_path) {
    scenario = model::load::load_scenario(*scenario_path, diags);
  } else {
    scenario.cluster = model::load::default_cluster_spec();
  }
  if (!manifest_paths.empty()) {
    auto extra = model::load::load_manifest_paths(manifest_paths, diags);
    scenario.manifests.merge(std::move(extra));
    model::load::remove_duplicates(scenario.manifests, diags);
  }
  if (overrides.proxy_mode) scenario.cluster.proxy_mode = *overrides.proxy_mode;
  if (overrides.seed) scenario.cluster.seed = *overrides.seed;
  if (overrides.cni) scenario.cluster.cni = *overrides.cni;

  Loaded out;
  if (!diags.has_errors()) out.cluster = model::cluster::Cluster::build(scenario, diags);
  print_diagnostics(diags, err);
  if (diags.has_errors() || !out.cluster) {
    err << "packetwalk: " << diags.error_count() << " error" << (diags.error_count() == 1 ? "" : "s")
        << "; nothing was simulated\n";
    out.cluster.reset();
    out.exit_code = kBadInput;
  }
  return out;
}

}  // namespace packetwalk::ui::cli
