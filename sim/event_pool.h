#pragma once
// Private: where the Simulator keeps event callables, one slot per queued event.
//
// A slot is an 8-byte header {generation, ops index} followed by the callable's body. Slots come
// in five size classes (16/32/64/128/256 bytes), each with its own slot array, so a one-pointer
// lambda uses a 16-byte slot instead of paying for the largest class. Slot ids carry the class in
// their top 3 bits and the index in the low 29.
//
// Slots live in fixed, 64-byte aligned 256-slot chunks that are never moved or freed before the
// pool dies: a
// running callable can schedule more events (growing the pool) without its own storage moving,
// and memory slack is at most one chunk per class. Free slots form an intrusive LIFO list
// threaded through their bodies, so reuse touches recently used (cached) memory.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "packetwalk/sim/simulator.h"

namespace packetwalk::sim::detail {

// The process-wide table behind register_callable_ops(), two-level so it can grow without
// moving entries that other threads may be reading. Index 0 means "no callable".
inline constexpr unsigned kOpsChunkShift = 10;
inline constexpr std::uint32_t kOpsChunkSize = std::uint32_t{1} << kOpsChunkShift;
inline constexpr std::uint32_t kOpsChunks = 1024;
extern const CallableOps** g_callable_ops[kOpsChunks];

inline const CallableOps& callable_ops(std::uint32_t index) {
  return *g_callable_ops[index >> kOpsChunkShift][index & (kOpsChunkSize - 1)];
}

struct SlotHeader {
  std::uint32_t generation;  // of the current or next occupant; never 0
  std::uint32_t ops;         // 0 when free, cancelled or abandoned: nothing to run or destroy
};
static_assert(sizeof(SlotHeader) == kSlotBodyAlign);
static_assert(sizeof(SlotHeader) + kSlotBodyBytes[0] == 16 && sizeof(SlotHeader) + kSlotBodyBytes[1] == 32 &&
                  sizeof(SlotHeader) + kSlotBodyBytes[2] == 64 &&
                  sizeof(SlotHeader) + kSlotBodyBytes[3] == 128 &&
                  sizeof(SlotHeader) + kSlotBodyBytes[4] == 256,
              "slots are (16 << size class) bytes");

class EventPool {
public:
  static constexpr unsigned kClassShift = 29;
  static constexpr std::uint32_t kIndexMask = (std::uint32_t{1} << kClassShift) - 1;
  static constexpr unsigned kChunkShift = 8;
  static constexpr std::uint32_t kChunkSlots = std::uint32_t{1} << kChunkShift;

  EventPool() = default;
  EventPool(const EventPool&) = delete;
  EventPool& operator=(const EventPool&) = delete;

  struct Acquired {
    std::uint32_t id;
    SlotHeader* header;
  };

  // Takes a free slot of the class; the caller fills in header->ops.
  Acquired acquire(int size_class) {
    ClassPool& pool = pools_[size_class];
    if (pool.free_head == kNoSlot) {
      grow(pool, size_class);
    }
    const std::uint32_t index = pool.free_head;
    SlotHeader* header = slot_at(pool, size_class, index);
    std::memcpy(&pool.free_head, body(header), sizeof(std::uint32_t));
    return {(static_cast<std::uint32_t>(size_class) << kClassShift) | index, header};
  }

  // Returns a slot whose callable is already gone (ops == 0) to its free list.
  void release(std::uint32_t id, SlotHeader* header) {
    ClassPool& pool = pools_[id >> kClassShift];
    std::memcpy(body(header), &pool.free_head, sizeof(std::uint32_t));
    pool.free_head = id & kIndexMask;
  }

  // Precondition: contains(id).
  SlotHeader* header(std::uint32_t id) const {
    const unsigned size_class = id >> kClassShift;
    return slot_at(pools_[size_class], size_class, id & kIndexMask);
  }

  // Whether id names an existing slot, so untrusted (default or stale) ids can be looked up.
  bool contains(std::uint32_t id) const {
    const std::uint32_t size_class = id >> kClassShift;  // 3 bits, 5 classes: check the class too
    return size_class < kSizeClasses && (id & kIndexMask) < pools_[size_class].capacity;
  }

  static void* body(SlotHeader* header) { return header + 1; }

  static void bump_generation(SlotHeader* header) {
    // Computed in a register (no read-modify-write of memory followed by a reload).
    const std::uint32_t next = header->generation + 1;
    header->generation = next == 0 ? 1 : next;  // 0 is reserved for the default EventId
  }

  std::size_t memory_bytes() const;

private:
  static constexpr std::uint32_t kNoSlot = 0xffff'ffff;

  struct ChunkDeleter {
    void operator()(std::byte* p) const { ::operator delete(p, kChunkAlign); }
  };
  using Chunk = std::unique_ptr<std::byte, ChunkDeleter>;
  static constexpr std::align_val_t kChunkAlign{64};

  struct ClassPool {
    std::vector<Chunk> chunks;
    std::uint32_t capacity = 0;  // slots in all chunks
    std::uint32_t free_head = kNoSlot;
  };

  static constexpr unsigned slot_shift(unsigned size_class) { return 4 + size_class; }  // 16 << class

  static SlotHeader* slot_at(const ClassPool& pool, unsigned size_class, std::uint32_t index) {
    std::byte* chunk = pool.chunks[index >> kChunkShift].get();
    return reinterpret_cast<SlotHeader*>(chunk +
                                         (std::size_t{index & (kChunkSlots - 1)} << slot_shift(size_class)));
  }

  void grow(ClassPool& pool, int size_class);

  ClassPool pools_[kSizeClasses];
};

}  // namespace packetwalk::sim::detail
