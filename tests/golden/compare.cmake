# Runs a command and compares its standard output with a golden file, byte for byte.
#   cmake -DCOMMAND="a;b;c" -DGOLDEN=file -DEXPECT_EXIT=0 [-DWORKDIR=dir] -P compare.cmake
# To refresh golden files after an intended change: tests/golden/update.sh
if(NOT WORKDIR)
  set(WORKDIR ${CMAKE_CURRENT_LIST_DIR}/../..)
endif()
execute_process(COMMAND ${COMMAND} WORKING_DIRECTORY ${WORKDIR}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT DEFINED EXPECT_EXIT)
  set(EXPECT_EXIT 0)
endif()
if(NOT rc EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit status ${rc}, expected ${EXPECT_EXIT}\nstderr:\n${err}")
endif()
file(READ ${GOLDEN} expected)
if(NOT out STREQUAL expected)
  file(WRITE ${GOLDEN}.actual "${out}")
  execute_process(COMMAND diff -u ${GOLDEN} ${GOLDEN}.actual OUTPUT_VARIABLE d)
  message(FATAL_ERROR "output differs from ${GOLDEN} (actual output written to ${GOLDEN}.actual):\n${d}")
endif()
