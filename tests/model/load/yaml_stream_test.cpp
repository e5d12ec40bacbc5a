// Reading YAML streams in one parse per document (model/load/yaml_builder.h): the alias-expansion
// limit falls exactly where docs/limits.md puts it, and a file large enough to be parsed on two
// threads still reports its problems and yields its objects in file order, at the right lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "packetwalk/model/load/input_limits.h"
#include "packetwalk/model/load/manifest_loader.h"
#include "test_data.h"

namespace packetwalk::model::load {
namespace {

using test::diagnostic_lines;

// A ConfigMap whose data reaches exactly `nodes` YAML nodes with aliases followed: `a` is a list of
// 999 scalars (1,000 nodes with the list), `b` lists `copies` aliases to it, `c` pads the rest.
std::string expanding_document(std::size_t nodes, std::size_t copies) {
  // The root map and its 3 scalar keys and 2 scalar values, metadata's map with name: b, data's
  // map (11 nodes); then per key a, b and c the key and its list, with their items.
  const std::size_t fixed = 11 + (2 + 999) + (2 + copies * 1000) + 2;
  std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  a: &a [x";
  for (int i = 1; i < 999; ++i) text += ", x";
  text += "]\n  b: [*a";
  for (std::size_t i = 1; i < copies; ++i) text += ", *a";
  text += "]\n  c: [";
  for (std::size_t i = fixed; i < nodes; ++i) text += i == fixed ? "p" : ", p";
  return text + "]\n";
}

bool refused_as_alias_bomb(const std::string& text) {
  Diagnostics diags;
  load_manifest_text(text, "bomb.yaml", 0, diags);
  for (const auto& line : diagnostic_lines(diags))
    if (line.find("an alias bomb?") != std::string::npos) return true;
  return false;
}

TEST(YamlStream, AliasExpansionLimitIsExact) {
  EXPECT_FALSE(refused_as_alias_bomb(expanding_document(limits::kMaxExpandedNodes, 998)));
  EXPECT_TRUE(refused_as_alias_bomb(expanding_document(limits::kMaxExpandedNodes + 1, 998)));
}

TEST(YamlStream, AliasesReadAsTheirAnchors) {
  // Anchors live within one document (YAML's rule): the second document's *l names nothing.
  Diagnostics diags;
  auto set = load_manifest_text(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: &l {team: x, env: prod}, annotations: *l}\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: *l}\n",
      "ns.yaml", 0, diags);
  EXPECT_EQ(diagnostic_lines(diags),
            std::vector<std::string>{"ns.yaml:7:29: error: malformed YAML: the referenced anchor is not defined"});
  ASSERT_EQ(set.namespaces.size(), 1u);
  EXPECT_EQ(set.namespaces[0].meta.annotations, set.namespaces[0].meta.labels);
  EXPECT_EQ(set.namespaces[0].meta.annotations.at("env"), "prod");
}

// Over 256 KiB of documents: parsed ahead on a second thread. Broken documents near the start,
// middle and end must come out in file order with their own line numbers, and every other
// document must load, in order.
TEST(YamlStream, LargeFileKeepsFileOrder) {
  std::string text;
  int line = 1;
  std::vector<std::string> expected;
  std::size_t good = 0;
  for (int i = 0; i < 4000; ++i) {
    if (i == 3 || i == 2000 || i == 3999) {
      // A flow mapping left open: yaml-cpp stops at the next line, column 1.
      text += "apiVersion: v1\nkind: Namespace\nmetadata: {name: broken-" + std::to_string(i) + "\n---\n";
      expected.push_back("big.yaml:" + std::to_string(line + 3) + ":1: error: malformed YAML: end of map flow not found");
      line += 4;
      continue;
    }
    if (i == 1000) {
      // Less indented content after a block list: a second document hiding in the first.
      text += "- a\nb: c\n---\n";
      expected.push_back("big.yaml:" + std::to_string(line + 1) +
                         ":1: error: malformed YAML: unexpected content after the end of the document (wrong indentation?)");
      line += 3;
      continue;
    }
    text += "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-" + std::to_string(i) +
            "\n  labels: {team: t" + std::to_string(i % 7) + ", pad: \"" + std::string(20, 'x') + "\"}\n---\n";
    line += 6;
    ++good;
  }
  ASSERT_GT(text.size(), 256u << 10);
  Diagnostics diags;
  auto set = load_manifest_text(text, "big.yaml", 0, diags);
  EXPECT_EQ(diagnostic_lines(diags), expected);
  ASSERT_EQ(set.namespaces.size(), good);
  // remove_duplicates sorts by name; every name is there once.
  std::vector<std::string> names;
  for (const auto& ns : set.namespaces) names.push_back(ns.meta.name);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::count(names.begin(), names.end(), "ns-2001"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "ns-3998"), 1);
}

}  // namespace
}  // namespace packetwalk::model::load
