// libFuzzer entry point of the "selector" target; the body (shared with the regression replay in
// tests/fuzz/regression_test.cpp) is fuzz_selector in tests/fuzz/bodies/selector.cpp.
#include "../bodies/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packetwalk::fuzz::fuzz_selector({data, size});
  return 0;
}
