# Writes packetwalk(1) from the program's own help text, so the page never drifts from --help.
# cmake -DPACKETWALK=path/to/packetwalk -DOUTPUT=packetwalk.1 -DVERSION=x.y.z -P man_page.cmake
# The page has no date: the same binary always gives the same bytes.

function(run_help out_var)
  execute_process(COMMAND ${PACKETWALK} ${ARGN} OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "packetwalk ${ARGN} failed (${rc})")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# troff: backslashes become \e, a line starting with '.' or ' is protected by \&, and '-' is
# written \- so options stay plain hyphens when copied from the page.
function(troff_escape out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

run_help(top --help)
# The top-level help lists the commands as "  NAME  description"; take the names from it.
string(REGEX MATCHALL "\n  [a-z]+ +[a-z]" lines "${top}")
set(commands "")
foreach(l IN LISTS lines)
  string(REGEX REPLACE "\n  ([a-z]+) .*" "\\1" name "${l}")
  list(APPEND commands ${name})
endforeach()

set(page ".TH PACKETWALK 1 \"\" \"packetwalk ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\npacketwalk \\- a Kubernetes networking simulator: trace packets hop by hop\n")
string(APPEND page ".SH SYNOPSIS\n.B packetwalk\n\\fICOMMAND\\fR [\\fIoptions\\fR]\n")
troff_escape(top_text "${top}")
string(APPEND page ".SH DESCRIPTION\n.nf\n${top_text}.fi\n.SH COMMANDS\n")
foreach(cmd IN LISTS commands)
  run_help(help_text ${cmd} --help)
  troff_escape(help_text "${help_text}")
  string(APPEND page ".SS \"packetwalk ${cmd}\"\n.nf\n${help_text}.fi\n")
endforeach()
string(APPEND page ".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\na scenario expectation failed\n.TP\n2\nbad input: a file, object or flag the program cannot use (named on stderr)\n.TP\n3\ninternal error\n")
string(APPEND page ".SH ENVIRONMENT\n.TP\nNO_COLOR\nwhen set and not empty, output is never coloured (colour is used only on a terminal)\n")
string(APPEND page ".SH FILES\nScenarios: \\fIshare/packetwalk/scenarios\\fR; documentation: \\fIshare/doc/packetwalk\\fR under the installation prefix.\n")
file(WRITE ${OUTPUT} "${page}")
