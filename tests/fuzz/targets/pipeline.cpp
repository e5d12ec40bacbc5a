// libFuzzer entry point of the "pipeline" target; the body (shared with the regression replay in
// tests/fuzz/regression_test.cpp) is fuzz_pipeline in tests/fuzz/bodies/pipeline.cpp.
#include "../bodies/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packetwalk::fuzz::fuzz_pipeline({data, size});
  return 0;
}
