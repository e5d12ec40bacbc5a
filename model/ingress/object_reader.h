#pragma once
// Private to model/ingress: typed, diagnosed access to a GenericObject's YAML. Positions come from
// the field positions the loader recorded (ObjectMeta::pos_of), because the re-emitted YAML text
// has lost the user's lines; messages follow the loader's "<field path>: <text>" form.

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::model::ingress::detail {

struct Node {
  YAML::Node node;
  std::string path;  // "spec.rules[0].host"
};

class ObjectReader {
public:
  ObjectReader(const kube::GenericObject& object, load::Diagnostics& diags);

  bool ok() const { return ok_; }  // the YAML text parsed to a mapping
  Node root() const { return {root_, ""}; }
  const kube::ObjectMeta& meta() const { return meta_; }
  load::SourcePos pos(const std::string& path) const { return meta_.pos_of(path); }

  void error(const std::string& path, std::string_view text);
  void warning(const std::string& path, std::string_view text);
  void missing(const std::string& path);  // `missing required field "<path>"` at the parent

  // The child at `key` when present and not null.
  std::optional<Node> get(const Node& parent, std::string_view key) const;
  // Checks `n` is a mapping (error otherwise) and warns about keys outside `known`.
  bool map(const Node& n, std::initializer_list<std::string_view> known);
  std::optional<std::string> string(const Node& n);
  std::optional<int> integer(const Node& n);
  std::optional<bool> boolean(const Node& n);
  std::vector<Node> items(const Node& n);  // the items of a list (error when not a list)
  std::vector<std::string> strings(const Node& n);

  // Shorthands on a parent's key; `required` reports a missing field.
  std::optional<std::string> string_at(const Node& parent, std::string_view key, bool required = false);
  std::optional<int> integer_at(const Node& parent, std::string_view key, bool required = false);

private:
  const kube::ObjectMeta& meta_;
  load::Diagnostics& diags_;
  YAML::Node root_;
  bool ok_ = false;
};

// DNS-1123 subdomain ("api.example.com"), optionally with a leading "*." when `wildcard`.
bool is_dns_subdomain(std::string_view s, bool wildcard);

}  // namespace packetwalk::model::ingress::detail
