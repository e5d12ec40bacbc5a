#include "yaml_reader.h"

#include <cstdint>
#include <cstdio>

#include "packetwalk/model/load/input_limits.h"
#include "yaml_builder.h"

namespace packetwalk::model::load::detail {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is invalid (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) n = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0) n = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0) n = 4, cp = b0 & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr std::uint32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", b);
  return buf;
}

// A line that starts a document ("---", "--- ...") or ends one ("...").
bool is_marker(std::string_view line, std::string_view marker) {
  if (line.substr(0, 3) != marker) return false;
  return line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r';
}

// Blank, comment and directive lines do not make a document: a "---" after them belongs with them.
bool is_content(std::string_view line) {
  auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return false;
  return line[first] != '#' && !(first == 0 && line[0] == '%');
}

struct Chunk {
  std::string_view text;
  int first_line = 0;
};

std::vector<Chunk> split_documents(std::string_view text) {
  std::vector<Chunk> chunks;
  std::size_t chunk_start = 0;
  int chunk_line = 0;
  bool has_content = false;
  int line_no = 0;
  auto close = [&](std::size_t end, std::size_t next_start, int next_line) {
    if (has_content) chunks.push_back({text.substr(chunk_start, end - chunk_start), chunk_line});
    chunk_start = next_start;
    chunk_line = next_line;
    has_content = false;
  };
  for (std::size_t at = 0; at < text.size(); ++line_no) {
    auto nl = text.find('\n', at);
    std::size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    auto line = text.substr(at, (nl == std::string_view::npos ? text.size() : nl) - at);
    if (is_marker(line, "---")) {
      if (has_content) close(at, at, line_no);
      has_content = true;  // "--- value" may carry the document on the marker line
    } else if (is_marker(line, "...")) {
      close(next, next, line_no + 1);
    } else if (is_content(line)) {
      has_content = true;
    }
    at = next;
  }
  close(text.size(), text.size(), line_no);
  return chunks;
}

}  // namespace

bool check_text(std::string_view bytes, const std::string& file, Diagnostics& diags) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < bytes.size();) {
    auto pos = [&] { return SourcePos{file, line, static_cast<int>(i - line_start) + 1}; };
    if (bytes[i] == '\0') {
      diags.error(pos(), "", "file contains a NUL byte; is it a binary file? (manifests must be UTF-8 text)");
      return false;
    }
    auto n = utf8_sequence_length(bytes, i);
    if (n == 0) {
      diags.error(pos(), "",
                  "file is not valid UTF-8 (byte " + hex_byte(static_cast<unsigned char>(bytes[i])) +
                      "); is it a binary file? (manifests must be UTF-8 text)");
      return false;
    }
    if (bytes[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
    i += n;
  }
  return true;
}

SourcePos ParseContext::pos(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return SourcePos{origin_.file, 0, 0};
  return SourcePos{origin_.file, mark.line + 1 + origin_.line_offset + document_line_,
                   mark.column + 1 + origin_.column_offset};
}

void ParseContext::begin_object(std::string ref) {
  object_ = std::move(ref);
  positions_.clear();
  fields_with_errors_.clear();
}

void ParseContext::error(const SourcePos& at, const std::string& path, std::string_view text) {
  if (!path.empty()) fields_with_errors_.insert(path);
  diags_.error(at, object_, path.empty() ? std::string(text) : path + ": " + std::string(text));
}

void ParseContext::missing(const SourcePos& at, const std::string& path) {
  fields_with_errors_.insert(path);
  diags_.error(at, object_, "missing required field \"" + path + "\"");
}

void ParseContext::warning(const SourcePos& at, const std::string& path, std::string_view text) {
  diags_.warning(at, object_, path.empty() ? std::string(text) : path + ": " + std::string(text));
}

namespace {

void report_parser_error(ParseContext& ctx, const YAML::Mark& mark, const std::string& msg) {
  auto at = ctx.pos(mark);
  if (at.line == 0) at = ctx.pos(YAML::Mark{});  // position of the document itself
  ctx.error(at, "", "malformed YAML: " + msg);
}

void report_too_deep(ParseContext& ctx, const YAML::Mark& mark, int depth) {
  ctx.error(ctx.pos(mark), "", "malformed YAML: nested more than " + std::to_string(depth) + " levels deep");
}

// Reports what parse_document found wrong with one document, or hands it to `visit`.
void take_document(ParseContext& ctx, ParsedDocument& parsed, int first_line,
                   const std::function<void(YamlDocument&)>& visit) {
  using Outcome = ParsedDocument::Outcome;
  switch (parsed.outcome) {
    case Outcome::kEmpty:
      return;
    case Outcome::kSecondDocument:
      ctx.error(ctx.pos(parsed.mark), "",
                "malformed YAML: unexpected content after the end of the document (wrong indentation?)");
      return;
    case Outcome::kContainsItself:
      ctx.error(ctx.pos(parsed.mark), "",
                "YAML alias *" + parsed.detail +
                    " refers to a node that contains it, so the document would be infinite; packetwalk refuses it "
                    "(docs/limits.md)");
      return;
    case Outcome::kTooLarge:
      ctx.error(ctx.pos(parsed.mark), "",
                "YAML aliases expand this document to more than " + std::to_string(limits::kMaxExpandedNodes) +
                    " nodes (an alias bomb?); packetwalk refuses it (docs/limits.md)");
      return;
    case Outcome::kTooDeep:
      report_too_deep(ctx, parsed.mark, parsed.depth);
      return;
    case Outcome::kMalformed:
      report_parser_error(ctx, parsed.mark, parsed.detail);
      return;
    case Outcome::kDocument:
      break;
  }
  try {
    YamlDocument doc{parsed.root, first_line};
    visit(doc);
  } catch (const YAML::DeepRecursion& e) {  // the loader's own reads of the tree
    ctx.set_document_line(first_line);
    report_too_deep(ctx, e.mark, e.depth());
  } catch (const YAML::Exception& e) {
    ctx.set_document_line(first_line);
    report_parser_error(ctx, e.mark, e.msg);
  }
}

}  // namespace

void visit_yaml_stream(std::string_view text, ParseContext& ctx, const std::function<void(YamlDocument&)>& visit) {
  // A UTF-8 byte order mark is legal at the start; drop it so columns on line 1 stay right.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const auto chunks = split_documents(text);
  if (chunks.size() > limits::kMaxObjects) {
    ctx.set_document_line(chunks[limits::kMaxObjects].first_line);
    ctx.error(ctx.pos(YAML::Mark{}), "",
              "more than " + std::to_string(limits::kMaxObjects) +
                  " YAML documents in one file; packetwalk reads at most that many objects (docs/limits.md)");
    ctx.set_document_line(0);
    return;
  }
  // Each document is parsed once (yaml_builder.h), and a large file's on two threads; the
  // results come back in order, so diagnostics and objects do too.
  std::vector<std::string_view> texts;
  texts.reserve(chunks.size());
  for (const auto& chunk : chunks) texts.push_back(chunk.text);
  parse_documents(texts, [&](std::size_t i, ParsedDocument& parsed) {
    ctx.set_document_line(chunks[i].first_line);
    take_document(ctx, parsed, chunks[i].first_line, visit);
  });
  ctx.set_document_line(0);
}

std::vector<YamlDocument> parse_yaml_stream(std::string_view text, ParseContext& ctx) {
  std::vector<YamlDocument> docs;
  visit_yaml_stream(text, ctx, [&](YamlDocument& doc) { docs.push_back(doc); });
  return docs;
}

}  // namespace packetwalk::model::load::detail
