#include "packetwalk/sim/random.h"

#include <bit>
#include <limits>
#include <stdexcept>

namespace packetwalk::sim {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e37'79b9'7f4a'7c15);
  z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9;
  z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11eb;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 0xcbf2'9ce4'8422'2325;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x0000'0100'0000'01b3;
  }
  return hash;
}

RandomStream::RandomStream(std::uint64_t seed) {
  for (std::uint64_t& word : s_) {
    word = splitmix64(seed);
  }
}

namespace {

// High and low halves of the full 64x64-bit product, in portable integer arithmetic (the
// compiler turns it into one multiply where the hardware has it).
struct Product128 {
  std::uint64_t hi;
  std::uint64_t lo;
};

Product128 multiply_full(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t a_lo = a & 0xffff'ffff;
  const std::uint64_t a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xffff'ffff;
  const std::uint64_t b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo;
  const std::uint64_t hi_lo = a_hi * b_lo;
  const std::uint64_t lo_hi = a_lo * b_hi;
  const std::uint64_t hi_hi = a_hi * b_hi;
  const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffff'ffff) + lo_hi;
  return {hi_hi + (hi_lo >> 32) + (cross >> 32), (cross << 32) | (lo_lo & 0xffff'ffff)};
}

}  // namespace

std::uint64_t RandomStream::below(std::uint64_t n) {
  if (n == 0) {
    throw std::invalid_argument("RandomStream::below: n must be positive");
  }
  // Lemire, "Fast Random Integer Generation in an Interval" (2019): the high word of x*n is
  // uniform once products whose low word falls in the biased sliver are rejected.
  Product128 m = multiply_full(next_u64(), n);
  if (m.lo < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (m.lo < threshold) {
      m = multiply_full(next_u64(), n);
    }
  }
  return m.hi;
}

double RandomStream::exponential(double mean) {
  // 1 - u lies in (0, 1], so the log is finite; u = 0 gives a zero delay.
  return -mean * portable_log(1.0 - uniform01());
}

RandomStream& RandomStreams::stream(std::string_view name) {
  auto it = streams_.find(name);
  if (it == streams_.end()) {
    it = streams_.emplace(std::string(name), RandomStream(seed_ ^ fnv1a64(name))).first;
  }
  return it->second;
}

// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
//
// Port of fdlibm e_log.c (__ieee754_log). Only IEEE-754 +, -, *, / on doubles, each correctly
// rounded, so the result is the same everywhere as long as nothing fuses a multiply-add: this
// file is compiled with -ffp-contract=off (see sim/CMakeLists.txt).
double portable_log(double x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01;  // 3fe62e42 fee00000
  constexpr double ln2_lo = 1.90821492927058770002e-10;  // 3dea39ef 35793c76
  constexpr double two54 = 1.80143985094819840000e+16;   // 43500000 00000000
  constexpr double lg1 = 6.666666666666735130e-01;       // 3FE55555 55555593
  constexpr double lg2 = 3.999999999940941908e-01;       // 3FD99999 9997FA04
  constexpr double lg3 = 2.857142874366239149e-01;       // 3FD24924 94229359
  constexpr double lg4 = 2.222219843214978396e-01;       // 3FCC71C5 1D8E78AF
  constexpr double lg5 = 1.818357216161805012e-01;       // 3FC74664 96CB03DE
  constexpr double lg6 = 1.531383769920937332e-01;       // 3FC39A09 D078C69F
  constexpr double lg7 = 1.479819860511658591e-01;       // 3FC2F112 DF3E5244

  auto high_word = [](double v) { return static_cast<std::int32_t>(std::bit_cast<std::uint64_t>(v) >> 32); };
  auto low_word = [](double v) { return static_cast<std::uint32_t>(std::bit_cast<std::uint64_t>(v)); };
  auto with_high_word = [](double v, std::int32_t hi) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
    return std::bit_cast<double>((std::uint64_t{static_cast<std::uint32_t>(hi)} << 32) |
                                 (bits & 0xffff'ffff));
  };

  std::int32_t hx = high_word(x);
  const std::uint32_t lx = low_word(x);
  std::int32_t k = 0;
  if (hx < 0x0010'0000) {  // x < 2^-1022
    if (((hx & 0x7fff'ffff) | static_cast<std::int32_t>(lx)) == 0) {
      return -std::numeric_limits<double>::infinity();
    }
    if (hx < 0) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    k -= 54;
    x *= two54;  // subnormal: scale up
    hx = high_word(x);
  }
  if (hx >= 0x7ff0'0000) {
    return x + x;  // inf or NaN
  }
  k += (hx >> 20) - 1023;
  hx &= 0x000f'ffff;
  std::int32_t i = (hx + 0x9'5f64) & 0x10'0000;
  x = with_high_word(x, hx | (i ^ 0x3ff0'0000));  // normalize x or x/2
  k += (i >> 20);
  const double f = x - 1.0;
  if ((0x000f'ffff & (2 + hx)) < 3) {  // -2^-20 <= f < 2^-20
    if (f == 0.0) {
      if (k == 0) {
        return 0.0;
      }
      const double dk = k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const double r = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) {
      return f - r;
    }
    const double dk = k;
    return dk * ln2_hi - ((r - dk * ln2_lo) - f);
  }
  const double s = f / (2.0 + f);
  const double dk = k;
  const double z = s * s;
  i = hx - 0x6'147a;
  const double w = z * z;
  const std::int32_t j = 0x6'b851 - hx;
  const double t1 = w * (lg2 + w * (lg4 + w * lg6));
  const double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
  i |= j;
  const double r = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    if (k == 0) {
      return f - (hfsq - s * (hfsq + r));
    }
    return dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f);
  }
  if (k == 0) {
    return f - s * (f - r);
  }
  return dk * ln2_hi - ((s * (f - r) - dk * ln2_lo) - f);
}

}  // namespace packetwalk::sim
