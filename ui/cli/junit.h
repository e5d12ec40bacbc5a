#pragma once
// JUnit XML for CI (Jenkins, GitLab): one <testsuite> per scenario file, one <testcase> per check
// (a probe; a lab's fault, fix and diagnose checks; a golden comparison). Deterministic: no times
// or host names, so the same results always give the same bytes.

#include <iosfwd>
#include <string>
#include <vector>

#include "suite.h"

namespace packetwalk::ui::cli {

void write_junit(std::ostream& out, const std::vector<SuiteResult>& results);

// Text made safe for XML: markup characters escaped, characters XML 1.0 forbids removed; in an
// attribute, line breaks and tabs become character references so they survive.
std::string xml_escape(const std::string& text, bool attribute);

}  // namespace packetwalk::ui::cli
