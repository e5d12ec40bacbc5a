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

EventPool::EventPool() {
  for (int c = 0; c < 4; ++c) {
    pools_[c].slot_bytes = static_cast<std::uint32_t>(sizeof(SlotHeader) + kSlotBodyBytes[c]);
  }
}

void EventPool::grow(ClassPool& pool) {
  if (pool.capacity > kIndexMask - kChunkSlots) {
    throw std::length_error("packetwalk::sim: too many pending events");
  }
  // Plain operator new[] alignment (>= 16) satisfies the 8-byte body alignment.
  auto chunk = std::make_unique_for_overwrite<std::byte[]>(std::size_t{kChunkSlots} * pool.slot_bytes);
  pool.chunks.push_back(std::move(chunk));
  const std::uint32_t first = pool.capacity;
  pool.capacity += kChunkSlots;
  // Thread the new slots onto the free list in index order.
  for (std::uint32_t i = kChunkSlots; i-- > 0;) {
    SlotHeader* header = ::new (slot_at(pool, first + i)) SlotHeader{1, 0};
    const std::uint32_t next = (i + 1 < kChunkSlots) ? first + i + 1 : pool.free_head;
    std::memcpy(body(header), &next, sizeof next);
  }
  pool.free_head = first;
}

std::size_t EventPool::memory_bytes() const {
  std::size_t total = 0;
  for (const ClassPool& pool : pools_) {
    total += std::size_t{pool.capacity} * pool.slot_bytes;
    total += pool.chunks.capacity() * sizeof(pool.chunks[0]);
  }
  return total;
}

}  // namespace packetwalk::sim::detail
