#pragma once
// Private: the priority queue of the Simulator, a 4-ary min-heap of 16-byte keys.
//
// Why these choices:
// - Keys hold no callable, only {time, seq:32|slot:32}, so a sift moves 16 bytes and four
//   siblings fill exactly one (aligned) 64-byte cache line; callables stay put in the EventPool.
// - 4-ary halves the depth of a binary heap; the extra sibling compares hit the same line.
// - The 32-bit sequence number (FIFO tie-break) would wrap after 2^32 schedules; before that
//   happens renumber() rewrites the pending keys' sequence numbers to their rank, which keeps
//   every relative order and costs O(n log n) once per ~4 billion schedules.

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

// The sift loops are the engine's hot path; a call per sift measurably costs (~10%).
#if defined(__GNUC__)
#define PACKETWALK_SIM_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define PACKETWALK_SIM_ALWAYS_INLINE inline
#endif

namespace packetwalk::sim::detail {

struct HeapKey {
  std::uint64_t when;   // time with the sign bit flipped, so unsigned order == signed time order
  std::uint64_t order;  // seq << 32 | slot: comparing it compares seq (unique among keys)

  static std::uint64_t encode_time(std::int64_t time) {
    return static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63);
  }
  std::int64_t time() const { return static_cast<std::int64_t>(when ^ (std::uint64_t{1} << 63)); }
  std::uint32_t slot() const { return static_cast<std::uint32_t>(order); }
  std::uint32_t seq() const { return static_cast<std::uint32_t>(order >> 32); }
};
static_assert(sizeof(HeapKey) == 16);

// Branch-free on purpose: heap comparisons are data-dependent, and a branchy version
// mispredicted about every other level (measured as most of the run time).
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 KeyBits;
inline bool key_less(const HeapKey& a, const HeapKey& b) {
  // One 128-bit compare (cmp + sbb) instead of two compares and three boolean ops.
  return ((KeyBits{a.when} << 64) | a.order) < ((KeyBits{b.when} << 64) | b.order);
}
#else
inline bool key_less(const HeapKey& a, const HeapKey& b) {
  return (a.when < b.when) | ((a.when == b.when) & (a.order < b.order));
}
#endif

// cond ? if_true : if_false as mask arithmetic: compilers turn a ternary on an unpredictable
// condition into a branch too often.
inline std::size_t select(bool cond, std::size_t if_true, std::size_t if_false) {
  return if_false ^ ((if_true ^ if_false) & (std::size_t{0} - static_cast<std::size_t>(cond)));
}

// Index (0..3) and value of the smallest of four consecutive keys. The selects work on values
// already in registers rather than on indices that must be loaded again, which shortens the
// load -> compare -> load dependency chain that bounds every level of a sift.
inline std::size_t min_of_four(const HeapKey* c, HeapKey& out) {
  // Mask arithmetic instead of ternaries: compilers turn these into (mispredicted) branches.
  const auto pick = [](bool take_second, const HeapKey& first, const HeapKey& second) {
    const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(take_second);
    return HeapKey{first.when ^ ((first.when ^ second.when) & mask),
                   first.order ^ ((first.order ^ second.order) & mask)};
  };
  const bool pick1 = key_less(c[1], c[0]);
  const HeapKey a = pick(pick1, c[0], c[1]);
  const bool pick3 = key_less(c[3], c[2]);
  const HeapKey b = pick(pick3, c[2], c[3]);
  const bool pick_b = key_less(b, a);
  out = pick(pick_b, a, b);
  return select(pick_b, 2 + static_cast<std::size_t>(pick3), static_cast<std::size_t>(pick1));
}

// Must be always_inline: GCC otherwise deduces that a function whose only statement is a
// prefetch is "const" and deletes the calls (found by reading the generated code).
PACKETWALK_SIM_ALWAYS_INLINE void prefetch(const void* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// 64-byte aligned storage, so that with the root at position 3 every group of four siblings
// occupies exactly one cache line: a sift touches one line per level.
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlign); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const {
    return true;
  }
};

class EventQueue {
public:
  static constexpr std::uint64_t kSeqLimit = std::uint64_t{1} << 32;
  static constexpr std::size_t kArity = 4;

  EventQueue() {
    // A power-of-two start keeps later doublings at powers of two: e.g. 1,000 events fit in
    // 1,024 keys instead of 1,536.
    heap_.reserve(64);
    heap_.resize(kRoot);
  }

  bool empty() const { return heap_.size() == kRoot; }
  std::size_t size() const { return heap_.size() - kRoot; }
  const HeapKey& top() const { return heap_[kRoot]; }

  void push(std::int64_t time, std::uint32_t slot) {
    const HeapKey key = make_key(time, slot);
    heap_.push_back(key);
    sift_up(heap_.size() - 1, key);
  }

