#pragma once
// Simulation time: a strong signed 64-bit count of nanoseconds.
// Integer only, so every platform computes the same schedule; ~292 years of range is plenty.
// Arithmetic does not check for overflow (like int64_t); Time::max() is meant as "never".

#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace packetwalk::sim {

class Time {
public:
  constexpr Time() = default;

  static constexpr Time ns(std::int64_t n) { return Time(n); }
  static constexpr Time us(std::int64_t n) { return Time(n * 1'000); }
  static constexpr Time ms(std::int64_t n) { return Time(n * 1'000'000); }
  static constexpr Time s(std::int64_t n) { return Time(n * 1'000'000'000); }
  static constexpr Time zero() { return Time(0); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t count_ns() const { return ns_; }

  constexpr auto operator<=>(const Time&) const = default;

  constexpr Time& operator+=(Time other) {
    ns_ += other.ns_;
    return *this;
  }
  constexpr Time& operator-=(Time other) {
    ns_ -= other.ns_;
    return *this;
  }
  friend constexpr Time operator+(Time a, Time b) { return Time(a.ns_ + b.ns_); }
  friend constexpr Time operator-(Time a, Time b) { return Time(a.ns_ - b.ns_); }
  friend constexpr Time operator-(Time a) { return Time(-a.ns_); }
  friend constexpr Time operator*(Time a, std::int64_t k) { return Time(a.ns_ * k); }
  friend constexpr Time operator*(std::int64_t k, Time a) { return Time(k * a.ns_); }

private:
  constexpr explicit Time(std::int64_t n) : ns_(n) {}

  std::int64_t ns_ = 0;
};

// Microseconds with exactly three decimals ("0.000us", "12.345us", "-1.500us"), computed with
// integer math so text outputs are byte-identical everywhere.
std::string format_time(Time t);

namespace literals {

constexpr Time operator""_ns(unsigned long long n) { return Time::ns(static_cast<std::int64_t>(n)); }
constexpr Time operator""_us(unsigned long long n) { return Time::us(static_cast<std::int64_t>(n)); }
constexpr Time operator""_ms(unsigned long long n) { return Time::ms(static_cast<std::int64_t>(n)); }
constexpr Time operator""_s(unsigned long long n) { return Time::s(static_cast<std::int64_t>(n)); }

}  // namespace literals

}  // namespace packetwalk::sim
