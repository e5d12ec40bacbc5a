#pragma once
// What every subcommand shares: exit codes, loading inputs into a built cluster, and printing
// diagnostics the way compilers do (file:line:col: severity: object: message) on stderr.

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/load/scenario.h"

namespace packetwalk::ui::cli {

enum ExitCode : int { kOk = 0, kExpectationFailed = 1, kBadInput = 2, kInternalError = 3 };

// Cluster-level overrides from the command line (--proxy-mode, --seed, ...).
struct Overrides {
  std::optional<std::string> proxy_mode;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> cni;
};

struct Loaded {
  std::unique_ptr<model::cluster::Cluster> cluster;
  int exit_code = kOk;  // kBadInput when loading failed (diagnostics printed)
};

// A dump of a real cluster brings its own address ranges: where Node InternalIPs, node pod CIDRs
// or Service ClusterIPs fall outside the ranges the scenario did not set explicitly, those ranges
// become the smallest prefix (at most /16) holding them all: kind's nodes on 172.18.0.0/16 get
// that node network, with the router at 172.18.0.1 as Docker's gateway is; k3s's 10.43.0.0/16
// Services get that service CIDR.
void adapt_cluster_to_manifests(model::load::ClusterSpec& spec, const model::load::ManifestSet& manifests);

// Edits a loaded scenario before its cluster is built (packetwalk test: a lab's fix).
using ScenarioAdjust = std::function<void(model::load::Scenario&, model::load::Diagnostics&)>;

// load_cluster's first half: the scenario (or the default cluster) with the manifests and the
// overrides applied, nothing built and nothing printed (`reach -o summary` builds no datapath).
model::load::Scenario load_inputs(const std::optional<std::string>& scenario_path,
                                  const std::vector<std::string>& manifest_paths, const Overrides& overrides,
                                  model::load::Diagnostics& diags);

// Loads either a scenario file or plain manifests (-f) with the default cluster, prints every
// diagnostic to `err`, and builds the cluster.
Loaded load_cluster(const std::optional<std::string>& scenario_path, const std::vector<std::string>& manifest_paths,
                    const Overrides& overrides, std::ostream& err, const ScenarioAdjust& adjust = {});

// Colour only for people: `out` is the process's stdout, stdout is a terminal, and NO_COLOR is
// unset or empty (https://no-color.org).
bool use_color(const std::ostream& out);

void print_diagnostics(const model::load::Diagnostics& diags, std::ostream& err);

}  // namespace packetwalk::ui::cli
