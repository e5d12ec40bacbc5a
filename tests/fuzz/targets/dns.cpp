// libFuzzer entry point of the "dns" target; the body (shared with the regression replay in
// tests/fuzz/regression_test.cpp) is fuzz_dns in tests/fuzz/bodies/dns.cpp.
#include "../bodies/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packetwalk::fuzz::fuzz_dns({data, size});
  return 0;
}
