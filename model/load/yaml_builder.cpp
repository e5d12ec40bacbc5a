#include "yaml_builder.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "packetwalk/model/load/input_limits.h"

namespace packetwalk::model::load::detail {

DocumentBuilder::DocumentBuilder(std::size_t expansion_limit)
    : limit_(expansion_limit), memory_(std::make_shared<YAML::detail::memory_holder>()) {}

YAML::Node DocumentBuilder::root() const {
  if (root_ == nullptr) return YAML::Node();
  // A YAML::Node is only made from yaml-cpp's internal node by yaml-cpp itself; its iterators
  // do that for the items of a sequence, so the root is handed out as the one item of a holder.
  YAML::detail::node& holder = memory_->create_node();
  holder.set_type(YAML::NodeType::Sequence);
  holder.push_back(*root_, memory_);
  return YAML::Node(*YAML::iterator(holder.begin(), memory_));
}

void DocumentBuilder::count(std::uint64_t nodes, const YAML::Mark& mark) {
  // Saturates one past the limit: past it only the verdict matters, and sizes of up to 10^9
  // copies per level must not overflow.
  count_ = std::min(limit_ + 1, count_ + std::min(nodes, limit_ + 1));
  if (count_ > limit_ && problem_ == Problem::kNone) {
    problem_ = Problem::kTooLarge;
    problem_mark_ = mark;
  }
}

void DocumentBuilder::set_anchor_size(YAML::anchor_t anchor, std::uint64_t size) {
  if (anchor == 0) return;
  if (anchor_sizes_.size() <= anchor) anchor_sizes_.resize(anchor + 1, 0);
  anchor_sizes_[anchor] = size;
}

YAML::detail::node& DocumentBuilder::start(const YAML::Mark& mark, YAML::anchor_t anchor) {
  YAML::detail::node& node = memory_->create_node();
  node.set_mark(mark);
  if (anchor != 0) {
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, nullptr);
    anchors_[anchor] = &node;
  }
  count(1, mark);
  return node;
}

void DocumentBuilder::finish(YAML::detail::node& node) {
  if (open_.empty()) {
    root_ = &node;
    return;
  }
  Open& parent = open_.back();
  if (parent.node->type() == YAML::NodeType::Sequence) {
    parent.node->push_back(node, memory_);
  } else if (parent.key == nullptr) {
    parent.key = &node;  // a map's items alternate: key, then its value
  } else {
    parent.node->insert(*parent.key, node, memory_);
    parent.key = nullptr;
  }
}

void DocumentBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  YAML::detail::node& node = start(mark, anchor);
  node.set_null();
  set_anchor_size(anchor, 1);
  finish(node);
}

void DocumentBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                               const std::string& value) {
  YAML::detail::node& node = start(mark, anchor);
  node.set_scalar(value);
  node.set_tag(tag);
  set_anchor_size(anchor, 1);
  finish(node);
}

void DocumentBuilder::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) {
  // The parser only hands out anchors it has seen, so the node exists.
  YAML::detail::node& node = *anchors_.at(anchor);
  const std::uint64_t size = anchor < anchor_sizes_.size() ? anchor_sizes_[anchor] : 0;
  if (size == kOpen) {
    if (problem_ == Problem::kNone) {
      problem_ = Problem::kContainsItself;
      problem_mark_ = mark;
      problem_anchor_ = anchor < anchor_names_.size() ? anchor_names_[anchor] : std::string();
    }
  } else {
    count(size, mark);
  }
  finish(node);  // the same node again, as YAML::Load shares it
}

void DocumentBuilder::OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                                      YAML::EmitterStyle::value style) {
  const std::uint64_t before = count_;
  YAML::detail::node& node = start(mark, anchor);
  node.set_tag(tag);
  node.set_type(YAML::NodeType::Sequence);
  node.set_style(style);
  set_anchor_size(anchor, kOpen);
  open_.push_back({&node, nullptr, before, anchor});
}

void DocumentBuilder::OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                                 YAML::EmitterStyle::value style) {
  const std::uint64_t before = count_;
  YAML::detail::node& node = start(mark, anchor);
  node.set_type(YAML::NodeType::Map);
  node.set_tag(tag);
  node.set_style(style);
  set_anchor_size(anchor, kOpen);
  open_.push_back({&node, nullptr, before, anchor});
}

void DocumentBuilder::close() {
  const Open done = open_.back();
  open_.pop_back();
  set_anchor_size(done.anchor, count_ - done.count_at_start);
  finish(*done.node);
}

