#pragma once
// Private to model/load: the HTTP parts of scenario files (http_spec.h): `hosts`, `traffic`, `links`, a
// probe's `http` and an expectation's `status`.

#include "packetwalk/model/load/scenario.h"
#include "yaml_reader.h"

namespace packetwalk::model::load::detail {

// Reads the top-level `hosts` and `traffic` of a scenario (the reader `m` knows the keys).
void read_http_fields(ParseContext& ctx, const MapReader& m, Scenario& s);
// The top-level `links:` (scenario_links.cpp).
LinksSpec read_links(ParseContext& ctx, const Field& f);
// Quantities with units, one reader behind all three (scenario_units.cpp); each reports its own
// error at the field and returns nullopt. A size in bytes: 4096, 4KiB, 1MiB, 10kB.
std::optional<int> read_bytes(ParseContext& ctx, const Field& f);
// A link rate as tc writes it: 10Mbit, 1Gbit, 100kbit, 9600bit.
std::optional<double> read_bandwidth(ParseContext& ctx, const Field& f);
// A positive duration in seconds: 10s, 500ms, 2m, or a plain number of seconds.
std::optional<double> read_seconds(ParseContext& ctx, const Field& f);
// A plain number above `min_exclusive` (scenario_units.cpp).
std::optional<double> read_number(ParseContext& ctx, const Field& f, double min_exclusive);
// `[min, max]`, shares with 0 <= min <= max <= 1 (scenario_units.cpp).
std::optional<ShareRange> read_share_range(ParseContext& ctx, const Field& f);
// A probe's `http: {method, host, path, headers}`.
HttpProbeSpec read_http_probe(ParseContext& ctx, const Field& f);
// An expectation's `status:` (100-599).
int read_http_status(ParseContext& ctx, const Field& f);

}  // namespace packetwalk::model::load::detail
