// Typed field access on yaml-cpp nodes (see yaml_reader.h).
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "yaml_reader.h"

namespace packetwalk::model::load::detail {

namespace {

enum class ScalarKind { String, Int, Float, Bool, Null };

bool one_of(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

bool all_of_chars(std::string_view s, std::string_view allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

// Integer syntax of go-yaml v2 (strconv.ParseInt base 0 after removing '_', plus 0b...).
bool looks_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.substr(0, 2) == "0x") return all_of_chars(s.substr(2), "0123456789abcdefABCDEF_");
  if (s.substr(0, 2) == "0b") return all_of_chars(s.substr(2), "01_");
  if (s.size() > 1 && s[0] == '0') return all_of_chars(s, "01234567_");
  return !s.empty() && s[0] != '_' && all_of_chars(s, "0123456789_");
}

// go-yaml v2's float pattern ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ and .inf/.nan.
bool looks_float(std::string_view s) {
  if (one_of(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"}))
    return true;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  auto digits = [&](std::size_t& i) {
    auto start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  std::size_t i = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits(i)) return false;
  } else {
    if (!digits(i)) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits(i);
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digits(i)) return false;
  }
  return i == s.size();
}

ScalarKind plain_kind(std::string_view s) {
  if (one_of(s, {"", "~", "null", "Null", "NULL"})) return ScalarKind::Null;
  if (one_of(s, {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                 "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"}))
    return ScalarKind::Bool;
  if (looks_int(s)) return ScalarKind::Int;
  if (looks_float(s)) return ScalarKind::Float;
  return ScalarKind::String;
}

ScalarKind scalar_kind(const YAML::Node& n) {
  const std::string& tag = n.Tag();
  if (tag == "!" ) return ScalarKind::String;  // quoted or block scalar
  if (tag == "tag:yaml.org,2002:str") return ScalarKind::String;
  if (tag == "tag:yaml.org,2002:int") return ScalarKind::Int;
  if (tag == "tag:yaml.org,2002:bool") return ScalarKind::Bool;
  if (tag == "tag:yaml.org,2002:float") return ScalarKind::Float;
  return plain_kind(n.Scalar());
}

bool bool_value(std::string_view s) {
  return one_of(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"});
}

std::optional<long long> int_value(std::string_view text) {
  std::string s;
  for (char c : text)
    if (c != '_') s += c;
  int base = 10;
  std::size_t digits_at = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (s.compare(digits_at, 2, "0x") == 0) base = 16, s.erase(digits_at, 2);
  else if (s.compare(digits_at, 2, "0b") == 0) base = 2, s.erase(digits_at, 2);
  else if (s.size() > digits_at + 1 && s[digits_at] == '0') base = 8;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, base);
  if (errno == ERANGE || end == s.c_str() || *end != '\0') return std::nullopt;
  return v;
}

void type_error(ParseContext& ctx, const Field& f, std::string_view expected) {
  ctx.error(f.pos, f.path, "expected " + std::string(expected) + ", got " + describe(f.node));
}

}  // namespace

std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return parent + "." + std::string(key);
}

std::string item_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (!node.IsScalar()) return "null";
  switch (scalar_kind(node)) {
    case ScalarKind::String: return "\"" + node.Scalar() + "\"";
    case ScalarKind::Int:
    case ScalarKind::Float: return "the number " + node.Scalar();
    case ScalarKind::Bool: return "the boolean " + node.Scalar();
    case ScalarKind::Null: return "null";
  }
  return "?";
}

std::optional<std::string> read_string(ParseContext& ctx, const Field& f) {
  if (!f.node.IsDefined() || f.node.IsNull()) return std::nullopt;
  if (!f.node.IsScalar()) {
    type_error(ctx, f, "a string");
    return std::nullopt;
  }
  auto kind = scalar_kind(f.node);
  if (kind == ScalarKind::Null) return std::nullopt;
  if (kind != ScalarKind::String) {
    // The API server's JSON decoding rejects `version: 1`; say how to fix it.
    ctx.error(f.pos, f.path,
              "expected a string, got " + describe(f.node) + " (quote it: \"" + f.node.Scalar() + "\")");
    return std::nullopt;
  }
  return f.node.Scalar();
}

