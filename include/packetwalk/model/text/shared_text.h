#pragma once
// An immutable string that many owners share: copying one is a reference-count increment, never
// an allocation and a copy of the characters. A trace names the same rules over and over (every
// first packet through a node walks KUBE-SERVICES, KUBE-SVC-..., KUBE-SEP-...), and a rule's text
// is rendered once, in the table's index, then shared by every hop that matched it.
//
// It reads like a const std::string (str(), the implicit conversion, comparisons, <<), so code
// that prints or searches a rule's text does not change.
//
// Names (a node, a network namespace, a device, a hook, a chain, a route) and the texts of rules a
// trace matched are `interned`: one copy per distinct text for the life of the process, and a
// SharedText that refers to it holds no count at all. That matters because libstdc++ makes every
// shared_ptr count change a locked instruction once a process has started a thread (the manifest
// loader starts one for large manifests), and a trace copies and frees such names several hundred
// times.

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace packetwalk::model::text {

class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string s)  // NOLINT(google-explicit-constructor): a string is a text
      : text_(s.empty() ? nullptr : std::make_shared<const std::string>(std::move(s))) {}
  SharedText(const char* s) : SharedText(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  SharedText(std::string_view s) : SharedText(std::string(s)) {}  // NOLINT(google-explicit-constructor)

  // The process's one copy of `s`, kept until the program ends; copying or dropping the result
  // changes no reference count. Only for texts drawn from a set the inputs bound (names, routes,
  // the rules of the loaded rulesets): the pool never shrinks. Safe to call from any thread.
  static SharedText interned(std::string_view s);

  const std::string& str() const { return text_ ? *text_ : empty_string(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  std::string_view view() const { return str(); }

  bool empty() const { return !text_ || text_->empty(); }
  std::size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  char operator[](std::size_t i) const { return str()[i]; }
  std::string substr(std::size_t pos, std::size_t n = std::string::npos) const { return str().substr(pos, n); }
  std::size_t find(std::string_view s, std::size_t pos = 0) const { return str().find(s, pos); }
  std::size_t find(char c, std::size_t pos = 0) const { return str().find(c, pos); }
  std::size_t rfind(std::string_view s, std::size_t pos = std::string::npos) const { return str().rfind(s, pos); }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.text_ == b.text_ || a.view() == b.view(); }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const SharedText& a, const char* b) { return a.view() == b; }
  friend auto operator<=>(const SharedText& a, const SharedText& b) { return a.view() <=> b.view(); }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& t) { return out << t.str(); }
  friend std::string operator+(const std::string& a, const SharedText& b) { return a + b.str(); }
  friend std::string operator+(const char* a, const SharedText& b) { return a + b.str(); }
  friend std::string operator+(const SharedText& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const SharedText& a, const char* b) { return a.str() + b; }

 private:
  struct Unowned {};
  SharedText(Unowned, const std::string* s) : text_(std::shared_ptr<const std::string>(), s) {}  // aliasing, no control block
  static const std::string& empty_string() {
    static const std::string kEmpty;
    return kEmpty;
  }
  std::shared_ptr<const std::string> text_;
};

}  // namespace packetwalk::model::text
