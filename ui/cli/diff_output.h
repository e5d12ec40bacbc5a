#pragma once
// The three forms of `packetwalk diff`: text for a terminal, packetwalk/diff/v1 JSON for tools
// (docs/json-output.md), and a GitHub-flavoured Markdown section for a CI comment on a pull
// request. All group the changed flows by destination, then source, and end with the counts.

#include <iosfwd>
#include <string>

#include "packetwalk/model/query/reachability_diff.h"

namespace packetwalk::ui::cli {

struct DiffLabels {
  std::string before, after;  // the paths as given
  bool services = false;      // whether Service flows were compared
};

void write_diff_text(std::ostream& out, const model::query::ReachDiff& diff, const DiffLabels& labels);
void write_diff_json(std::ostream& out, const model::query::ReachDiff& diff, const DiffLabels& labels);
void write_diff_markdown(std::ostream& out, const model::query::ReachDiff& diff, const DiffLabels& labels);

}  // namespace packetwalk::ui::cli
