#pragma once
// The discrete-event engine. A Simulator is a plain object (no singleton), so tests and tools can
// run several side by side. It knows nothing about packets or Kubernetes: events are callables.
//
// Ordering: events run by (time, insertion sequence); equal times run FIFO in scheduling order,
// including events scheduled from inside a running event.
//
// Cost of the operations, n = events in the queue (like ns-3's scheduler.h table):
//
//   operation            time                      notes
//   schedule_at/after    O(log n), O(1) expected   4-ary heap sift-up of a 16-byte key; a random
//                                                  time mostly stays in the bottom level
//   cancel               O(1) amortised (lazy)     destroys the callable now; the key leaves the
//                                                  heap when it surfaces or in a compaction
//   is_pending           O(1)
//   step (one event)     O(log n)                  bottom-up 4-ary pop; the first event that the
//                                                  running event schedules fills the popped key's
//                                                  place in the same pass (the "hold" pattern)
//   compaction           O(n)                      once cancelled keys outnumber live ones, so
//                                                  O(1) amortised per cancel
//   pending/executed     O(1)
//
// Memory per pending event: a 16-byte heap key {time, seq:32|slot:32} plus one pool slot: an
// 8-byte header and the callable's body, in size classes of 16, 32, 64, 128 or 256 bytes per slot
// (bodies up to 8, 24, 56, 120 or 248 bytes; the largest fits an event that carries a packet). A
// lambda capturing one pointer therefore costs 32 bytes in all, one capturing two or three
// pointers 48. Larger (or over-aligned) callables are moved to the heap and the slot keeps the
// pointer. Slots live in 256-slot chunks that never move, so no allocation happens per event once
// the pools have grown. Cancelled events hold their key and slot until popped; the heap is
// compacted once cancelled keys outnumber live ones, so memory stays within about twice the live
// set.
//
// Not thread-safe: one Simulator belongs to one thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "packetwalk/sim/event_id.h"
#include "packetwalk/sim/time.h"

namespace packetwalk::sim {

namespace detail {

class EventPool;
class EventQueue;

// Type-erased operations of one callable type. Slots store a 32-bit index into a process-wide
// table of these instead of an 8-byte pointer, which is what keeps a small event at 32 bytes.
struct CallableOps {
  void (*invoke)(void* object);
  void (*destroy)(void* object);  // null when trivially destructible: skips an indirect call
};

// Registers ops once per callable type (thread-safe); returns an index >= 1.
std::uint32_t register_callable_ops(const CallableOps* ops);

template <class T>
struct InlineOps {
  static void invoke(void* object) { (*static_cast<T*>(object))(); }
  static void destroy(void* object) { static_cast<T*>(object)->~T(); }
  static constexpr CallableOps table{&invoke, std::is_trivially_destructible_v<T> ? nullptr : &destroy};
};

// Fallback for large callables: the slot holds a T* owning a heap copy.
template <class T>
struct BoxedOps {
  static void invoke(void* object) { (**static_cast<T**>(object))(); }
  static void destroy(void* object) { delete *static_cast<T**>(object); }
  static constexpr CallableOps table{&invoke, &destroy};
};

// Inlined on purpose: after the first call it is one load and a predictable branch, cheaper than
// the call it would otherwise be on every schedule.
template <class Ops>
#if defined(__GNUC__)
[[gnu::always_inline]]
#endif
inline std::uint32_t
callable_ops_index() {
  static const std::uint32_t index = register_callable_ops(&Ops::table);
  return index;
}

// Slot = 8-byte header + body; powers of two so a slot's address is a shift, not a multiply,
// and no slot straddles a cache line.
inline constexpr std::size_t kSlotBodyBytes[] = {8, 24, 56, 120, 248};
inline constexpr int kSizeClasses = 5;
inline constexpr std::size_t kSlotBodyAlign = 8;

// Smallest size class that holds T, or -1 if T must be boxed.
template <class T>
constexpr int size_class_for() {
  if (alignof(T) > kSlotBodyAlign) {
    return -1;
  }
  for (int c = 0; c < kSizeClasses; ++c) {
    if (sizeof(T) <= kSlotBodyBytes[c]) {
      return c;
    }
  }
  return -1;
}

struct SlotReservation {
  void* storage;  // where the callable must be constructed
  EventId id;
};

}  // namespace detail

class Simulator {
public:
  enum class RunStatus {
    Idle,         // no events left
    TimeLimit,    // run_until() reached its limit with later events still queued
    EventBudget,  // the event budget is used up and events remain
  };

