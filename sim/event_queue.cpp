#include "event_queue.h"

#include <algorithm>

namespace packetwalk::sim::detail {

void EventQueue::heapify() {
  // Floyd's construction: sift every internal node down, last parent first. O(n) overall.
  HeapKey* h = heap_.data();
  const std::size_t n = heap_.size();
  if (n <= kRoot + 1) {
    return;
  }
  for (std::size_t p = parent(n - 1) + 1; p-- > kRoot;) {
    const HeapKey key = h[p];
    std::size_t hole = p;
    for (;;) {
      const std::size_t first = first_child(hole);
      if (first >= n) {
        break;
      }
      std::size_t best = first;
      for (std::size_t c = first + 1; c < n && c < first + kArity; ++c) {
        best = key_less(h[c], h[best]) ? c : best;
      }
      if (!key_less(h[best], key)) {
        break;
      }
      h[hole] = h[best];
      hole = best;
    }
    h[hole] = key;
  }
}

std::vector<HeapKey> EventQueue::take_all() {
  std::vector<HeapKey> keys(heap_.begin() + kRoot, heap_.end());
  heap_.resize(kRoot);
  return keys;
}

void EventQueue::renumber() {
  // A sorted array is a valid heap, and sorting by (time, old seq) preserves FIFO order.
  std::sort(heap_.begin() + kRoot, heap_.end(), key_less);
  std::uint64_t seq = 0;
  for (std::size_t i = kRoot; i < heap_.size(); ++i) {
    heap_[i].order = (seq++ << 32) | heap_[i].slot();
  }
  next_seq_ = seq;
}

}  // namespace packetwalk::sim::detail
