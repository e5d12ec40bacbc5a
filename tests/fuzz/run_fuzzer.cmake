# One fuzz-<target> ctest: runs a libFuzzer executable for SECONDS with the target's dictionary,
# a fresh writable corpus in WORKDIR/corpus first and the read-only seed directories (SEEDS,
# '|'-separated) after it. Any crash, leak, timeout (-timeout=10 s per input) or memory blow-up
# (-rss_limit_mb=2048) makes libFuzzer exit non-zero and the test fail; the input is saved as
# WORKDIR/crash-* (or leak-, timeout-, oom-) — add it to tests/fuzz/regressions/<target>/.
foreach(var FUZZER SECONDS MAX_LEN DICT WORKDIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORKDIR}/corpus")
file(MAKE_DIRECTORY "${WORKDIR}/corpus")
string(REPLACE "|" ";" seed_dirs "${SEEDS}")
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -max_len=${MAX_LEN} -rss_limit_mb=2048 -timeout=10
          -dict=${DICT} -artifact_prefix=${WORKDIR}/ -print_final_stats=1 "${WORKDIR}/corpus" ${seed_dirs}
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} found a problem (exit ${result}); the input is in ${WORKDIR}/ "
                      "(crash-*, leak-*, timeout-*, oom-*)")
endif()
