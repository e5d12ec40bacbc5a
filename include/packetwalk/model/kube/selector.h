#pragma once
// LabelSelector (metav1.LabelSelector): matchLabels and matchExpressions, and matching them against
// a label set with the API's semantics.

#include <map>
#include <string>
#include <vector>

namespace packetwalk::model::kube {

using Labels = std::map<std::string, std::string>;

struct LabelSelectorRequirement {
  std::string key;
  std::string op;  // as written: "In", "NotIn", "Exists", "DoesNotExist" (validate.h reports others)
  std::vector<std::string> values;

  friend bool operator==(const LabelSelectorRequirement&, const LabelSelectorRequirement&) = default;
};

struct LabelSelector {
  Labels match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;

  // True when the selector has no requirement at all. An empty selector matches everything when
  // used as a NetworkPolicy podSelector/namespaceSelector; controllers reject empty selectors.
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }

  // All requirements AND-ed. NotIn and DoesNotExist match labels without the key. A requirement
  // with an unknown operator matches nothing (validation has already reported it).
  bool matches(const Labels& labels) const;

  // kubectl's form: "app=api-server,env notin (dev),!gone,has-key,tier in (a,b)": one term per
  // matchLabels pair or expression, sorted by key, values sorted; "" when empty (kubectl: <none>).
  std::string to_string() const;

  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;
};

// A LabelSelector made only of matchLabels (Service selectors, nodeSelector): every pair must match.
bool labels_match(const Labels& selector, const Labels& labels);

}  // namespace packetwalk::model::kube