std::optional<int> read_int(ParseContext& ctx, const Field& f) {
  if (!f.node.IsDefined() || f.node.IsNull()) return std::nullopt;
  if (!f.node.IsScalar()) {
    type_error(ctx, f, "an integer");
    return std::nullopt;
  }
  auto kind = scalar_kind(f.node);
  if (kind == ScalarKind::Null) return std::nullopt;
  if (kind == ScalarKind::String && plain_kind(f.node.Scalar()) == ScalarKind::Int) {
    ctx.error(f.pos, f.path, "expected an integer, got " + describe(f.node) + " (remove the quotes)");
    return std::nullopt;
  }
  if (kind != ScalarKind::Int) {
    type_error(ctx, f, "an integer");
    return std::nullopt;
  }
  auto v = int_value(f.node.Scalar());
  if (!v || *v < INT_MIN || *v > INT_MAX) {
    ctx.error(f.pos, f.path, "expected a 32-bit integer, got " + f.node.Scalar() + " (out of range)");
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

std::optional<bool> read_bool(ParseContext& ctx, const Field& f) {
  if (!f.node.IsDefined() || f.node.IsNull()) return std::nullopt;
  if (!f.node.IsScalar() || scalar_kind(f.node) != ScalarKind::Bool) {
    if (f.node.IsScalar() && scalar_kind(f.node) == ScalarKind::Null) return std::nullopt;
    type_error(ctx, f, "true or false");
    return std::nullopt;
  }
  return bool_value(f.node.Scalar());
}

std::optional<std::variant<int, std::string>> read_int_or_string(ParseContext& ctx, const Field& f) {
  if (!f.node.IsDefined() || f.node.IsNull()) return std::nullopt;
  if (f.node.IsScalar()) {
    switch (scalar_kind(f.node)) {
      case ScalarKind::Null: return std::nullopt;
      case ScalarKind::Int:
        if (auto n = read_int(ctx, f)) return *n;
        return std::nullopt;
      case ScalarKind::String: return f.node.Scalar();
      case ScalarKind::Float:
      case ScalarKind::Bool: break;
    }
  }
  type_error(ctx, f, "an integer or a string");
  return std::nullopt;
}

std::map<std::string, std::string> read_string_map(ParseContext& ctx, const Field& f) {
  std::map<std::string, std::string> out;
  MapReader map(ctx, f, {"*"});
  if (!map.is_map()) return out;
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    if (!it->first.IsScalar()) continue;  // reported by MapReader
    const std::string& key = it->first.Scalar();
    if (auto value = map.get(key)) out[key] = read_string(ctx, *value).value_or("");
    else out[key] = "";  // `key:` with no value is the empty string, as in the API
  }
  return out;
}

std::vector<std::string> read_string_list(ParseContext& ctx, const Field& f) {
  std::vector<std::string> out;
  read_list(ctx, f, [&](const Field& item) {
    if (auto s = read_string(ctx, item)) out.push_back(*s);
  });
  return out;
}

bool read_list(ParseContext& ctx, const Field& f, const std::function<void(const Field&)>& item) {
  if (!f.node.IsDefined() || f.node.IsNull()) return true;
  if (!f.node.IsSequence()) {
    type_error(ctx, f, "a list");
    return false;
  }
  std::size_t index = 0;
  for (auto it = f.node.begin(); it != f.node.end(); ++it, ++index) {
    Field element{item_path(f.path, index), *it, ctx.pos(*it), {}};
    if (element.pos.line == 0) element.pos = f.pos;
    element.key_pos = element.pos;
    ctx.record(element.path, element.pos);
    item(element);
  }
  return true;
}

std::optional<std::string> read_enum(ParseContext& ctx, const Field& f, std::span<const std::string_view> supported) {
  auto value = read_string(ctx, f);
  if (!value) return std::nullopt;
  if (std::find(supported.begin(), supported.end(), *value) != supported.end()) return value;
  std::string list;
  for (auto s : supported) {
    if (!list.empty()) list += ", ";
    list += "\"" + std::string(s) + "\"";
  }
  ctx.error(f.pos, f.path, "Unsupported value: \"" + *value + "\": supported values: " + list);
  return std::nullopt;
}

MapReader::MapReader(ParseContext& ctx, const Field& field, std::span<const std::string_view> known)
    : ctx_(ctx), path_(field.path), pos_(field.pos) {
  if (!field.node.IsDefined() || field.node.IsNull()) {
    is_map_ = true;  // `metadata:` with nothing after it is an empty mapping
    return;
  }
  if (!field.node.IsMap()) {
    type_error(ctx, field, "a mapping");
    return;
  }
  is_map_ = true;
  auto is_known = [&](std::string_view key) { return std::find(known.begin(), known.end(), key) != known.end(); };
  bool accept_all = is_known("*");
  for (auto it = field.node.begin(); it != field.node.end(); ++it) {
    auto key_pos = ctx.pos(it->first);
    if (!it->first.IsScalar()) {
      ctx.error(key_pos, path_, "expected a string key, got " + describe(it->first));
      continue;
    }
    std::string key = it->first.Scalar();
    auto same = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
    if (same != entries_.end()) {
      ctx.warning(key_pos, "", "duplicate field \"" + child_path(path_, key) + "\"; the last one is used");
      entries_.erase(same);
    } else if (!accept_all && !is_known(key)) {
      ctx.warning(key_pos, "", "unknown field \"" + child_path(path_, key) + "\"");
    }
    entries_.push_back({std::move(key), it->second, key_pos});
  }
}

bool MapReader::has(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
}

std::optional<Field> MapReader::get(std::string_view key) const {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  if (it == entries_.end()) return std::nullopt;
  Field f{child_path(path_, key), it->value, it->key_pos, it->key_pos};
  bool empty = !it->value.IsDefined() || it->value.IsNull() ||
               (it->value.IsScalar() && scalar_kind(it->value) == ScalarKind::Null);
  if (!empty) {
    auto at = ctx_.pos(it->value);
    if (at.line > 0) f.pos = at;
  }
  ctx_.record(f.path, f.pos);
  if (empty) return std::nullopt;
  return f;
}

std::optional<std::string> MapReader::string(std::string_view key) const {
  auto f = get(key);
  return f ? read_string(ctx_, *f) : std::nullopt;
}

std::optional<int> MapReader::integer(std::string_view key) const {
  auto f = get(key);
  return f ? read_int(ctx_, *f) : std::nullopt;
}

std::optional<bool> MapReader::boolean(std::string_view key) const {
  auto f = get(key);
  return f ? read_bool(ctx_, *f) : std::nullopt;
}

}  // namespace packetwalk::model::load::detail
