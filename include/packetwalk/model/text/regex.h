#pragma once
// Regular expressions as the modelled programs run them: RE2, the engine of Envoy (behind Istio's
// and Envoy Gateway's HTTPRoute RegularExpression matches) and the syntax of Go's regexp (CoreDNS's
// `rewrite ... regex`). RE2 runs in time linear in the input, so no pattern in a user's manifest can
// hang a trace — std::regex backtracks exponentially on `(a|aa)*c` and recurses once per character.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace packetwalk::model::text {

class Regex {
 public:
  struct Options {
    bool case_insensitive = false;
  };

  explicit Regex(std::string_view pattern) : Regex(pattern, Options{}) {}
  Regex(std::string_view pattern, Options options);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // The process's one compiled copy of `pattern` with `options`, compiled the first time it is
  // asked for. A trace matches the same few patterns of the user's manifests request after request
  // (an HTTPRoute's path, a CoreDNS rewrite); compiling one costs far more than matching it. The
  // copies live until the program ends, like interned texts (they are bounded by the inputs), and
  // may be used from several threads at once, as RE2 allows.
  static const Regex& compiled(std::string_view pattern, Options options);
  static const Regex& compiled(std::string_view pattern);  // with the default Options

  // False when the pattern does not compile; error() then says why, in RE2's words.
  bool ok() const;
  const std::string& error() const { return error_; }

  // The whole of `text` matches. A pattern that did not compile matches nothing.
  bool full_match(std::string_view text) const;

  // The leftmost match in `text` (when anchored_at_start, one that begins at its first character):
  // group 0 is the whole match, then each capture group ("" for a group that took no part).
  std::optional<std::vector<std::string>> search(std::string_view text, bool anchored_at_start = false) const;

 private:
  std::unique_ptr<re2::RE2> re_;
  std::string error_;
};

}  // namespace packetwalk::model::text
