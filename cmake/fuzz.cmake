# PACKETWALK_FUZZ: libFuzzer targets (tests/fuzz) in the same build as the gtest suite.
#
# sim and model (and the fuzz bodies) are compiled with -fsanitize=fuzzer-no-link: coverage
# instrumentation without libFuzzer's main. Only the fuzz-* executables link libFuzzer
# (-fsanitize=fuzzer); every other executable still has to resolve the coverage callbacks the
# instrumented libraries call, so everything links with -fsanitize=fuzzer-no-link, which makes
# clang add a sanitizer runtime (ASan's with PACKETWALK_SANITIZE, else UBSan's) whose weak no-op
# callbacks satisfy them. So one build with -DPACKETWALK_SANITIZE=ON -DPACKETWALK_FUZZ=ON runs the
# gtest suite under ASan+UBSan and the fuzzers.
if(PACKETWALK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PACKETWALK_FUZZ=ON needs clang (libFuzzer); CMAKE_CXX_COMPILER is "
                        "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}. Configure a separate build directory with "
                        "CC=clang CXX=clang++ (Debian: apt-get install clang), or set PACKETWALK_FUZZ=OFF.")
  endif()
  add_link_options(-fsanitize=fuzzer-no-link)
endif()

# Adds the coverage instrumentation to `targets` when fuzzing; a no-op otherwise.
function(packetwalk_fuzz_instrument)
  if(PACKETWALK_FUZZ)
    foreach(t IN LISTS ARGN)
      target_compile_options(${t} PRIVATE -fsanitize=fuzzer-no-link)
    endforeach()
  endif()
endfunction()
