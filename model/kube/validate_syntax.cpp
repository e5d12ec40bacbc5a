// Name and label syntax (k8s.io/apimachinery/pkg/util/validation), written out by hand instead of
// with std::regex: these run for every label of every object, and the rules are short.
#include "packetwalk/model/kube/validate.h"

namespace packetwalk::model::kube {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool matches_dns1123_label(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (char c : s)
    if (!is_lower_alnum(c) && c != '-') return false;
  return true;
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool matches_qualified_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

constexpr std::string_view kSubdomainText =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com')";
constexpr std::string_view kQualifiedNameText =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName', or 'my.name', or '123-abc')";

std::string too_long(std::size_t max) { return "must be no more than " + std::to_string(max) + " characters"; }

}  // namespace

std::string dns1123_label_error(std::string_view value) {
  if (value.size() > 63) return too_long(63);
  if (!matches_dns1123_label(value))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
           "and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
  return {};
}

std::string dns1123_subdomain_error(std::string_view value) {
  if (value.size() > 253) return too_long(253);
  std::size_t start = 0;
  while (true) {
    auto dot = value.find('.', start);
    if (!matches_dns1123_label(value.substr(start, dot == std::string_view::npos ? dot : dot - start)))
      return std::string(kSubdomainText);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return {};
}

std::string dns1035_label_error(std::string_view value) {
  if (value.size() > 63) return too_long(63);
  if (!matches_dns1123_label(value) || !(value.front() >= 'a' && value.front() <= 'z'))
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
           "character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')";
  return {};
}

std::string label_key_error(std::string_view key) {
  auto slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    auto prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return "prefix part must be non-empty";
    if (auto e = dns1123_subdomain_error(prefix); !e.empty()) return "prefix part " + e;
    if (name.find('/') != std::string_view::npos)
      return "a qualified name " + std::string(kQualifiedNameText) +
             " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  }
  if (name.empty()) return "name part must be non-empty";
  if (name.size() > 63) return "name part " + too_long(63);
  if (!matches_qualified_name(name)) return "name part " + std::string(kQualifiedNameText);
  return {};
}

std::string label_value_error(std::string_view value) {
  if (value.size() > 63) return too_long(63);
  if (!value.empty() && !matches_qualified_name(value))
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
           "must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')";
  return {};
}

std::string iana_svc_name_error(std::string_view value) {
  if (value.size() > 15) return too_long(15);
  bool letter = false;
  for (char c : value) {
    if (!is_lower_alnum(c) && c != '-') return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
    letter = letter || (c >= 'a' && c <= 'z');
  }
  if (value.find("--") != std::string_view::npos) return "must not contain consecutive hyphens";
  if (!letter) return "must contain at least one letter (a-z)";
  if (value.front() == '-' || value.back() == '-') return "must not begin or end with a hyphen";
  return {};
}

std::string config_key_error(std::string_view key) {
  if (key.empty()) return "must be non-empty";
  if (key.size() > 253) return too_long(253);
  for (char c : key)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
      return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or "
             "'KEY_NAME', or 'key-name')";
  if (key == "." || key == "..") return "must not be '.' or '..'";
  return {};
}

}  // namespace packetwalk::model::kube
