// libFuzzer entry point of the "cidr" target; the body (shared with the regression replay in
// tests/fuzz/regression_test.cpp) is fuzz_cidr in tests/fuzz/bodies/cidr.cpp.
#include "../bodies/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packetwalk::fuzz::fuzz_cidr({data, size});
  return 0;
}
