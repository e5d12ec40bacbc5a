// Scenario files: quantities with units (durations, sizes, link rates) and [min, max] share
// ranges, shared by `traffic:` (scenario_http.cpp) and `links:` (scenario_links.cpp) so every
// field spells its units and reports its mistakes the same way.
// Rates follow tc(8)'s spelling; its byte units (kbps, mbps = bytes per second) are refused
// because they read as bits to almost everyone.
#include <cctype>
#include <charconv>
#include <span>

#include "scenario_http.h"

namespace packetwalk::model::load::detail {

namespace {

struct Unit {
  std::string_view name;  // lowercase; "" = a bare number
  double scale;
};

// Splits "10Mbit" into 10 and "mbit" (lowercased when `fold_case`); nullopt when the number part
// is not one. The number is unsigned, decimal, with an optional exponent ("1.5", "1e3").
std::optional<std::pair<double, std::string>> number_and_unit(const std::string& text, bool fold_case) {
  auto digit = [&](std::size_t i) { return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); };
  std::size_t i = 0;
  while (digit(i) || (i < text.size() && text[i] == '.')) ++i;
  if (i > 0 && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    if (digit(j)) {
      while (digit(j)) ++j;
      i = j;
    }
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, v);
  if (i == 0 || ec != std::errc() || ptr != text.data() + i) return std::nullopt;
  std::string unit = text.substr(i);
  if (fold_case)
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::make_pair(v, unit);
}

// The value of `text` in base units when its unit is one of `units`; nullopt otherwise.
std::optional<double> scaled(const std::optional<std::pair<double, std::string>>& nu, std::span<const Unit> units) {
  if (!nu) return std::nullopt;
  for (const auto& u : units)
    if (nu->second == u.name) return nu->first * u.scale;
  return std::nullopt;
}

// The one reader behind every quantity: NUMBER[UNIT] within [min, max] (min exclusive when
// `min_exclusive`), else the error `expected ..., got "text"` (or `got a mapping` for a non-scalar).
// Units are case-insensitive when `fold_case` (Mbit, KiB), exact otherwise (durations: ms, not MS).
std::optional<double> read_quantity(ParseContext& ctx, const Field& f, std::span<const Unit> units, double min,
                                    bool min_exclusive, double max, const std::string& expected, bool fold_case = true) {
  if (!f.node.IsDefined() || f.node.IsNull()) return std::nullopt;
  if (!f.node.IsScalar()) {
    ctx.error(f.pos, f.path, expected + ", got " + describe(f.node));
    return std::nullopt;
  }
  const std::string text = f.node.Scalar();
  auto v = scaled(number_and_unit(text, fold_case), units);
  if (v && (min_exclusive ? *v > min : *v >= min) && *v <= max) return v;
  ctx.error(f.pos, f.path, expected + ", got \"" + text + "\"");
  return std::nullopt;
}

}  // namespace

std::optional<double> read_seconds(ParseContext& ctx, const Field& f) {
  static constexpr Unit kUnits[] = {{"", 1}, {"s", 1}, {"ms", 0.001}, {"m", 60}};
  return read_quantity(ctx, f, kUnits, 0, true, 1e9, "expected a positive duration such as 10s, 500ms or 2m", false);
}

std::optional<int> read_bytes(ParseContext& ctx, const Field& f) {
  static constexpr Unit kUnits[] = {{"", 1}, {"b", 1}, {"kib", 1024}, {"mib", 1 << 20}, {"kb", 1000}, {"mb", 1e6}};
  // 64 MiB bounds a message: larger ones are transfers, not requests, and would swamp a run.
  auto v = read_quantity(ctx, f, kUnits, 1, false, 64.0 * (1 << 20),
                         "expected a size from 1 byte to 64MiB such as 4096, 4KiB or 1MiB");
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<double> read_bandwidth(ParseContext& ctx, const Field& f) {
  static constexpr Unit kUnits[] = {{"", 1}, {"bit", 1}, {"kbit", 1e3}, {"mbit", 1e6}, {"gbit", 1e9}, {"tbit", 1e12}};
  if (f.node.IsScalar()) {
    const std::string text = f.node.Scalar();
    auto nu = number_and_unit(text, true);
    if (nu && (nu->second == "bps" || nu->second == "kbps" || nu->second == "mbps" || nu->second == "gbps")) {
      ctx.error(f.pos, f.path, "\"" + text + "\": tc reads " + nu->second + " as bytes per second; write bits, such as 10Mbit");
      return std::nullopt;
    }
  }
  return read_quantity(ctx, f, kUnits, 0, true, 1e15,
                       "expected a positive rate in bit, kbit, Mbit, Gbit or Tbit (such as 10Mbit)");
}

std::optional<double> read_number(ParseContext& ctx, const Field& f, double min_exclusive) {
  if (!f.node.IsScalar()) {
    ctx.error(f.pos, f.path, "expected a number, got " + describe(f.node));
    return std::nullopt;
  }
  const std::string& s = f.node.Scalar();
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= min_exclusive) {
    ctx.error(f.pos, f.path, "expected a number above " + std::to_string(static_cast<int>(min_exclusive)) + ", got \"" + s + "\"");
    return std::nullopt;
  }
  return v;
}

std::optional<ShareRange> read_share_range(ParseContext& ctx, const Field& f) {
  if (!f.node.IsSequence() || f.node.size() != 2) {
    ctx.error(f.pos, f.path, "expected [min, max] shares between 0 and 1, such as [0.08, 0.12]");
    return std::nullopt;
  }
  ShareRange r;
  Field lo{item_path(f.path, 0), f.node[0], ctx.pos(f.node[0]), ctx.pos(f.node[0])};
  Field hi{item_path(f.path, 1), f.node[1], ctx.pos(f.node[1]), ctx.pos(f.node[1])};
  r.min = read_number(ctx, lo, -1).value_or(0);
  r.max = read_number(ctx, hi, -1).value_or(1);
  if (r.min < 0 || r.max > 1 || r.min > r.max) {
    ctx.error(f.pos, f.path, "shares must satisfy 0 <= min <= max <= 1");
    return std::nullopt;
  }
  return r;
}

}  // namespace packetwalk::model::load::detail
