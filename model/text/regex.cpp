// The RE2 wrapper behind every user-written regular expression (see regex.h for why RE2).
#include "packetwalk/model/text/regex.h"

#include <re2/re2.h>

#include <map>
#include <mutex>

namespace packetwalk::model::text {

Regex::Regex(std::string_view pattern, Options options) {
  RE2::Options o;
  o.set_case_sensitive(!options.case_insensitive);
  o.set_log_errors(false);  // a bad pattern is the user's input: reported by the caller, not on stderr
  re_ = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), o);
  if (!re_->ok()) error_ = re_->error();
}

const Regex& Regex::compiled(std::string_view pattern, Options options) {
  struct Cache {
    std::mutex mutex;
    // One map per case option, found by string_view: a lookup builds no string. Nodes never move.
    std::map<std::string, Regex, std::less<>> regexes[2];
  };
  static Cache* cache = new Cache;  // never destroyed: a static destructor may still match
  const std::lock_guard lock(cache->mutex);
  auto& regexes = cache->regexes[options.case_insensitive ? 1 : 0];
  auto it = regexes.find(pattern);
  if (it == regexes.end()) it = regexes.emplace(std::string(pattern), Regex(pattern, options)).first;
  return it->second;
}

const Regex& Regex::compiled(std::string_view pattern) { return compiled(pattern, Options{}); }

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::ok() const { return re_ && re_->ok(); }

bool Regex::full_match(std::string_view text) const {
  return ok() && RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

std::optional<std::vector<std::string>> Regex::search(std::string_view text, bool anchored_at_start) const {
  if (!ok()) return std::nullopt;
  const int groups = 1 + re_->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> pieces(static_cast<std::size_t>(groups));
  const re2::StringPiece input(text.data(), text.size());
  if (!re_->Match(input, 0, input.size(), anchored_at_start ? RE2::ANCHOR_START : RE2::UNANCHORED, pieces.data(),
                  groups))
    return std::nullopt;
  std::vector<std::string> out;
  out.reserve(pieces.size());
  for (const auto& p : pieces) out.emplace_back(p.data() ? std::string(p.data(), p.size()) : std::string());
  return out;
}

}  // namespace packetwalk::model::text
