#include "object_reader.h"

#include <algorithm>
#include <cctype>

namespace packetwalk::model::ingress::detail {

namespace {

std::string child(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsScalar()) return "\"" + n.Scalar() + "\"";
  return "null";
}

bool looks_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

ObjectReader::ObjectReader(const kube::GenericObject& object, load::Diagnostics& diags)
    : meta_(object.meta), diags_(diags) {
  try {
    root_ = YAML::Load(object.yaml);
    ok_ = root_.IsMap();
  } catch (const YAML::Exception&) {
    ok_ = false;
  }
  if (!ok_) diags_.error(meta_.pos, meta_.ref(), "internal error: cannot read this object's YAML again");
}

void ObjectReader::error(const std::string& path, std::string_view text) {
  diags_.error(pos(path), meta_.ref(), path.empty() ? std::string(text) : path + ": " + std::string(text));
}

void ObjectReader::warning(const std::string& path, std::string_view text) {
  diags_.warning(pos(path), meta_.ref(), path.empty() ? std::string(text) : path + ": " + std::string(text));
}

void ObjectReader::missing(const std::string& path) {
  auto cut = path.find_last_of('.');
  auto parent = cut == std::string::npos ? std::string() : path.substr(0, cut);
  diags_.error(pos(parent), meta_.ref(), "missing required field \"" + path + "\"");
}

std::optional<Node> ObjectReader::get(const Node& parent, std::string_view key) const {
  if (!parent.node.IsMap()) return std::nullopt;
  for (auto it = parent.node.begin(); it != parent.node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      if (it->second.IsNull()) return std::nullopt;
      return Node{it->second, child(parent.path, key)};
    }
  }
  return std::nullopt;
}

bool ObjectReader::map(const Node& n, std::initializer_list<std::string_view> known) {
  if (!n.node.IsMap()) {
    error(n.path, "expected a mapping, got " + describe(n.node));
    return false;
  }
  for (auto it = n.node.begin(); it != n.node.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const auto& key = it->first.Scalar();
    if (std::find(known.begin(), known.end(), key) == known.end())
      warning(child(n.path, key), "unknown field \"" + child(n.path, key) + "\"");
  }
  return true;
}

std::optional<std::string> ObjectReader::string(const Node& n) {
  if (!n.node.IsScalar()) {
    error(n.path, "expected a string, got " + describe(n.node));
    return std::nullopt;
  }
  return n.node.Scalar();
}

std::optional<int> ObjectReader::integer(const Node& n) {
  if (!n.node.IsScalar() || !looks_int(n.node.Scalar())) {
    error(n.path, "expected an integer, got " + describe(n.node));
    return std::nullopt;
  }
  return std::stoi(n.node.Scalar());
}

std::optional<bool> ObjectReader::boolean(const Node& n) {
  if (n.node.IsScalar()) {
    const auto& s = n.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  error(n.path, "expected a boolean, got " + describe(n.node));
  return std::nullopt;
}

std::vector<Node> ObjectReader::items(const Node& n) {
  std::vector<Node> out;
  if (!n.node.IsSequence()) {
    error(n.path, "expected a list, got " + describe(n.node));
    return out;
  }
  for (std::size_t i = 0; i < n.node.size(); ++i) out.push_back({n.node[i], n.path + "[" + std::to_string(i) + "]"});
  return out;
}

std::vector<std::string> ObjectReader::strings(const Node& n) {
  std::vector<std::string> out;
  for (const auto& item : items(n)) {
    if (auto s = string(item)) out.push_back(*s);
  }
  return out;
}

std::optional<std::string> ObjectReader::string_at(const Node& parent, std::string_view key, bool required) {
  auto n = get(parent, key);
  if (!n) {
    if (required) missing(child(parent.path, key));
    return std::nullopt;
  }
  return string(*n);
}

std::optional<int> ObjectReader::integer_at(const Node& parent, std::string_view key, bool required) {
  auto n = get(parent, key);
  if (!n) {
    if (required) missing(child(parent.path, key));
    return std::nullopt;
  }
  return integer(*n);
}

bool is_dns_subdomain(std::string_view s, bool wildcard) {
  if (wildcard && s.substr(0, 2) == "*.") s.remove_prefix(2);
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto dot = s.find('.', start);
    auto label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(label.front()) || !alnum(label.back())) return false;
    for (char c : label)
      if (!alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

}  // namespace packetwalk::model::ingress::detail
