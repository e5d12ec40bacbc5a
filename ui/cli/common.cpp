#include "common.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "packetwalk/model/load/manifest_loader.h"

namespace packetwalk::ui::cli {

bool use_color(const std::ostream& out) {
  if (&out != &std::cout) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return ::isatty(STDOUT_FILENO) != 0;
}

void print_diagnostics(const model::load::Diagnostics& diags, std::ostream& err) {
  for (const auto& d : diags.all()) err << model::load::format_diagnostic(d) << "\n";
}

namespace {

// The smallest prefix no longer than /16 that holds every address (at least one).
model::net::Cidr covering_prefix(const std::vector<model::net::Ipv4Address>& addresses) {
  int length = 16;
  auto fits = [&](int len) {
    const model::net::Cidr c(addresses.front(), len);
    for (auto a : addresses) {
      if (!c.contains(a)) return false;
    }
    return true;
  };
  while (length > 0 && !fits(length)) --length;
  const model::net::Cidr c(addresses.front(), length);
  return model::net::Cidr(c.network(), length);
}

}  // namespace

void adapt_cluster_to_manifests(model::load::ClusterSpec& spec, const model::load::ManifestSet& manifests) {
  std::vector<model::net::Ipv4Address> node_ips, pod_cidr_addrs, cluster_ips;
  for (const auto& n : manifests.nodes) {
    if (n.internal_ip) node_ips.push_back(*n.internal_ip);
    if (n.pod_cidr) {
      pod_cidr_addrs.push_back(n.pod_cidr->network());
      pod_cidr_addrs.push_back(n.pod_cidr->broadcast());
    }
  }
  for (const auto& s : manifests.services) {
    if (auto ip = model::net::Ipv4Address::parse(s.cluster_ip)) cluster_ips.push_back(*ip);
  }
  auto outside = [](const model::net::Cidr& range, const std::vector<model::net::Ipv4Address>& addresses) {
    for (auto a : addresses) {
      if (!range.contains(a)) return true;
    }
    return false;
  };
  if (!spec.set.node_network && !node_ips.empty() && outside(spec.node_network, node_ips))
    spec.node_network = covering_prefix(node_ips);
  if (!spec.set.pod_cidr && !pod_cidr_addrs.empty() && outside(spec.pod_cidr, pod_cidr_addrs))
    spec.pod_cidr = covering_prefix(pod_cidr_addrs);
  if (!spec.set.service_cidr && !cluster_ips.empty() && outside(spec.service_cidr, cluster_ips))
    spec.service_cidr = covering_prefix(cluster_ips);
}

model::load::Scenario load_inputs(const std::optional<std::string>& scenario_path,
                                  const std::vector<std::string>& manifest_paths, const Overrides& overrides,
                                  model::load::Diagnostics& diags) {
  model::load::Scenario scenario;
  if (scenario_path) {
    scenario = model::load::load_scenario(*scenario_path, diags);
  } else {
    scenario.cluster = model::load::default_cluster_spec();
  }
  if (!manifest_paths.empty()) {
    auto extra = model::load::load_manifest_paths(manifest_paths, diags);
    scenario.manifests.merge(std::move(extra));
    // load_manifest_paths already de-duplicated the -f files among themselves; only a scenario's
    // own manifests can still clash with them, and a second pass over a 150,000-pod input is not free.
    if (scenario_path) model::load::remove_duplicates(scenario.manifests, diags);
  }
  adapt_cluster_to_manifests(scenario.cluster, scenario.manifests);
  if (overrides.proxy_mode) scenario.cluster.proxy_mode = *overrides.proxy_mode;
  if (overrides.seed) scenario.cluster.seed = *overrides.seed;
  if (overrides.cni) scenario.cluster.cni = *overrides.cni;
  return scenario;
}

Loaded load_cluster(const std::optional<std::string>& scenario_path, const std::vector<std::string>& manifest_paths,
                    const Overrides& overrides, std::ostream& err, const ScenarioAdjust& adjust) {
  model::load::Diagnostics diags;
  auto scenario = load_inputs(scenario_path, manifest_paths, overrides, diags);
  if (adjust) adjust(scenario, diags);

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
