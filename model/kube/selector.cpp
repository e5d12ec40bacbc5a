#include "packetwalk/model/kube/selector.h"

#include <algorithm>

namespace packetwalk::model::kube {

namespace {
bool requirement_matches(const LabelSelectorRequirement& r, const Labels& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  auto in_values = [&] { return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end(); };
  if (r.op == "In") return in_values();
  if (r.op == "NotIn") return !in_values();
  if (r.op == "Exists") return has;
  if (r.op == "DoesNotExist") return !has;
  return false;
}

std::string joined_sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}
}  // namespace

bool labels_match(const Labels& selector, const Labels& labels) {
  for (const auto& [key, value] : selector) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

bool LabelSelector::matches(const Labels& labels) const {
  if (!labels_match(match_labels, labels)) return false;
  return std::all_of(match_expressions.begin(), match_expressions.end(),
                     [&](const LabelSelectorRequirement& r) { return requirement_matches(r, labels); });
}

std::string LabelSelector::to_string() const {
  // Like labels.Selector.String() after metav1.LabelSelectorAsSelector: one requirement per
  // matchLabels pair and expression, sorted by key (stable, so matchLabels come first on a tie).
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& [key, value] : match_labels) parts.emplace_back(key, key + "=" + value);
  for (const auto& r : match_expressions) {
    std::string text;
    if (r.op == "In") text = r.key + " in (" + joined_sorted(r.values) + ")";
    else if (r.op == "NotIn") text = r.key + " notin (" + joined_sorted(r.values) + ")";
    else if (r.op == "Exists") text = r.key;
    else if (r.op == "DoesNotExist") text = "!" + r.key;
    else text = r.key + " " + r.op + " (" + joined_sorted(r.values) + ")";  // invalid; shown as written
    parts.emplace_back(r.key, std::move(text));
  }
  std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += ',';
    out += part.second;
  }
  return out;
}

}  // namespace packetwalk::model::kube