  // Precondition: !empty().
  void pop() {
    const HeapKey last = heap_.back();
    heap_.pop_back();
    if (!empty()) {
      sift_up(descend_from_root(), last);
    }
  }

  // Whether prefetching pays: below this size the heap (and, typically, the slots) sit in L2.
  bool worth_prefetching() const { return heap_.size() > kPrefetchAbove; }

  // The key that becomes the top after pop(), unless something smaller is pushed first.
  // Precondition: size() > kArity, i.e. the root has all its children.
  const HeapKey& runner_up() const {
    HeapKey smallest;
    return heap_[first_child(kRoot) + min_of_four(heap_.data() + first_child(kRoot), smallest)];
  }

  // pop() then push() in one pass. This is the hold pattern (an event schedules its successor),
  // and fusing the two saves the push's sift-up and the vector's size bookkeeping.
  // Precondition: !empty().
  PACKETWALK_SIM_ALWAYS_INLINE void replace_top(std::int64_t time, std::uint32_t slot) {
    const HeapKey key = make_key(time, slot);  // may renumber; the top stays on top
    sift_up(descend_from_root(), key);
  }

  // Removes every key for which drop(key) is true, then rebuilds the heap in O(n).
  template <class Pred>
  void remove_if(Pred drop) {
    std::size_t kept = kRoot;
    for (std::size_t i = kRoot; i < heap_.size(); ++i) {
      if (!drop(heap_[i])) {
        heap_[kept++] = heap_[i];
      }
    }
    heap_.resize(kept);
    heapify();
  }

  // Empties the queue, handing its keys to the caller (used at destruction).
  std::vector<HeapKey> take_all();

  void reserve(std::size_t n) { heap_.reserve(n + kRoot); }
  std::size_t memory_bytes() const { return heap_.capacity() * sizeof(HeapKey); }

  // Gives every key a fresh sequence number equal to its rank; next_seq becomes size().
  void renumber();
  // Tests use this to reach the renumbering point without 2^32 schedules.
  void set_next_seq_for_testing(std::uint64_t seq) { next_seq_ = seq; }
  std::uint64_t next_seq() const { return next_seq_; }

private:
  // Positions 0..2 are padding; node at position p has children 4p-8 .. 4p-5 and parent
  // (p-4)/4 + 3, i.e. a 0-based 4-ary heap shifted by three.
  static constexpr std::size_t kRoot = 3;
  // Below this many keys (256 KiB) the heap sits in L2 and prefetching only costs instructions.
  static constexpr std::size_t kPrefetchAbove = 16384;
  static std::size_t first_child(std::size_t p) { return 4 * p - 8; }
  static std::size_t parent(std::size_t p) { return (p - 4) / 4 + kRoot; }

  HeapKey make_key(std::int64_t time, std::uint32_t slot) {
    if (next_seq_ == kSeqLimit) {
      renumber();
    }
    return HeapKey{HeapKey::encode_time(time), (next_seq_++ << 32) | slot};
  }

  // Bottom-up deletion (Floyd): walks a hole from the root to a leaf along the smallest
  // children, without comparing against the key that will fill it; the caller then sifts that
  // key up from the returned leaf. Keys refilling a hole are usually late ones (the array's last
  // key, or a new event's time), so they rarely climb, and each level costs three comparisons
  // instead of four.
  PACKETWALK_SIM_ALWAYS_INLINE std::size_t descend_from_root() {
    HeapKey* h = heap_.data();
    const std::size_t n = heap_.size();
    std::size_t hole = kRoot;
    std::size_t first = first_child(hole);
    const bool big = worth_prefetching();
    while (first + 3 < n) {
      const std::size_t grandchildren = first_child(first);
      if (big && grandchildren < n) {
        // The four children's own children are 16 consecutive keys (four cache lines): fetch
        // them now so the next level's loads overlap with this level's comparisons.
        prefetch(h + grandchildren);
        prefetch(h + grandchildren + 4);
        prefetch(h + grandchildren + 8);
        prefetch(h + grandchildren + 12);
      }
      HeapKey smallest;
      const std::size_t best = min_of_four(h + first, smallest);
      h[hole] = smallest;
      hole = first + best;
      first = first_child(hole);
    }
    if (first < n) {
      // Last, partial group of children: they are leaves.
      std::size_t best = first;
      for (std::size_t c = first + 1; c < n; ++c) {
        best = select(key_less(h[c], h[best]), c, best);
      }
      h[hole] = h[best];
      hole = best;
    }
    return hole;
  }

  void sift_up(std::size_t hole, HeapKey key) {
    HeapKey* h = heap_.data();
    while (hole > kRoot) {
      const std::size_t up = parent(hole);
      if (!key_less(key, h[up])) {
        break;
      }
      h[hole] = h[up];
      hole = up;
    }
    h[hole] = key;
  }

  void heapify();

  std::vector<HeapKey, CacheLineAllocator<HeapKey>> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace packetwalk::sim::detail