namespace {

// Parser events only counted: where a document after the first one starts.
class DocumentCounter : public YAML::EventHandler {
public:
  int documents = 0;
  YAML::Mark last_start;
  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents;
    last_start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

ParsedDocument parse_guarded(std::string_view text) {
  try {
    return parse_document(text);
  } catch (...) {
    ParsedDocument r;
    r.failure = std::current_exception();
    return r;
  }
}

// Below this, a thread costs more than it saves (a scenario file, a hand-written manifest).
constexpr std::size_t kParallelBytes = 256 << 10;
// How far parsing may run ahead of the reader: bounds the trees held at once.
constexpr std::size_t kWindow = 32;

}  // namespace

ParsedDocument parse_document(std::string_view text) {
  using Outcome = ParsedDocument::Outcome;
  ParsedDocument r;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentBuilder builder(limits::kMaxExpandedNodes);
    if (parser.HandleNextDocument(builder)) {
      DocumentCounter rest;
      parser.HandleNextDocument(rest);
      if (rest.documents > 0) {
        r.outcome = Outcome::kSecondDocument;
        r.mark = rest.last_start;
        return r;
      }
    }
    r.root = builder.root();
    if (r.root.IsNull()) {
      r.root = YAML::Node();
      return r;
    }
    switch (builder.problem()) {
      case DocumentBuilder::Problem::kNone:
        r.outcome = Outcome::kDocument;
        break;
      case DocumentBuilder::Problem::kContainsItself:
        r.outcome = Outcome::kContainsItself;
        r.mark = builder.problem_mark();
        r.detail = builder.problem_anchor();
        r.root = YAML::Node();
        break;
      case DocumentBuilder::Problem::kTooLarge:
        r.outcome = Outcome::kTooLarge;
        r.mark = r.root.Mark();
        r.root = YAML::Node();
        break;
    }
  } catch (const YAML::DeepRecursion& e) {
    r = ParsedDocument{};
    r.outcome = Outcome::kTooDeep;
    r.mark = e.mark;
    r.depth = e.depth();
  } catch (const YAML::Exception& e) {
    r = ParsedDocument{};
    r.outcome = Outcome::kMalformed;
    r.mark = e.mark;
    r.detail = e.msg;
  }
  return r;
}

void parse_documents(const std::vector<std::string_view>& texts,
                     const std::function<void(std::size_t, ParsedDocument&)>& consume) {
  const std::size_t n = texts.size();
  std::size_t bytes = 0;
  for (auto t : texts) bytes += t.size();
  if (n < 2 || bytes < kParallelBytes || std::thread::hardware_concurrency() < 2) {
    for (std::size_t i = 0; i < n; ++i) {
      ParsedDocument r = parse_guarded(texts[i]);
      if (r.failure) std::rethrow_exception(r.failure);
      consume(i, r);
    }
    return;
  }
  // Both threads take the next unparsed text in order, never more than kWindow past the one
  // `consume` needs next; this thread, when that one is not ready, parses ahead meanwhile.
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::optional<ParsedDocument>> done(n);
  std::size_t next = 0, consumed = 0;
  bool stop = false;
  auto claimable = [&] { return next < n && next < consumed + kWindow; };
  auto parse_one = [&](std::unique_lock<std::mutex>& lock) {
    const std::size_t i = next++;
    lock.unlock();
    ParsedDocument r = parse_guarded(texts[i]);
    lock.lock();
    done[i] = std::move(r);
    cv.notify_all();
  };
  std::thread helper([&] {
    std::unique_lock lock(m);
    for (;;) {
      cv.wait(lock, [&] { return stop || next >= n || claimable(); });
      if (stop || next >= n) return;
      parse_one(lock);
    }
  });
  // Stops and joins the helper however this function ends (`consume` may throw).
  struct Join {
    std::mutex& m;
    std::condition_variable& cv;
    bool& stop;
    std::thread& t;
    ~Join() {
      {
        std::lock_guard lock(m);
        stop = true;
      }
      cv.notify_all();
      t.join();
    }
  } join{m, cv, stop, helper};
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(m);
    while (!done[i]) {
      if (claimable()) parse_one(lock);
      else cv.wait(lock);
    }
    ParsedDocument r = std::move(*done[i]);
    done[i].reset();
    consumed = i + 1;
    lock.unlock();
    cv.notify_all();
    if (r.failure) std::rethrow_exception(r.failure);
    consume(i, r);
  }
}

}  // namespace packetwalk::model::load::detail
