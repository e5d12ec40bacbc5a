// Target "selector": a metav1.LabelSelector written as YAML ({matchLabels, matchExpressions}), read
// by the loader's selector parser, validated as a NetworkPolicy podSelector, printed in kubectl's
// form and matched against label sets built from its own keys and values — compared with a
// reference matcher written from the API's definition.
#include <algorithm>

#include "../../../model/load/parsers.h"
#include "fuzz_bodies.h"
#include "packetwalk/model/kube/selector.h"
#include "packetwalk/model/kube/validate.h"

namespace packetwalk::fuzz {

namespace {

using model::kube::Labels;
using model::kube::LabelSelector;

// k8s.io/apimachinery/pkg/labels: every requirement must hold; NotIn and DoesNotExist hold for a
// missing key; unknown operators never hold.
bool reference_matches(const LabelSelector& s, const Labels& labels) {
  for (const auto& [k, v] : s.match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& r : s.match_expressions) {
    auto it = labels.find(r.key);
    const bool has = it != labels.end();
    const bool listed = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    if (r.op == "In" && !listed) return false;
    if (r.op == "NotIn" && listed) return false;
    if (r.op == "Exists" && !has) return false;
    if (r.op == "DoesNotExist" && has) return false;
    if (r.op != "In" && r.op != "NotIn" && r.op != "Exists" && r.op != "DoesNotExist") return false;
  }
  return true;
}

// Label sets that sit on the selector's edges: exactly its matchLabels, plus each expression's
// first value (or a value it does not list), plus each key removed in turn.
std::vector<Labels> probes(const LabelSelector& s) {
  std::vector<Labels> out{{}, s.match_labels};
  Labels with_values = s.match_labels;
  Labels with_others = s.match_labels;
  for (const auto& r : s.match_expressions) {
    with_values[r.key] = r.values.empty() ? "x" : r.values.front();
    with_others[r.key] = r.values.empty() ? "" : r.values.back() + "-other";
  }
  out.push_back(with_values);
  out.push_back(with_others);
  for (const auto& [k, v] : with_values) {
    Labels fewer = with_values;
    fewer.erase(k);
    out.push_back(std::move(fewer));
    if (out.size() > 40) break;
  }
  return out;
}

}  // namespace

void fuzz_selector(Bytes data) {
  namespace detail = model::load::detail;
  const std::string_view text = as_text(data);
  model::load::Diagnostics diags;
  if (!detail::check_text(text, "selector.yaml", diags)) return;
  detail::ParseContext ctx(diags, {"selector.yaml", 0, 0});
  auto docs = detail::parse_yaml_stream(text, ctx);
  check_diagnostics(diags);
  if (docs.empty()) return;
  ctx.set_document_line(docs[0].first_line);
  detail::Field root{"spec.podSelector", docs[0].root, ctx.pos(docs[0].root), ctx.pos(docs[0].root)};
  model::kube::NetworkPolicy policy;
  policy.meta.kind = "NetworkPolicy";
  policy.meta.api_version = "networking.k8s.io/v1";
  policy.meta.name = "fuzz";
  policy.meta.namespace_ = "default";
  ctx.begin_object("NetworkPolicy default/fuzz");
  policy.pod_selector = detail::parse_label_selector(ctx, root);
  ctx.end_object();
  model::kube::validate_object(policy, diags);
  check_diagnostics(diags);
  // A selector the loader refused (an empty key, say) never reaches matching or printing: packetwalk
  // stops at the error, so the promises below are about accepted selectors only.
  if (diags.has_errors()) return;

  const LabelSelector& s = policy.pod_selector;
  const std::string printed = s.to_string();
  check(printed.empty() == s.empty(), "to_string is empty exactly when the selector is: \"" + printed + "\"");
  for (const auto& labels : probes(s)) {
    check(s.matches(labels) == reference_matches(s, labels), "LabelSelector::matches disagrees with the API's rules for " + printed);
    if (s.match_expressions.empty())
      check(model::kube::labels_match(s.match_labels, labels) == s.matches(labels), "labels_match disagrees with matches");
  }
}

}  // namespace packetwalk::fuzz
