#pragma once
// An optional value kept on the heap: one pointer wide while empty. A trace hop may carry the
// packet as it was before the hop rewrote it, but only a few hops of a trace do (the NAT and
// decapsulation hops); an inline std::optional<Packet> would make every hop 160 bytes larger,
// and a first-packet trace writes and frees some eighty hops. Reads like std::optional.

#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

namespace packetwalk::model::trace {

template <typename T>
class BoxedOptional {
 public:
  BoxedOptional() = default;
  BoxedOptional(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): as std::optional
  BoxedOptional(T value) : value_(std::make_unique<T>(std::move(value))) {}  // NOLINT(google-explicit-constructor)
  BoxedOptional(const BoxedOptional& o) : value_(o.value_ ? std::make_unique<T>(*o.value_) : nullptr) {}
  BoxedOptional(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(const BoxedOptional& o) {
    if (this != &o) value_ = o.value_ ? std::make_unique<T>(*o.value_) : nullptr;
    return *this;
  }
  BoxedOptional& operator=(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(std::nullopt_t) {
    value_.reset();
    return *this;
  }
  // Assigning a value reuses the box already there.
  BoxedOptional& operator=(T value) {
    if (value_) *value_ = std::move(value);
    else value_ = std::make_unique<T>(std::move(value));
    return *this;
  }

  bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const { return *value_; }
  T& operator*() { return *value_; }
  const T* operator->() const { return value_.get(); }
  T* operator->() { return value_.get(); }
  const T& value() const {
    if (!value_) throw std::bad_optional_access();
    return *value_;
  }
  void reset() { value_.reset(); }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace packetwalk::model::trace
