// libFuzzer entry point of the "ingress" target; the body (shared with the regression replay in
// tests/fuzz/regression_test.cpp) is fuzz_ingress in tests/fuzz/bodies/ingress.cpp.
#include "../bodies/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packetwalk::fuzz::fuzz_ingress({data, size});
  return 0;
}
