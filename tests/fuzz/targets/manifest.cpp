// libFuzzer entry point of the "manifest" target; the body (shared with the regression replay in
// tests/fuzz/regression_test.cpp) is fuzz_manifest in tests/fuzz/bodies/manifest.cpp.
#include "../bodies/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packetwalk::fuzz::fuzz_manifest({data, size});
  return 0;
}
