// libFuzzer entry point of the "scenario" target; the body (shared with the regression replay in
// tests/fuzz/regression_test.cpp) is fuzz_scenario in tests/fuzz/bodies/scenario.cpp.
#include "../bodies/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packetwalk::fuzz::fuzz_scenario({data, size});
  return 0;
}
