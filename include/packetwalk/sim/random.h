#pragma once
// Reproducible randomness. A RandomStreams owns named, independent streams: the stream called
// `name` is seeded from splitmix64(seed XOR fnv1a64(name)), so each model component ("tcp.rto",
// "loss.node3", ...) draws the same numbers whatever other streams exist or were created first.
//
// Everything here is bit-identical across platforms and compilers: the generator is xoshiro256**,
// and no std:: distribution is used (their algorithms are implementation-defined). The one
// transcendental, log() for exponential(), is a port of fdlibm's, built without FMA contraction.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace packetwalk::sim {

class RandomStream {
public:
  // The four state words come from successive splitmix64 outputs of `seed`.
  explicit RandomStream(std::uint64_t seed);

  std::uint64_t next_u64() {
    // xoshiro256** 1.0 (Blackman & Vigna, public domain).
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). Throws if n == 0.
  std::uint64_t below(std::uint64_t n);

  // True with probability p (clamped to [0, 1]); always consumes exactly one draw.
  bool bernoulli(double p) { return uniform01() < p; }

  // Exponentially distributed with the given mean (>= 0); consumes exactly one draw.
  double exponential(double mean);

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<std::uint64_t, 4> s_;
};

class RandomStreams {
public:
  explicit RandomStreams(std::uint64_t seed) : seed_(seed) {}

  // Created on first use; the reference stays valid for the lifetime of this object.
  RandomStream& stream(std::string_view name);

  std::uint64_t seed() const { return seed_; }

private:
  std::uint64_t seed_;
  std::map<std::string, RandomStream, std::less<>> streams_;  // node-based: stable references
};

// The building blocks, exposed so other tools can reproduce a stream's seed.
std::uint64_t splitmix64(std::uint64_t& state);
std::uint64_t fnv1a64(std::string_view text);
// fdlibm's __ieee754_log: the same bits on every IEEE-754 platform, unlike std::log.
double portable_log(double x);

}  // namespace packetwalk::sim
