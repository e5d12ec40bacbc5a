#pragma once
// Resolving a probe's from/to in a built cluster and running it: shared by trace and run.

#include <optional>
#include <string>

#include "../render/trace_render.h"
#include "packetwalk/model/cluster/cluster.h"
#include "packetwalk/model/query/probe.h"

namespace packetwalk::ui::cli {

struct ProbeInput {
  std::string name;
  std::string from;
  std::string to;
  std::string protocol = "TCP";  // TCP | UDP | SCTP (case-insensitive on the command line)
  std::string default_namespace = "default";
  std::optional<int> size;  // IP total length of the first packet (a scenario probe's `size:`; kProbeSizeMtu: full size)
};

// A scenario's probe as the runner takes it (TCP when the scenario names no protocol).
ProbeInput probe_input(const model::load::ProbeSpec& probe);

// Runs one probe; on a resolution error returns nullopt and sets `error`.
std::optional<render::ProbeReport> execute_probe(model::cluster::Cluster& cluster, model::query::ProbeRunner& runner,
                                                 const ProbeInput& in, std::string& error);

}  // namespace packetwalk::ui::cli
