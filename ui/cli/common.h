#pragma once
// What every subcommand shares: exit codes, loading inputs into a built cluster, and printing
// diagnostics the way compilers do (file:line:col: severity: object: message) on stderr.

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

// Loads either a scenario file or plain manifests (-f) with the default cluster, prints every
// diagnostic to `err`, and builds the cluster.
Loaded load_cluster(const std::optional<std::string>& scenario_path, const std::vector<std::string>& manifest_paths,
                    const Overrides& overrides, std::ostream& err);

void print_diagnostics(const model::load::Diagnostics& diags, std::ostream& err);

}  // namespace packetwalk::ui::cli
