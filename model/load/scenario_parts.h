#pragma once
// Private to model/load: the parts of a scenario file read in their own translation units.

#include "packetwalk/model/load/scenario.h"
#include "yaml_reader.h"

namespace packetwalk::model::load::detail {

// Reads the `cluster` section into `spec` (which starts as default_cluster_spec()).
void parse_cluster(ParseContext& ctx, const Field& f, ClusterSpec& spec);
// Reads `cluster.external: {network: CIDR, hosts: [{name, ip, listen: ["80/TCP"]}]}`.
void parse_external(ParseContext& ctx, const Field& f, ClusterSpec& spec);
// Reads `cluster.dns` (dns_spec.h); called after the service CIDR and node network are known.
void parse_dns(ParseContext& ctx, const Field& f, ClusterSpec& spec);
std::optional<net::Cidr> read_cidr(ParseContext& ctx, const Field& f, std::string_view example);

// scenario_faults.cpp: the top-level `faults`, `golden` and `lab` fields (after probes are read, so
// `lab.breaks` can name them); a probe's `size`; an expectation's `notVia` and `latencyMaxUs`.
void read_suite_fields(ParseContext& ctx, const MapReader& top, Scenario& s);
std::vector<FaultSpec> parse_faults(ParseContext& ctx, const Field& f);
std::optional<int> read_probe_size(ParseContext& ctx, const Field& f);
void read_expectation_extras(ParseContext& ctx, const MapReader& m, Expectation& e);

std::optional<FaultSpec> parse_fault(ParseContext& ctx, const Field& item);

// scenario_loader.cpp: a list of manifest entries (paths relative to the scenario, {inline: ...}),
// loaded, validated and without duplicates; `paths` receives the resolved paths.
ManifestSet read_manifest_list(ParseContext& ctx, const Field& f, std::string_view file_text,
                               const std::string& scenario_path, std::vector<std::string>* paths = nullptr);

// scenario_timeline.cpp: the `timeline` list, sorted by `at` (entries at one time keep their
// order); a simulated time (`0`, `30s`, `1m`, `250ms`).
std::vector<TimelineEntry> read_timeline(ParseContext& ctx, const Field& f, std::string_view file_text,
                                         const std::string& scenario_path);
std::optional<double> read_time(ParseContext& ctx, const Field& f);

}  // namespace packetwalk::model::load::detail
