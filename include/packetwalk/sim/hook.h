#pragma once
// Typed multicast observer, after ns-3's TracedCallback: model code fires a Hook at interesting
// points (packet sent, dropped, ...) and any number of observers (traces, UI, tests) listen.
// Callbacks run in connection order. A callback may connect or disconnect (itself included)
// while the hook fires: connections made during fire() are first called by the next fire(),
// and a disconnected callback is never called again, even later in the same fire().

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace packetwalk::sim {

template <class... Args>
class Hook {
public:
  using Callback = std::function<void(Args...)>;

  Hook() = default;
  // Move-only: copying would silently duplicate observers into another object.
  Hook(const Hook&) = delete;
  Hook& operator=(const Hook&) = delete;
  Hook(Hook&&) noexcept = default;
  Hook& operator=(Hook&&) noexcept = default;

  // Returns a token for disconnect(); tokens are never reused by the same hook.
  std::size_t connect(Callback callback) {
    if (!callback) {
      throw std::invalid_argument("Hook::connect: empty callback");
    }
    const std::size_t token = next_token_++;
    entries_.push_back(std::make_unique<Entry>(Entry{token, std::move(callback), true}));
    return token;
  }

  // Unknown or already-disconnected tokens are ignored.
  void disconnect(std::size_t token) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if ((*it)->token == token && (*it)->connected) {
        if (firing_ > 0) {
          // The callback may be executing right now (it may be disconnecting itself), so its
          // closure must stay alive: destroy it once the outermost fire() ends.
          (*it)->connected = false;
          needs_compaction_ = true;
        } else {
          entries_.erase(it);
        }
        return;
      }
    }
  }

  void fire(Args... args) const {
    // Entries are heap-allocated so a callback that connects (growing entries_) does not move
    // the std::function that is currently executing.
    const std::size_t count = entries_.size();
    ++firing_;
    struct Leave {
      const Hook* hook;
      ~Leave() {
        if (--hook->firing_ == 0 && hook->needs_compaction_) {
          hook->compact();
        }
      }
    } leave{this};
    for (std::size_t i = 0; i < count; ++i) {
      const Entry& entry = *entries_[i];
      if (entry.connected) {
        entry.callback(args...);
      }
    }
  }

  bool empty() const {
    for (const auto& entry : entries_) {
      if (entry->connected) {
        return false;
      }
    }
    return true;
  }

private:
  struct Entry {
    std::size_t token;
    Callback callback;
    bool connected;  // false: disconnected during fire(), awaiting compaction
  };

  void compact() const {
    std::erase_if(entries_, [](const std::unique_ptr<Entry>& e) { return !e->connected; });
    needs_compaction_ = false;
  }

  // mutable: fire() is const for observers' sake, yet must tidy up disconnections it witnessed.
  mutable std::vector<std::unique_ptr<Entry>> entries_;
  mutable int firing_ = 0;
  mutable bool needs_compaction_ = false;
  std::size_t next_token_ = 1;
};

}  // namespace packetwalk::sim
