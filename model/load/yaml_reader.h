#pragma once
// Private to model/load: reading YAML with positions and typed, diagnosed field access.
//
// yaml-cpp gives every node a 0-based Mark; everything here converts to 1-based SourcePos in the
// user's file (adding the offsets of an inline document) and reports problems as Diagnostics
// instead of throwing. Scalars are resolved the way Kubernetes' YAML decoder (go-yaml v2, YAML 1.1
// flavour) resolves them, so `version: 1` is a number and `enabled: yes` a boolean, and a quoted
// "8080" is a string — exactly the type errors `kubectl apply` would report.

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::model::load::detail {

// Where a piece of text sits in the user's file: its lines are preceded by `line_offset` lines
// and indented by `column_offset` columns (inline documents in scenario files).
struct TextOrigin {
  std::string file;
  int line_offset = 0;
  int column_offset = 0;
};

// Reports NUL bytes and invalid UTF-8 (with the position of the first bad byte); false = not text.
bool check_text(std::string_view bytes, const std::string& file, Diagnostics& diags);

// Position-aware diagnostics for one input text, plus the object currently being read.
class ParseContext {
public:
  ParseContext(Diagnostics& diags, TextOrigin origin) : diags_(diags), origin_(std::move(origin)) {}

  const TextOrigin& origin() const { return origin_; }
  Diagnostics& diags() { return diags_; }
  SourcePos pos(const YAML::Mark& mark) const;  // unknown line/column for yaml-cpp's null mark
  // Marks are relative to the document being read; this says how many lines precede it.
  void set_document_line(int line) { document_line_ = line; }
  SourcePos pos(const YAML::Node& node) const { return pos(node.Mark()); }

  // Names the object in following diagnostics ("Pod default/web") and starts a fresh set of
  // recorded field positions.
  void begin_object(std::string ref);
  void end_object() { object_.clear(); }
  const std::string& object() const { return object_; }
  void record(const std::string& path, const SourcePos& at) { positions_.emplace(path, at); }
  std::map<std::string, SourcePos, std::less<>> take_positions() { return std::move(positions_); }
  std::set<std::string, std::less<>> take_fields_with_errors() { return std::move(fields_with_errors_); }

  // message = "<path>: <text>" (or just text when path is empty).
  void error(const SourcePos& at, const std::string& path, std::string_view text);
  void warning(const SourcePos& at, const std::string& path, std::string_view text);
  // `missing required field "<path>"`, reported at `at` (the enclosing mapping).
  void missing(const SourcePos& at, const std::string& path);

private:
  Diagnostics& diags_;
  TextOrigin origin_;
  int document_line_ = 0;
  std::string object_;
  std::map<std::string, SourcePos, std::less<>> positions_;
  std::set<std::string, std::less<>> fields_with_errors_;
};

// One YAML document of a stream, with its root node.
struct YamlDocument {
  YAML::Node root;
  int first_line = 0;  // 0-based line of the document within the text: pass to set_document_line()
};

// Splits `text` at document markers and parses each document on its own, so a syntax error in one
// document is reported (with its position) and the others still load. Empty documents are dropped.
// Documents whose aliases expand past limits::kMaxExpandedNodes or that contain themselves
// (`&a [*a]`), and files with more documents than limits::kMaxObjects, are reported as errors
// and not returned. Each document is parsed once (yaml_builder.h).
std::vector<YamlDocument> parse_yaml_stream(std::string_view text, ParseContext& ctx);
// The same, handing each document to `visit` as soon as it is parsed, so that only one
// document's YAML tree is in memory at a time (what the manifest loader uses for large files).
void visit_yaml_stream(std::string_view text, ParseContext& ctx, const std::function<void(YamlDocument&)>& visit);

// A value found at a field path.
struct Field {
  std::string path;  // "spec.containers[0].ports[1].containerPort"
  YAML::Node node;
  SourcePos pos;      // of the value (of the key when the value is empty)
  SourcePos key_pos;  // of the key (== pos for list items and roots)
};

std::string child_path(const std::string& parent, std::string_view key);
std::string item_path(const std::string& parent, std::size_t index);

// "a mapping", "a list", "\"http\"", "the number 1", ... for type error messages.
std::string describe(const YAML::Node& node);

// Typed reads. Each reports a type error at the value and returns nullopt on mismatch; a null
// value (`key:` or `key: ~`) also gives nullopt, silently, like the API's zero value.
std::optional<std::string> read_string(ParseContext& ctx, const Field& f);
std::optional<int> read_int(ParseContext& ctx, const Field& f);
std::optional<bool> read_bool(ParseContext& ctx, const Field& f);
// A plain integer gives the number; any string (quoted "8080" included, as in the API) the text.
std::optional<std::variant<int, std::string>> read_int_or_string(ParseContext& ctx, const Field& f);
std::map<std::string, std::string> read_string_map(ParseContext& ctx, const Field& f);
std::vector<std::string> read_string_list(ParseContext& ctx, const Field& f);
// Reads a list, calling `item` for each element (records its position). false if not a list.
bool read_list(ParseContext& ctx, const Field& f, const std::function<void(const Field&)>& item);
// Names of a closed set ("TCP"): reports `Unsupported value: "x": supported values: "A", "B"`.
std::optional<std::string> read_enum(ParseContext& ctx, const Field& f, std::span<const std::string_view> supported);
inline std::optional<std::string> read_enum(ParseContext& ctx, const Field& f,
                                            std::initializer_list<std::string_view> supported) {
  return read_enum(ctx, f, std::span<const std::string_view>(supported.begin(), supported.size()));
}

// A mapping with a list of known keys: constructing it reports a non-mapping value, unknown keys
// (warning `unknown field "<path>"`) and duplicate keys (warning; the last one wins, as in JSON).
// `known` may contain "*" to accept any key (status sections of kubectl dumps).
class MapReader {
public:
  MapReader(ParseContext& ctx, const Field& field, std::initializer_list<std::string_view> known)
      : MapReader(ctx, field, std::span<const std::string_view>(known.begin(), known.size())) {}
  MapReader(ParseContext& ctx, const Field& field, std::span<const std::string_view> known);

  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }
  const SourcePos& pos() const { return pos_; }
  // The field if present with a non-null value (and records its position); nullopt otherwise.
  std::optional<Field> get(std::string_view key) const;
  bool has(std::string_view key) const;  // present, even if null

  std::optional<std::string> string(std::string_view key) const;
  std::optional<int> integer(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;

private:
  struct Entry {
    std::string key;
    YAML::Node value;
    SourcePos key_pos;
  };
  ParseContext& ctx_;
  std::string path_;
  SourcePos pos_;
  bool is_map_ = false;
  std::vector<Entry> entries_;  // last occurrence of each key only
};

}  // namespace packetwalk::model::load::detail
