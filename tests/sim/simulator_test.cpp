#include "packetwalk/sim/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>
#include <vector>

#include "event_queue.h"
#include "packetwalk/sim/random.h"

namespace packetwalk::sim {
namespace {

using namespace literals;
using RunStatus = Simulator::RunStatus;

TEST(TimeTest, FactoriesLiteralsAndArithmetic) {
  EXPECT_EQ(Time::us(5).count_ns(), 5'000);
  EXPECT_EQ(Time::ms(3).count_ns(), 3'000'000);
  EXPECT_EQ(Time::s(2).count_ns(), 2'000'000'000);
  EXPECT_EQ(10_ns, Time::ns(10));
  EXPECT_EQ(5_us, Time::us(5));
  EXPECT_EQ(3_ms, Time::ms(3));
  EXPECT_EQ(2_s, Time::s(2));
  EXPECT_EQ(1_us + 500_ns, Time::ns(1'500));
  EXPECT_EQ(1_us - 1500_ns, Time::ns(-500));
  EXPECT_EQ(3 * 2_us, 6_us);
  EXPECT_EQ(2_us * 3, 6_us);
  Time t = 1_ms;
  t += 1_us;
  EXPECT_EQ(t.count_ns(), 1'001'000);
  EXPECT_LT(1_ns, 2_ns);
  EXPECT_GT(Time::max(), 1000_s);
  EXPECT_EQ(Time(), Time::zero());
}

TEST(TimeTest, FormatMicrosecondsWithThreeDecimals) {
  EXPECT_EQ(format_time(Time::zero()), "0.000us");
  EXPECT_EQ(format_time(12'345_ns), "12.345us");
  EXPECT_EQ(format_time(1'500_us), "1500.000us");
  EXPECT_EQ(format_time(7_ns), "0.007us");
  EXPECT_EQ(format_time(Time::ns(-1'500)), "-1.500us");
  EXPECT_EQ(format_time(Time::max()), "9223372036854775.807us");
  EXPECT_EQ(format_time(Time::ns(-9223372036854775807 - 1)), "-9223372036854775.808us");
}

TEST(SimulatorTest, EqualTimesRunFifo) {
  Simulator sim;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) {
    sim.schedule_at(5_us, [&order, i] { order.push_back(i); });
  }
  EXPECT_EQ(sim.run(), RunStatus::Idle);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  }
}

TEST(SimulatorTest, RunsInTimeOrderThenInsertionOrder) {
  Simulator sim;
  RandomStream rng(7);
  struct Record {
    std::int64_t time;
    int index;
  };
  std::vector<Record> ran;
  std::vector<Record> expected;
  for (int i = 0; i < 5000; ++i) {
    const auto t = static_cast<std::int64_t>(rng.below(200));  // many ties on purpose
    expected.push_back({t, i});
    sim.schedule_at(Time::ns(t), [&sim, &ran, i] { ran.push_back({sim.now().count_ns(), i}); });
  }
  EXPECT_EQ(sim.pending(), 5000u);
  sim.run();
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Record& a, const Record& b) { return a.time < b.time; });
  ASSERT_EQ(ran.size(), expected.size());
  for (std::size_t i = 0; i < ran.size(); ++i) {
    EXPECT_EQ(ran[i].time, expected[i].time);
    EXPECT_EQ(ran[i].index, expected[i].index);
  }
  EXPECT_EQ(sim.executed(), 5000u);
  EXPECT_EQ(sim.pending(), 0u);
}

TEST(SimulatorTest, RejectsThePast) {
  Simulator sim;
  sim.schedule_at(10_us, [] {});
  sim.run();
  EXPECT_EQ(sim.now(), 10_us);
  EXPECT_THROW(sim.schedule_at(9_us, [] {}), std::logic_error);
  EXPECT_THROW(sim.schedule_after(Time::ns(-1), [] {}), std::logic_error);
  EXPECT_THROW(sim.schedule_after(Time::max(), [] {}), std::logic_error);
  EXPECT_THROW(sim.run_until(1_us), std::logic_error);
  EXPECT_NO_THROW(sim.schedule_at(10_us, [] {}));
  EXPECT_EQ(sim.pending(), 1u);
}

TEST(SimulatorTest, CancelPendingStaleAndDefaultIds) {
  Simulator sim;
  int runs = 0;
  const EventId a = sim.schedule_at(1_us, [&] { ++runs; });
  const EventId b = sim.schedule_at(2_us, [&] { ++runs; });
  EXPECT_TRUE(a.valid());
  EXPECT_TRUE(sim.is_pending(a));
  EXPECT_TRUE(sim.cancel(a));
  EXPECT_FALSE(sim.is_pending(a));
  EXPECT_FALSE(sim.cancel(a));  // already cancelled
  EXPECT_EQ(sim.pending(), 1u);

  const EventId none;
  EXPECT_FALSE(none.valid());
  EXPECT_FALSE(sim.is_pending(none));
  EXPECT_FALSE(sim.cancel(none));

  sim.run();
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(sim.is_pending(b));
  EXPECT_FALSE(sim.cancel(b));  // already ran

  // The freed slots get reused; the old ids must not reach the new occupants.
  const EventId c = sim.schedule_after(1_us, [&] { ++runs; });
  const EventId d = sim.schedule_after(1_us, [&] { ++runs; });
  EXPECT_TRUE(c.slot() == a.slot() || c.slot() == b.slot() || d.slot() == a.slot() || d.slot() == b.slot());
  EXPECT_FALSE(sim.cancel(a));
  EXPECT_FALSE(sim.cancel(b));
  EXPECT_TRUE(sim.is_pending(c));
  EXPECT_TRUE(sim.is_pending(d));
  sim.run();
  EXPECT_EQ(runs, 3);
}

TEST(SimulatorTest, CancelFromInsideAnEvent) {
  Simulator sim;
  std::vector<int> order;
  EventId later;
  EventId self;
  bool self_cancel_result = true;
  bool self_pending = true;
  self = sim.schedule_at(1_us, [&] {
    order.push_back(1);
    self_pending = sim.is_pending(self);
    self_cancel_result = sim.cancel(self);  // the running event is no longer pending
    EXPECT_TRUE(sim.cancel(later));
  });
  later = sim.schedule_at(1_us, [&] { order.push_back(2); });
  sim.schedule_at(2_us, [&] { order.push_back(3); });
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
  EXPECT_FALSE(self_pending);
  EXPECT_FALSE(self_cancel_result);
}

TEST(SimulatorTest, RunUntilBoundary) {
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(10_us, [&] { order.push_back(1); });
  sim.schedule_at(10_us + 1_ns, [&] { order.push_back(2); });
  EXPECT_EQ(sim.run_until(10_us), RunStatus::TimeLimit);
  EXPECT_EQ(order, std::vector<int>{1});
  EXPECT_EQ(sim.now(), 10_us);
  EXPECT_EQ(sim.pending(), 1u);

  EXPECT_EQ(sim.run_until(20_us), RunStatus::Idle);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(sim.now(), 20_us);  // advanced to the limit even though idle

  EXPECT_EQ(sim.run_until(20_us), RunStatus::Idle);  // limit == now is fine
  EXPECT_FALSE(sim.step());
}

TEST(SimulatorTest, SchedulingFromInsideCallbacks) {
  Simulator sim;
  std::vector<std::pair<std::int64_t, int>> log;
  sim.schedule_at(1_us, [&] {
    log.emplace_back(sim.now().count_ns(), 1);
    // Zero delay: same time, but after everything already queued for it.
    sim.schedule_after(Time::zero(), [&] { log.emplace_back(sim.now().count_ns(), 3); });
    sim.schedule_after(1_us, [&] {
      log.emplace_back(sim.now().count_ns(), 4);
      sim.schedule_after(1_us, [&] { log.emplace_back(sim.now().count_ns(), 5); });
    });
  });
  sim.schedule_at(1_us, [&] { log.emplace_back(sim.now().count_ns(), 2); });
  EXPECT_EQ(sim.run(), RunStatus::Idle);
  const std::vector<std::pair<std::int64_t, int>> expected{
      {1000, 1}, {1000, 2}, {1000, 3}, {2000, 4}, {3000, 5}};
  EXPECT_EQ(log, expected);
  EXPECT_EQ(sim.executed(), 5u);
}

TEST(SimulatorTest, StepRunsOneEventAtATime) {
  Simulator sim;
  int runs = 0;
  sim.schedule_at(1_us, [&] { ++runs; });
  sim.schedule_at(2_us, [&] { ++runs; });
  EXPECT_TRUE(sim.step());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(sim.now(), 1_us);
  EXPECT_TRUE(sim.step());
  EXPECT_FALSE(sim.step());
  EXPECT_EQ(runs, 2);
}

TEST(SimulatorTest, EventBudgetStopsRunawayModel) {
  Simulator sim;
  std::uint64_t ticks = 0;
  struct Ticker {
    Simulator* sim;
    std::uint64_t* ticks;
    void operator()() const {
      ++*ticks;
      sim->schedule_after(1_us, *this);  // never stops on its own
    }
  };
  sim.schedule_at(Time::zero(), Ticker{&sim, &ticks});
  sim.set_event_budget(1000);
  EXPECT_EQ(sim.run(), RunStatus::EventBudget);
  EXPECT_EQ(ticks, 1000u);
  EXPECT_EQ(sim.executed(), 1000u);
  EXPECT_EQ(sim.pending(), 1u);
  EXPECT_FALSE(sim.step());
  EXPECT_EQ(sim.run_until(5000_us), RunStatus::EventBudget);

  sim.set_event_budget(1500);  // the cap is on the lifetime count
  EXPECT_EQ(sim.run_until(Time::ms(10)), RunStatus::EventBudget);
  EXPECT_EQ(ticks, 1500u);

  sim.set_event_budget(0);  // unlimited again
  EXPECT_EQ(sim.run_until(Time::us(2000)), RunStatus::TimeLimit);
  EXPECT_EQ(ticks, 2001u);  // ticks at 0..2000us
}

TEST(SimulatorTest, ReentrantRunIsRejected) {
  Simulator sim;
  bool threw = false;
  sim.schedule_at(1_us, [&] {
    try {
      sim.run();
    } catch (const std::logic_error&) {
      threw = true;
    }
  });
  sim.run();
  EXPECT_TRUE(threw);
}

// Counts live instances so every construction must be matched by exactly one destruction.
template <std::size_t Bytes>
struct Counted {
  static inline int live = 0;
  static inline int calls = 0;
  std::array<unsigned char, Bytes> payload{};
  Counted() { ++live; }
  Counted(const Counted& other) : payload(other.payload) { ++live; }
  Counted(Counted&& other) noexcept : payload(other.payload) { ++live; }
  ~Counted() { --live; }
  void operator()() { ++calls; }
};

template <std::size_t Bytes>
void check_callable_lifetimes() {
  using C = Counted<Bytes>;
  {
    Simulator sim;
    sim.schedule_at(1_us, C{});
    const EventId cancelled = sim.schedule_at(2_us, C{});
    sim.schedule_at(3_us, C{});
    sim.schedule_at(10_us, C{});  // still pending when the simulator dies
    EXPECT_EQ(C::live, 4);
    EXPECT_TRUE(sim.cancel(cancelled));
    EXPECT_EQ(C::live, 3);  // cancel destroys the callable at once
    EXPECT_EQ(sim.run_until(5_us), RunStatus::TimeLimit);
    EXPECT_EQ(C::calls, 2);
    EXPECT_EQ(C::live, 1);  // ran events are destroyed right after running
  }
  EXPECT_EQ(C::live, 0);
}

TEST(SimulatorTest, CallablesOfEverySizeClassAreDestroyed) {
  static_assert(detail::size_class_for<Counted<8>>() == 0);
  static_assert(detail::size_class_for<Counted<24>>() == 1);
  static_assert(detail::size_class_for<Counted<56>>() == 2);
  static_assert(detail::size_class_for<Counted<120>>() == 3);
  static_assert(detail::size_class_for<Counted<248>>() == 4);
  check_callable_lifetimes<1>();
  check_callable_lifetimes<8>();
  check_callable_lifetimes<16>();
  check_callable_lifetimes<24>();
  check_callable_lifetimes<40>();
  check_callable_lifetimes<56>();
  check_callable_lifetimes<120>();
  check_callable_lifetimes<248>();
}

TEST(SimulatorTest, LargeCapturesFallBackToTheHeapWithoutLeaks) {
  static_assert(detail::size_class_for<Counted<256>>() < 0);
  check_callable_lifetimes<256>();
  // Large captured state is intact when the event runs.
  Simulator sim;
  std::array<std::uint64_t, 32> data{};
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = i * i;
  }
  std::uint64_t sum = 0;
  sim.schedule_after(1_ns, [data, &sum] {
    for (const std::uint64_t v : data) {
      sum += v;
    }
  });
  sim.run();
  EXPECT_EQ(sum, 10416u);
}

TEST(SimulatorTest, ThrowingEventPropagatesAndSimulatorStaysUsable) {
  using C = Counted<8>;
  Simulator sim;
  sim.schedule_at(1_us, [c = C{}] { throw std::runtime_error("boom"); });
  int runs = 0;
  sim.schedule_at(2_us, [&] { ++runs; });
  EXPECT_THROW(sim.run(), std::runtime_error);
  EXPECT_EQ(C::live, 0);
  EXPECT_EQ(sim.now(), 1_us);
  EXPECT_EQ(sim.run(), RunStatus::Idle);
  EXPECT_EQ(runs, 1);
}

TEST(SimulatorTest, MassCancellationCompactsAndKeepsOrder) {
  Simulator sim;
  std::vector<EventId> ids;
  std::vector<int> ran;
  for (int i = 0; i < 20000; ++i) {
    ids.push_back(sim.schedule_at(Time::ns(20000 - i), [&ran, i] { ran.push_back(i); }));
  }
  for (int i = 0; i < 20000; ++i) {
    if (i % 10 != 0) {
      EXPECT_TRUE(sim.cancel(ids[static_cast<std::size_t>(i)]));
    }
  }
  EXPECT_EQ(sim.pending(), 2000u);
  for (int i = 0; i < 20000; ++i) {
    EXPECT_EQ(sim.is_pending(ids[static_cast<std::size_t>(i)]), i % 10 == 0);
  }
  sim.run();
  ASSERT_EQ(ran.size(), 2000u);
  for (std::size_t k = 0; k < ran.size(); ++k) {
    EXPECT_EQ(ran[k], 19990 - static_cast<int>(k) * 10);  // later i = earlier time
  }
}

TEST(SimulatorTest, CompactionInsideAnEventKeepsTheRunningEventAndOrder) {
  Simulator sim;
  std::vector<EventId> ids;
  std::vector<int> ran;
  sim.schedule_at(Time::zero(), [&] {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i % 4 != 0) {
        sim.cancel(ids[i]);  // 1500 of 2000: enough to trigger a compaction right here
      }
    }
    sim.schedule_at(Time::zero(), [&] { ran.push_back(-1); });
    sim.schedule_at(Time::ns(5), [&] { ran.push_back(-2); });
  });
  for (int i = 0; i < 2000; ++i) {
    ids.push_back(sim.schedule_at(Time::ns(i % 10), [&ran, i] { ran.push_back(i); }));
  }
  sim.run();
  // -1 was scheduled (at time 0) after the surviving time-0 events, so it runs after them.
  std::vector<int> expected;
  for (int t = 0; t < 10; ++t) {
    for (int i = t; i < 2000; i += 10) {
      if (i % 4 == 0) {
        expected.push_back(i);
      }
    }
    if (t == 0) {
      expected.push_back(-1);
    }
    if (t == 5) {
      expected.push_back(-2);
    }
  }
  EXPECT_EQ(ran, expected);
}

TEST(SimulatorTest, OnePointerEventsCostAboutThirtyTwoBytes) {
  Simulator sim;
  constexpr std::size_t n = 100'000;
  sim.reserve(n);
  int counter = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sim.schedule_at(Time::ns(static_cast<std::int64_t>(i)), [&counter] { ++counter; });
  }
  const double per_event = static_cast<double>(sim.memory_bytes()) / static_cast<double>(n);
  EXPECT_LE(per_event, 32.5);
  sim.run();
  EXPECT_EQ(counter, static_cast<int>(n));
}

TEST(SimulatorTest, EventsScheduledBeforeAThrowStillRun) {
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(1_us, [&] {
    sim.schedule_after(1_us, [&] { order.push_back(2); });  // takes over the running key
    throw std::runtime_error("after scheduling");
  });
  sim.schedule_at(1_us, [&] { throw std::runtime_error("before scheduling"); });
  sim.schedule_at(3_us, [&] { order.push_back(3); });
  EXPECT_THROW(sim.run(), std::runtime_error);
  EXPECT_THROW(sim.run(), std::runtime_error);
  EXPECT_EQ(sim.pending(), 2u);
  EXPECT_EQ(sim.run(), RunStatus::Idle);
  EXPECT_EQ(order, (std::vector<int>{2, 3}));
}

// Differential test: a random workload (ties, zero delays, cancel bursts inside and outside
// events, run_until slices) must give the same log on the Simulator and on a naive reference
// engine that scans for the minimum (time, seq).
class Driver {
public:
  virtual ~Driver() = default;
  virtual std::int64_t now() const = 0;
  virtual void schedule(std::int64_t at, int label) = 0;
  virtual bool cancel(int label) = 0;
  virtual void run_until(std::int64_t limit) = 0;
  virtual std::size_t pending() const = 0;

  // What every event does; depends only on the random stream, so equal engines stay in step.
  void fire(int label) {
    log.push_back(now() * 1'000'000 + label);
    const std::uint64_t r = rng.below(20);
    if (r < 8) {
      schedule(now() + static_cast<std::int64_t>(rng.below(3)), next_label++);
    }
    if (r < 4) {
      schedule(now() + static_cast<std::int64_t>(rng.below(50)), next_label++);
    }
    if (r == 10 || r == 11) {
      const int burst = r == 10 ? 1 : 150;
      for (int i = 0; i < burst; ++i) {
        log.push_back(cancel(static_cast<int>(rng.below(static_cast<std::uint64_t>(next_label)))) ? -1 : -2);
      }
    }
  }

  std::vector<std::int64_t> log;
  RandomStream rng{99};
  int next_label = 0;
};

class SimDriver final : public Driver {
public:
  std::int64_t now() const override { return sim_.now().count_ns(); }
  void schedule(std::int64_t at, int label) override {
    ids_.resize(static_cast<std::size_t>(label) + 1);
    ids_[static_cast<std::size_t>(label)] = sim_.schedule_at(Time::ns(at), [this, label] { fire(label); });
  }
  bool cancel(int label) override { return sim_.cancel(ids_[static_cast<std::size_t>(label)]); }
  void run_until(std::int64_t limit) override { sim_.run_until(Time::ns(limit)); }
  std::size_t pending() const override { return sim_.pending(); }

private:
  Simulator sim_;
  std::vector<EventId> ids_;
};

class ReferenceDriver final : public Driver {
public:
  std::int64_t now() const override { return now_; }
  void schedule(std::int64_t at, int label) override {
    events_.resize(static_cast<std::size_t>(label) + 1);
    events_[static_cast<std::size_t>(label)] = {at, next_seq_++, true};
  }
  bool cancel(int label) override {
    return std::exchange(events_[static_cast<std::size_t>(label)].alive, false);
  }
  void run_until(std::int64_t limit) override {
    for (;;) {
      int best = -1;
      for (std::size_t i = 0; i < events_.size(); ++i) {
        const Event& e = events_[i];
        if (e.alive && e.time <= limit &&
            (best < 0 || std::pair(e.time, e.seq) < std::pair(events_[static_cast<std::size_t>(best)].time,
                                                              events_[static_cast<std::size_t>(best)].seq))) {
          best = static_cast<int>(i);
        }
      }
      if (best < 0) {
        break;
      }
      events_[static_cast<std::size_t>(best)].alive = false;
      now_ = events_[static_cast<std::size_t>(best)].time;
      fire(best);
    }
    now_ = limit;
  }
  std::size_t pending() const override {
    return static_cast<std::size_t>(
        std::count_if(events_.begin(), events_.end(), [](const Event& e) { return e.alive; }));
  }

private:
  struct Event {
    std::int64_t time = 0;
    std::uint64_t seq = 0;
    bool alive = false;
  };
  std::vector<Event> events_;
  std::int64_t now_ = 0;
  std::uint64_t next_seq_ = 0;
};

void drive(Driver& d) {
  RandomStream outer(4242);
  for (int i = 0; i < 3000; ++i) {
    d.schedule(static_cast<std::int64_t>(outer.below(2000)), d.next_label++);
  }
  for (std::int64_t limit = 0; limit <= 2600; limit += static_cast<std::int64_t>(outer.below(40))) {
    if (outer.below(16) == 0) {
      for (int i = 0; i < 300; ++i) {
        d.log.push_back(
            d.cancel(static_cast<int>(outer.below(static_cast<std::uint64_t>(d.next_label)))) ? -1 : -2);
      }
    }
    d.run_until(limit);
    d.log.push_back(-3 - static_cast<std::int64_t>(d.pending()));
  }
  d.run_until(1'000'000);
}

TEST(SimulatorTest, MatchesNaiveReferenceOnRandomWorkload) {
  SimDriver sim;
  ReferenceDriver reference;
  drive(sim);
  drive(reference);
  EXPECT_GT(sim.next_label, 3300);  // the workload really did schedule from inside events
  ASSERT_EQ(sim.log.size(), reference.log.size());
  EXPECT_TRUE(sim.log == reference.log);
  EXPECT_EQ(sim.pending(), 0u);
}

TEST(EventQueueTest, SequenceRenumberingKeepsFifo) {
  detail::EventQueue queue;
  queue.set_next_seq_for_testing(detail::EventQueue::kSeqLimit - 3);
  // Six keys at one time straddle the 32-bit wrap; two earlier/later keys check time order.
  for (std::uint32_t slot = 0; slot < 6; ++slot) {
    queue.push(100, slot);
  }
  queue.push(50, 6);
  queue.push(150, 7);
  EXPECT_LT(queue.next_seq(), 16u);  // renumbered
  std::vector<std::uint32_t> order;
  while (!queue.empty()) {
    order.push_back(queue.top().slot());
    queue.pop();
  }
  EXPECT_EQ(order, (std::vector<std::uint32_t>{6, 0, 1, 2, 3, 4, 5, 7}));
}

TEST(EventQueueTest, ReplaceTopAcrossRenumberingKeepsOrder) {
  detail::EventQueue queue;
  for (std::uint32_t slot = 0; slot < 40; ++slot) {
    queue.push(10 + slot % 4, slot);
  }
  queue.set_next_seq_for_testing(detail::EventQueue::kSeqLimit);  // next key renumbers first
  ASSERT_EQ(queue.top().slot(), 0u);
  queue.replace_top(11, 100);  // the top goes, and 100 queues behind every earlier time-11 key
  EXPECT_EQ(queue.size(), 40u);
  std::vector<std::uint32_t> order;
  while (!queue.empty()) {
    order.push_back(queue.top().slot());
    queue.pop();
  }
  std::vector<std::uint32_t> expected;
  for (std::uint32_t t = 0; t < 4; ++t) {
    for (std::uint32_t slot = t; slot < 40; slot += 4) {
      if (slot != 0) {
        expected.push_back(slot);
      }
    }
    if (t == 1) {
      expected.push_back(100);
    }
  }
  EXPECT_EQ(order, expected);
}

// restart() is what lets a ProbeRunner reuse one simulator for probe after probe: each probe must
// see a clock at zero, an empty queue and a fresh event count, whatever the last one left behind.
TEST(SimulatorTest, RestartForgetsPendingEventsAndStartsTheClockAtZero) {
  Simulator sim;
  using C = Counted<248>;  // the largest inline size class: an event carrying a packet
  C::live = 0;
  int runs = 0;
  sim.schedule_at(1_us, [&] { ++runs; });
  const EventId left = sim.schedule_at(9_us, C{});
  sim.schedule_at(10_us, [&] { ++runs; });
  sim.set_event_budget(1);
  EXPECT_EQ(sim.run(), RunStatus::EventBudget);  // one ran; two are still queued
  EXPECT_EQ(sim.now(), 1_us);
  EXPECT_EQ(C::live, 1);

  sim.restart();
  EXPECT_EQ(C::live, 0);  // the pending callables were destroyed, not run
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(sim.now(), Time::zero());
  EXPECT_EQ(sim.executed(), 0u);
  EXPECT_EQ(sim.pending(), 0u);
  EXPECT_FALSE(sim.is_pending(left));
  EXPECT_FALSE(sim.cancel(left));

  // The next run behaves as in a new simulator: events before the old clock are fine, order holds,
  // and the reused slots do not answer to the old id.
  std::vector<int> order;
  sim.set_event_budget(0);
  sim.schedule_at(3_us, [&] { order.push_back(3); });
  const EventId again = sim.schedule_at(2_us, C{});
  sim.schedule_at(2_us, [&] { order.push_back(2); });
  EXPECT_FALSE(sim.is_pending(left));
  EXPECT_TRUE(sim.is_pending(again));
  EXPECT_EQ(sim.run(), RunStatus::Idle);
  EXPECT_EQ(order, (std::vector<int>{2, 3}));
  EXPECT_EQ(sim.executed(), 3u);
  EXPECT_EQ(C::live, 0);
}

}  // namespace
}  // namespace packetwalk::sim
