#include "junit.h"

#include <ostream>

namespace packetwalk::ui::cli {

std::string xml_escape(const std::string& text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += attribute ? "&#13;" : "\r"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) break;  // not allowed in XML 1.0 (DEL is allowed but useless here)
        out += ch;
    }
  }
  return out;
}

namespace {

// "scenarios/labs/mtu.yaml" -> "scenarios.labs.mtu": Jenkins shows the part before the last dot as
// the package, the rest as the class.
std::string class_name(const std::string& path) {
  std::string s = path;
  if (auto dot = s.rfind('.'); dot != std::string::npos && s.find('/', dot) == std::string::npos) s.resize(dot);
  for (auto& c : s) {
    if (c == '/' || c == '.') c = c == '/' ? '.' : '_';
  }
  return s;
}

}  // namespace

void write_junit(std::ostream& out, const std::vector<SuiteResult>& results) {
  std::size_t tests = 0, failures = 0, errors = 0;
  for (const auto& r : results) {
    tests += r.cases.size();
    failures += r.count(TestCase::Status::Failed);
    errors += r.count(TestCase::Status::Error);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"packetwalk test\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\""
      << errors << "\" skipped=\"0\">\n";
  for (const auto& r : results) {
    out << "  <testsuite name=\"" << xml_escape(r.path, true) << "\" tests=\"" << r.cases.size() << "\" failures=\""
        << r.count(TestCase::Status::Failed) << "\" errors=\"" << r.count(TestCase::Status::Error)
        << "\" skipped=\"0\">\n";
    out << "    <properties>\n      <property name=\"scenario\" value=\"" << xml_escape(r.name, true) << "\"/>\n"
        << "    </properties>\n";
    const std::string cls = xml_escape(class_name(r.path), true);
    for (const auto& c : r.cases) {
      out << "    <testcase name=\"" << xml_escape(c.name, true) << "\" classname=\"" << cls << "\" file=\""
          << xml_escape(r.path, true) << "\"";
      if (c.status == TestCase::Status::Passed) {
        out << "/>\n";
        continue;
      }
      const bool failed = c.status == TestCase::Status::Failed;
      out << ">\n      <" << (failed ? "failure" : "error") << " message=\"" << xml_escape(c.message, true)
          << "\" type=\"" << (failed ? "expectation" : "bad-input") << "\">" << xml_escape(c.details, false) << "</"
          << (failed ? "failure" : "error") << ">\n    </testcase>\n";
    }
    if (!r.diagnostics.empty()) out << "    <system-err>" << xml_escape(r.diagnostics, false) << "</system-err>\n";
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace packetwalk::ui::cli
