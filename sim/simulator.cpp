#include "packetwalk/sim/simulator.h"

#include <stdexcept>

#include "event_pool.h"
#include "event_queue.h"

namespace packetwalk::sim {

using detail::callable_ops;
using detail::CallableOps;
using detail::EventPool;
using detail::HeapKey;
using detail::SlotHeader;

namespace {

// Below this many cancelled keys compaction is not worth an O(n) pass.
constexpr std::size_t kCompactMinCancelled = 256;

void destroy_callables(EventPool& pool, const std::vector<HeapKey>& keys) {
  for (const HeapKey& key : keys) {
    SlotHeader* header = pool.header(key.slot());
    if (header->ops != 0) {
      const CallableOps& ops = callable_ops(header->ops);
      header->ops = 0;
      if (ops.destroy != nullptr) {
        ops.destroy(EventPool::body(header));
      }
    }
  }
}

}  // namespace

Simulator::Simulator()
    : queue_(std::make_unique<detail::EventQueue>()), pool_(std::make_unique<detail::EventPool>()) {}

Simulator::~Simulator() {
  // Take the keys first so a callable's destructor that cancels or schedules cannot disturb the
  // iteration; loop in case one did schedule.
  for (std::vector<HeapKey> keys = queue_->take_all(); !keys.empty(); keys = queue_->take_all()) {
    destroy_callables(*pool_, keys);
  }
}

void Simulator::restart() {
  if (running_) {
    throw std::logic_error("Simulator::restart called from inside an event");
  }
  // As in the destructor, plus each slot goes back to its free list with a new generation, so an
  // old id can never name a later occupant.
  for (std::vector<HeapKey> keys = queue_->take_all(); !keys.empty(); keys = queue_->take_all()) {
    destroy_callables(*pool_, keys);
    for (const HeapKey& key : keys) {
      SlotHeader* header = pool_->header(key.slot());
      EventPool::bump_generation(header);
      pool_->release(key.slot(), header);
    }
  }
  now_ = Time::zero();
  live_ = 0;
  cancelled_in_heap_ = 0;
  executed_ = 0;
  top_is_running_ = false;
}

void Simulator::throw_bad_delay() {
  throw std::logic_error("Simulator::schedule_after: delay is negative or overflows the clock");
}

detail::SlotReservation Simulator::reserve_slot(Time at, int size_class, std::uint32_t ops_index) {
  if (at < now_) {
    throw std::logic_error("Simulator::schedule_at: time is in the past");
  }
  const auto [id, header] = pool_->acquire(size_class);
  if (top_is_running_) {
    queue_->replace_top(at.count_ns(), id);
    top_is_running_ = false;
  } else {
    try {
      queue_->push(at.count_ns(), id);
    } catch (...) {
      pool_->release(id, header);
      throw;
    }
  }
  header->ops = ops_index;
  ++live_;
  return {EventPool::body(header), EventId(id, header->generation)};
}

void Simulator::abandon(EventId id) noexcept {
  // The callable was never constructed: forget it like a cancelled event, minus the destroy.
  SlotHeader* header = pool_->header(id.slot_);
  header->ops = 0;
  EventPool::bump_generation(header);
  --live_;
  ++cancelled_in_heap_;
}

bool Simulator::is_pending(EventId id) const {
  if (!pool_->contains(id.slot_)) {
    return false;
  }
  const SlotHeader* header = pool_->header(id.slot_);
  return header->generation == id.generation_ && header->ops != 0;
}

bool Simulator::cancel(EventId id) {
  if (!is_pending(id)) {
    return false;
  }
  SlotHeader* header = pool_->header(id.slot_);
  const CallableOps& ops = callable_ops(header->ops);
  // Bookkeeping first: the callable's destructor may call back into the simulator.
  header->ops = 0;
  EventPool::bump_generation(header);
  --live_;
  ++cancelled_in_heap_;
  if (ops.destroy != nullptr) {
    ops.destroy(EventPool::body(header));
  }
  maybe_compact();
  return true;
}

void Simulator::maybe_compact() {
  if (cancelled_in_heap_ < kCompactMinCancelled || cancelled_in_heap_ * 2 <= queue_->size()) {
    return;
  }
  queue_->remove_if([this](const HeapKey& key) {
    SlotHeader* header = pool_->header(key.slot());
    if (header->ops != 0) {
      return false;
    }
    pool_->release(key.slot(), header);
    return true;
  });
  cancelled_in_heap_ = 0;
}

void Simulator::drop_cancelled_top() {
  while (!queue_->empty()) {
    const std::uint32_t slot = queue_->top().slot();
    SlotHeader* header = pool_->header(slot);
    if (header->ops != 0) {
      return;
    }
    queue_->pop();
    pool_->release(slot, header);
    --cancelled_in_heap_;
  }
}

bool Simulator::run_one(Time limit) {
  for (;;) {
    if (queue_->empty() || queue_->top().time() > limit.count_ns()) {
      return false;
    }
    const HeapKey key = queue_->top();
    SlotHeader* header = pool_->header(key.slot());
    if (header->ops == 0) {  // cancelled: its slot was kept only for this key
      queue_->pop();
      pool_->release(key.slot(), header);
      --cancelled_in_heap_;
      continue;
    }
    now_ = Time::ns(key.time());
    // The event stops being pending before it runs, so it cannot cancel itself, and its slot is
    // not handed to events it schedules (the slot is released only afterwards).
    EventPool::bump_generation(header);
    --live_;
    ++executed_;
    const CallableOps& ops = callable_ops(header->ops);

    // Runs on return and on exception alike.
    struct Finish {
      Simulator* sim;
      SlotHeader* header;
      std::uint32_t slot;
      const CallableOps& ops;
      ~Finish() {
        sim->running_ = false;
        if (sim->top_is_running_) {  // the event scheduled nothing
          sim->top_is_running_ = false;
          sim->queue_->pop();
        }
        header->ops = 0;
        if (ops.destroy != nullptr) {
          ops.destroy(EventPool::body(header));
        }
        sim->pool_->release(slot, header);
      }
    } finish{this, header, key.slot(), ops};

    if (queue_->worth_prefetching()) {
      // In a big queue the next event's slot is likely cold: fetch it while this one runs.
      // Unless this event schedules an earlier one, the next event is the runner-up.
      detail::prefetch(pool_->header(queue_->runner_up().slot()));
    }
    // The key stays on top while the event runs; see top_is_running_. Compaction and
    // renumbering keep it there because it is the smallest key and its slot is still occupied.
    top_is_running_ = true;
    running_ = true;
    ops.invoke(EventPool::body(header));
    return true;
  }
}

Simulator::RunStatus Simulator::run() {
  if (running_) {
    throw std::logic_error("Simulator::run called from inside an event");
  }
  for (;;) {
    if (budget_ != 0 && executed_ >= budget_) {
      drop_cancelled_top();
      return queue_->empty() ? RunStatus::Idle : RunStatus::EventBudget;
    }
    if (!run_one(Time::max())) {
      return RunStatus::Idle;
    }
  }
}

Simulator::RunStatus Simulator::run_until(Time limit) {
  if (running_) {
    throw std::logic_error("Simulator::run_until called from inside an event");
  }
  if (limit < now_) {
    throw std::logic_error("Simulator::run_until: limit is in the past");
  }
  for (;;) {
    if (budget_ != 0 && executed_ >= budget_) {
      drop_cancelled_top();
      if (!queue_->empty() && queue_->top().time() <= limit.count_ns()) {
        return RunStatus::EventBudget;
      }
    }
    if (!run_one(limit)) {
      break;
    }
  }
  now_ = limit;
  return queue_->empty() ? RunStatus::Idle : RunStatus::TimeLimit;
}

bool Simulator::step() {
  if (running_) {
    throw std::logic_error("Simulator::step called from inside an event");
  }
  if (budget_ != 0 && executed_ >= budget_) {
    return false;
  }
  return run_one(Time::max());
}

std::size_t Simulator::memory_bytes() const { return queue_->memory_bytes() + pool_->memory_bytes(); }

void Simulator::reserve(std::size_t events) { queue_->reserve(events); }

}  // namespace packetwalk::sim
