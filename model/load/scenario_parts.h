#pragma once
// Private to model/load: the parts of a scenario file read in their own translation units.

#include "packetwalk/model/load/scenario.h"
#include "yaml_reader.h"

namespace packetwalk::model::load::detail {

// Reads the `cluster` section into `spec` (which starts as default_cluster_spec()).
void parse_cluster(ParseContext& ctx, const Field& f, ClusterSpec& spec);
// Reads `cluster.external: {network: CIDR, hosts: [{name, ip, listen: ["80/TCP"]}]}`.
void parse_external(ParseContext& ctx, const Field& f, ClusterSpec& spec);
std::optional<net::Cidr> read_cidr(ParseContext& ctx, const Field& f, std::string_view example);

}  // namespace packetwalk::model::load::detail
