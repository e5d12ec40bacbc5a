#pragma once
// Private to model/load: one YAML document read in a single parse.
//
// YAML::Load builds a tree from yaml-cpp's parser events; reading a document that way and then
// checking it (a second document hiding behind it, aliases that expand too far) used to cost two
// parses and a walk of the tree. DocumentBuilder is a YAML::EventHandler that builds the same tree
// YAML::Load builds (same node types, tags, styles, marks and map pairs, duplicates included) and
// measures, from the same events, how many nodes the document reaches with its aliases followed.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace packetwalk::model::load::detail {

class DocumentBuilder : public YAML::EventHandler {
public:
  // `expansion_limit`: the most nodes the document may reach with aliases followed.
  explicit DocumentBuilder(std::size_t expansion_limit);

  // The document's root (a Null node when the document had none), as YAML::Load returns it.
  YAML::Node root() const;
  // The first problem in document order, if any: the expansion passed the limit, or an alias
  // names a collection that is still open (the document would contain itself, infinitely).
  enum class Problem { kNone, kTooLarge, kContainsItself };
  Problem problem() const { return problem_; }
  const YAML::Mark& problem_mark() const { return problem_mark_; }
  const std::string& problem_anchor() const { return problem_anchor_; }  // kContainsItself

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { close(); }
  void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_names_.push_back(name); }

private:
  // A collection being read: its node, a map key waiting for its value, and the expanded count
  // when it started (its own size, once it ends, is the difference).
  struct Open {
    YAML::detail::node* node;
    YAML::detail::node* key = nullptr;
    std::uint64_t count_at_start = 0;
    YAML::anchor_t anchor = 0;
  };
  // Anchors are numbered 1, 2, ... in document order; their expanded sizes, kOpen while the
  // anchored collection is still being read.
  static constexpr std::uint64_t kOpen = UINT64_MAX;

  YAML::detail::node& start(const YAML::Mark& mark, YAML::anchor_t anchor);
  void finish(YAML::detail::node& node);  // hands a complete node to its parent (or makes it the root)
  void close();
  void count(std::uint64_t nodes, const YAML::Mark& mark);
  void set_anchor_size(YAML::anchor_t anchor, std::uint64_t size);

  std::uint64_t limit_;
  std::uint64_t count_ = 0;  // nodes reached so far with aliases followed, saturating past limit_
  YAML::detail::shared_memory_holder memory_;
  YAML::detail::node* root_ = nullptr;
  std::vector<Open> open_;
  std::vector<YAML::detail::node*> anchors_{nullptr};  // index = anchor number
  std::vector<std::uint64_t> anchor_sizes_{0};
  std::vector<std::string> anchor_names_{std::string()};
  Problem problem_ = Problem::kNone;
  YAML::Mark problem_mark_;
  std::string problem_anchor_;
};

// What parsing one document's text gave, before anything is reported. Parsing needs no
// ParseContext, so documents can be parsed ahead of the reader, on another thread.
struct ParsedDocument {
  enum class Outcome {
    kEmpty,           // no node (blank, comments, a lone `~`): dropped silently
    kDocument,        // `root` is the document
    kSecondDocument,  // content after the end of the document: `mark` is where it starts
    kContainsItself,  // `mark` is the alias, `detail` its anchor's name
    kTooLarge,        // aliases expand past limits::kMaxExpandedNodes: `mark` is the root's
    kTooDeep,         // yaml-cpp's nesting limit: `mark` and `depth`
    kMalformed,       // a parser error: `mark` and `detail` (yaml-cpp's message)
  };
  Outcome outcome = Outcome::kEmpty;
  YAML::Node root;
  YAML::Mark mark;
  std::string detail;
  int depth = 0;
  std::exception_ptr failure;  // anything else thrown (out of memory): rethrown by the reader
};

// Parses one document's text: yaml-cpp's parser once, building the tree as YAML::Load does, then
// asking the same parser whether a second document follows (yaml-cpp starts one silently at a
// less-indented line, where YAML and kubectl see an error). Never calls LoadAll, which loops
// forever on some malformed input ("{}{}\n,", found by fuzzing): each call here consumes input.
ParsedDocument parse_document(std::string_view text);

// Parses every text and hands the results to `consume` in order. Inputs of many documents are
// parsed on two threads, at most a few dozen documents ahead of `consume`, so memory still
// holds only a handful of document trees whatever the file's size.
void parse_documents(const std::vector<std::string_view>& texts,
                     const std::function<void(std::size_t, ParsedDocument&)>& consume);

}  // namespace packetwalk::model::load::detail