  Simulator();
  ~Simulator();  // destroys the callables of events still pending
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return now_; }

  // Throws std::logic_error if at < now(). The callable is stored by value (decayed) and must be
  // invocable as f(); it is destroyed right after it runs or when the event is cancelled.
  template <class F>
  EventId schedule_at(Time at, F&& f);

  // Throws std::logic_error if delay < 0 or now() + delay overflows.
  template <class F>
  EventId schedule_after(Time delay, F&& f) {
    if (delay < Time::zero() || delay > Time::max() - now_) {
      throw_bad_delay();
    }
    return schedule_at(now_ + delay, std::forward<F>(f));
  }

  // True if the event was pending (it will not run now). Stale and default ids return false,
  // and so does the id of the event currently running.
  bool cancel(EventId id);
  bool is_pending(EventId id) const;

  // Runs until no events remain (Idle) or the budget stops it (EventBudget).
  RunStatus run();
  // Runs every event with time <= limit, then sets now() = limit unless the budget stopped it.
  // Returns Idle if the queue emptied, TimeLimit if later events remain. Throws if limit < now().
  RunStatus run_until(Time limit);
  // Runs the next event; false if there was none or the budget is used up.
  bool step();

  // Starts over: destroys the events still pending (as the destructor does) and sets now() and
  // executed() back to zero, keeping the slot pools and heap already grown. For a sequence of
  // independent runs (a probe each) that would otherwise build a Simulator apiece. Ids issued
  // before stay stale. Throws std::logic_error from inside an event.
  void restart();

  // Cap on executed() (lifetime count); 0 = unlimited. Stops runaway (self-rescheduling) models.
  void set_event_budget(std::uint64_t max_events) { budget_ = max_events; }
  std::uint64_t event_budget() const { return budget_; }

  std::size_t pending() const { return live_; }
  std::uint64_t executed() const { return executed_; }

  // Bytes held by the heap vector and the slot chunks (capacity, not just use).
  std::size_t memory_bytes() const;
  // Pre-sizes the heap for this many queued events; slot chunks grow 256 at a time anyway.
  void reserve(std::size_t events);

private:
  [[noreturn]] static void throw_bad_delay();
  // Checks `at`, takes a slot of the size class and queues its key. The caller constructs the
  // callable in `storage` and, should that throw, calls abandon().
  detail::SlotReservation reserve_slot(Time at, int size_class, std::uint32_t ops_index);
  void abandon(EventId id) noexcept;
  bool run_one(Time limit);
  void drop_cancelled_top();
  void maybe_compact();

  std::unique_ptr<detail::EventQueue> queue_;
  std::unique_ptr<detail::EventPool> pool_;
  Time now_;
  std::size_t live_ = 0;               // pending, not cancelled
  std::size_t cancelled_in_heap_ = 0;  // keys whose event was cancelled but not yet popped
  std::uint64_t executed_ = 0;
  std::uint64_t budget_ = 0;
  bool running_ = false;  // inside a callback: run/step must not re-enter
  // The heap's top key is the running event's: the first event it schedules replaces that key
  // in one pass (the common "hold" pattern) and the rest is popped when the callback returns.
  bool top_is_running_ = false;
};

template <class F>
EventId Simulator::schedule_at(Time at, F&& f) {
  using T = std::decay_t<F>;
  static_assert(std::is_invocable_v<T&>, "events must be callable with no arguments");
  constexpr int size_class = detail::size_class_for<T>();
  if constexpr (size_class >= 0) {
    const detail::SlotReservation r =
        reserve_slot(at, size_class, detail::callable_ops_index<detail::InlineOps<T>>());
    if constexpr (std::is_nothrow_constructible_v<T, F&&>) {
      ::new (r.storage) T(std::forward<F>(f));
    } else {
      try {
        ::new (r.storage) T(std::forward<F>(f));
      } catch (...) {
        abandon(r.id);
        throw;
      }
    }
    return r.id;
  } else {
    auto boxed = std::make_unique<T>(std::forward<F>(f));
    const detail::SlotReservation r = reserve_slot(at, 0, detail::callable_ops_index<detail::BoxedOps<T>>());
    ::new (r.storage) T*(boxed.release());
    return r.id;
  }
}

}  // namespace packetwalk::sim
