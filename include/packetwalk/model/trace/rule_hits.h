#pragma once
// The rules a netfilter or IPVS hop matched, in walk order: an immutable list, shared by every
// hop that matched the same rules. A probe through a Service's KUBE-SERVICES -> KUBE-SVC ->
// KUBE-SEP run matches the same few rules at each of its twenty-odd netfilter hops as the probe
// before it did, so the walker keeps one list per distinct walk (netfilter_index.h) and a hop
// refers to it: recording the hop then allocates nothing. Reads like a const std::vector.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "packetwalk/model/text/shared_text.h"

namespace packetwalk::model::trace {

struct RuleHit {
  text::SharedText table;   // "nat"
  text::SharedText chain;   // "KUBE-SVC-OWI7UARKUR7M6OTH"
  std::size_t number = 0;   // 1-based position in the chain
  text::SharedText text;    // the rule as `iptables-save` prints it
};

class RuleHits {
 public:
  RuleHits() = default;
  RuleHits(std::initializer_list<RuleHit> hits) : RuleHits(hits.size()) {
    std::size_t i = 0;
    for (const auto& h : hits) hits_[i++] = h;
  }
  // A list of `n` hits to fill, through at(), before it is shared.
  explicit RuleHits(std::size_t n) : hits_(n ? std::make_shared<RuleHit[]>(n) : nullptr), size_(static_cast<std::uint32_t>(n)) {}

  RuleHit& at(std::size_t i) { return hits_[i]; }  // only while building: the list is shared once copied

  const RuleHit* begin() const { return hits_.get(); }
  const RuleHit* end() const { return hits_.get() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const RuleHit& operator[](std::size_t i) const { return hits_[i]; }
  const RuleHit& front() const { return hits_[0]; }
  const RuleHit& back() const { return hits_[size_ - 1]; }

 private:
  std::shared_ptr<RuleHit[]> hits_;  // one allocation: the count and the hits
  std::uint32_t size_ = 0;
};

}  // namespace packetwalk::model::trace
