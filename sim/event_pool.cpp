#include "event_pool.h"

#include <array>
#include <mutex>
#include <new>
#include <stdexcept>

namespace packetwalk::sim::detail {

// Readers do not lock: an index only reaches a reader through the function-local static that
// published it (callable_ops_index), which orders the table write before the read.
const CallableOps** g_callable_ops[kOpsChunks] = {};

namespace {

struct OpsRegistry {
  std::mutex mutex;
  std::uint32_t next = 1;
  std::array<std::unique_ptr<const CallableOps*[]>, kOpsChunks> chunks;
};

OpsRegistry& registry() {
  static OpsRegistry instance;
  return instance;
}

}  // namespace

std::uint32_t register_callable_ops(const CallableOps* ops) {
  OpsRegistry& reg = registry();
  const std::lock_guard lock(reg.mutex);
  const std::uint32_t index = reg.next;
  const std::uint32_t chunk = index >> kOpsChunkShift;
  if (chunk >= kOpsChunks) {
    throw std::length_error("packetwalk::sim: too many distinct event callable types");
  }
  if (!reg.chunks[chunk]) {
    reg.chunks[chunk] = std::make_unique<const CallableOps*[]>(kOpsChunkSize);
    g_callable_ops[chunk] = reg.chunks[chunk].get();
  }
  reg.chunks[chunk][index & (kOpsChunkSize - 1)] = ops;
  ++reg.next;
  return index;
}

void EventPool::grow(ClassPool& pool, int size_class) {
  if (pool.capacity > kIndexMask - kChunkSlots) {
    throw std::length_error("packetwalk::sim: too many pending events");
  }
  const unsigned shift = slot_shift(static_cast<unsigned>(size_class));
  pool.chunks.push_back(
      Chunk(static_cast<std::byte*>(::operator new (std::size_t{kChunkSlots} << shift, kChunkAlign))));
  const std::uint32_t first = pool.capacity;
  pool.capacity += kChunkSlots;
  // Thread the new slots onto the free list in index order.
  for (std::uint32_t i = kChunkSlots; i-- > 0;) {
    SlotHeader* header = ::new (slot_at(pool, static_cast<unsigned>(size_class), first + i)) SlotHeader{1, 0};
    const std::uint32_t next = (i + 1 < kChunkSlots) ? first + i + 1 : pool.free_head;
    std::memcpy(body(header), &next, sizeof next);
  }
  pool.free_head = first;
}

std::size_t EventPool::memory_bytes() const {
  std::size_t total = 0;
  for (unsigned c = 0; c < kSizeClasses; ++c) {
    total += std::size_t{pools_[c].capacity} << slot_shift(c);
    total += pools_[c].chunks.capacity() * sizeof(Chunk);
  }
  return total;
}

}  // namespace packetwalk::sim::detail
