#pragma once
// Private to model/kube: the helpers every object validator uses.

#include <string>
#include <string_view>

#include "packetwalk/model/kube/objects.h"
#include "packetwalk/model/load/diagnostic.h"

namespace packetwalk::model::kube::detail {

// Reports problems of one object at the positions its fields were written.
class Checker {
public:
  Checker(const ObjectMeta& meta, load::Diagnostics& diags) : meta_(meta), diags_(diags) {}

  const ObjectMeta& meta() const { return meta_; }
  // "<path>: <text>" at the position of `path` (or its closest recorded parent).
  void error(const std::string& path, const std::string& text);
  void warning(const std::string& path, const std::string& text);
  // The same, but at the position of `position_path` (when `path` itself was not written).
  void error_at(const std::string& position_path, const std::string& path, const std::string& text);

  // Reports `problem` (from the *_error syntax functions) when not empty: "<problem>, got "<value>"".
  void syntax(const std::string& path, std::string_view value, const std::string& problem);
  void port_number(const std::string& path, int port);  // 1..65535

private:
  const ObjectMeta& meta_;
  load::Diagnostics& diags_;
};

std::string quoted(std::string_view s);

enum class NameRule { Dns1123Subdomain, Dns1123Label, Dns1035Label };

// metadata: name by `rule`, namespace (namespaced kinds), labels, annotation keys.
void validate_meta(Checker& c, NameRule rule);
void validate_labels(Checker& c, const Labels& labels, const std::string& path);
void validate_selector(Checker& c, const LabelSelector& selector, const std::string& path);

}  // namespace packetwalk::model::kube::detail
