#include "packetwalk/model/text/shared_text.h"

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace packetwalk::model::text {
namespace {

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Pool {
  std::mutex mutex;
  // A node-based set: an element's address never changes, so the pointers handed out stay valid.
  std::unordered_set<std::string, Hash, std::equal_to<>> texts;
};

Pool& pool() {
  // Never destroyed, so texts interned by static initialisers (the hook labels) and read by static
  // destructors stay valid whatever the order.
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

SharedText SharedText::interned(std::string_view s) {
  if (s.empty()) return {};
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  auto it = p.texts.find(s);
  if (it == p.texts.end()) it = p.texts.emplace(s).first;
  return SharedText(Unowned{}, &*it);
}

}  // namespace packetwalk::model::text
