// Event-engine micro-benchmarks. Every workload runs twice in the same process: once on our
// Simulator and once on a straightforward baseline (std::priority_queue of
// {time, seq, std::function<void()>}), so the ratio is measured under identical conditions.
//
// Delays come from a precomputed table of exponential samples, so random-number generation
// costs nothing in either variant and the numbers reflect the queues alone.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <unordered_set>
#include <vector>

#include "packetwalk/sim/random.h"
#include "packetwalk/sim/simulator.h"

namespace {

using packetwalk::sim::EventId;
using packetwalk::sim::RandomStream;
using packetwalk::sim::Simulator;
using packetwalk::sim::Time;

// Mean delay 1 us; 64 Ki samples cycled with a mask.
class Delays {
public:
  Delays() {
    RandomStream rng(2024);
    table_.resize(kSize);
    for (auto& d : table_) {
      d = static_cast<std::int64_t>(rng.exponential(1000.0));
    }
  }
  std::int64_t next() { return table_[index_++ & (kSize - 1)]; }

private:
  static constexpr std::size_t kSize = std::size_t{1} << 16;
  std::vector<std::int64_t> table_;
  std::size_t index_ = 0;
};

// The baseline engine: what one writes without thinking about memory layout.
class BaselineSim {
public:
  std::uint64_t schedule_after(std::int64_t delay, std::function<void()> fn) {
    queue_.push(Event{now_ + delay, next_seq_, std::move(fn)});
    return next_seq_++;
  }
  void cancel(std::uint64_t id) { cancelled_.insert(id); }
  bool step() {
    while (!queue_.empty()) {
      // top() is const; moving out is safe because pop() only compares time and seq.
      Event ev = std::move(const_cast<Event&>(queue_.top()));
      queue_.pop();
      if (!cancelled_.empty() && cancelled_.erase(ev.seq) != 0) {
        continue;
      }
      now_ = ev.time;
      ev.fn();
      return true;
    }
    return false;
  }

private:
  struct Event {
    std::int64_t time;
    std::uint64_t seq;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time > b.time || (a.time == b.time && a.seq > b.seq);
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::unordered_set<std::uint64_t> cancelled_;
  std::int64_t now_ = 0;
  std::uint64_t next_seq_ = 0;
};

// ---- (a) hold model: N pending events; each one that runs schedules its replacement. ----

// Each event captures one pointer to its world, the classic hold-model callable.
struct OursWorld {
  Simulator sim;
  Delays delays;
};
struct OursHold {
  OursWorld* world;
  void operator()() const { world->sim.schedule_after(Time::ns(world->delays.next()), OursHold{world}); }
};
static_assert(sizeof(OursHold) == 8);

struct BaselineWorld {
  BaselineSim sim;
  Delays delays;
};
struct BaselineHold {
  BaselineWorld* world;
  void operator()() const { world->sim.schedule_after(world->delays.next(), BaselineHold{world}); }
};

double bytes_per_event(const Simulator& sim) {
  return static_cast<double>(sim.memory_bytes()) / static_cast<double>(sim.pending());
}

void BM_Hold_Ours(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  OursWorld world;
  for (std::size_t i = 0; i < n; ++i) {
    world.sim.schedule_after(Time::ns(world.delays.next()), OursHold{&world});
  }
  for (auto _ : state) {
    world.sim.step();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["bytes_per_event"] = bytes_per_event(world.sim);

  // The same fill with the heap pre-sized, to separate the layout from vector growth slack.
  OursWorld reserved;
  reserved.sim.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    reserved.sim.schedule_after(Time::ns(reserved.delays.next()), OursHold{&reserved});
  }
  state.counters["bytes_per_event_reserved"] = bytes_per_event(reserved.sim);
}

void BM_Hold_Baseline(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  BaselineWorld world;
  for (std::size_t i = 0; i < n; ++i) {
    world.sim.schedule_after(world.delays.next(), BaselineHold{&world});
  }
  for (auto _ : state) {
    world.sim.step();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- (b) churn: per iteration schedule 2, cancel 1, run 1 (a timer re-armed per packet). ----

struct Tick {
  std::uint64_t* count;
  void operator()() const { ++*count; }
};

void BM_Churn_Ours(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  Delays delays;
  std::uint64_t ticks = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sim.schedule_after(Time::ns(delays.next()), Tick{&ticks});
  }
  for (auto _ : state) {
    const EventId a = sim.schedule_after(Time::ns(delays.next()), Tick{&ticks});
    sim.schedule_after(Time::ns(delays.next()), Tick{&ticks});
    sim.cancel(a);
    sim.step();
  }
  benchmark::DoNotOptimize(ticks);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["bytes_per_event"] = bytes_per_event(sim);
}

void BM_Churn_Baseline(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  BaselineSim sim;
  Delays delays;
  std::uint64_t ticks = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sim.schedule_after(delays.next(), Tick{&ticks});
  }
  for (auto _ : state) {
    const std::uint64_t a = sim.schedule_after(delays.next(), Tick{&ticks});
    sim.schedule_after(delays.next(), Tick{&ticks});
    sim.cancel(a);
    sim.step();
  }
  benchmark::DoNotOptimize(ticks);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(BM_Hold_Ours)->Arg(1'000)->Arg(100'000);
BENCHMARK(BM_Hold_Baseline)->Arg(1'000)->Arg(100'000);
BENCHMARK(BM_Churn_Ours)->Arg(1'000)->Arg(100'000);
BENCHMARK(BM_Churn_Baseline)->Arg(1'000)->Arg(100'000);

}  // namespace

BENCHMARK_MAIN();
