#pragma once
// The reach heat map's data: the reachability matrix (query::compute_reach, the code behind
// `packetwalk reach`) arranged as grids per port — pods by pods, or namespaces by namespaces with
// the share of allowed pairs — and the explanation of one cell, the reason `packetwalk reach -o
// json` gives for that (from, to, port).

#include <cstdint>
#include <string>
#include <vector>

#include "packetwalk/model/query/reachability.h"

namespace packetwalk::model::cluster {
class Cluster;
}

namespace packetwalk::ui::gui {

// One cell of a grid: allowed and denied (from, to) pairs it covers; for a pod grid at most one.
struct HeatCell {
  std::uint32_t allowed = 0, denied = 0;
  std::int32_t result = -1;  // pod grid: index into ReachMatrix::results; -1 = no cell (not checked)
  bool empty() const { return allowed + denied == 0; }
  // 0 all denied .. 1 all allowed; the colour of the cell.
  float share() const { return empty() ? 0.0f : static_cast<float>(allowed) / static_cast<float>(allowed + denied); }
};

struct HeatGrid {
  std::vector<std::string> labels;  // rows and columns alike: pods "ns/name" or namespaces
  std::vector<HeatCell> cells;      // row-major, labels.size()^2
  const HeatCell& at(std::size_t from, std::size_t to) const { return cells[from * labels.size() + to]; }
};

struct ReachHeat {
  model::query::ReachMatrix matrix;
  std::vector<HeatGrid> pods;        // one per matrix.ports entry
  std::vector<HeatGrid> namespaces;  // likewise, pods grouped by namespace
  std::vector<std::string> pod_namespace;  // namespace of matrix.pods[i]
};

// The matrix as `packetwalk reach --scenario ...` computes it by default (every namespace but
// kube-system, each destination's declared ports), arranged for the heat map.
ReachHeat compute_reach_heat(const model::cluster::Cluster& cluster);

// The words for one cell: pods: "allowed: ..." / "denied: ..." (the model's reason); namespaces:
// the counts and the reasons of the denied pairs (at most `max_reasons`).
std::string explain_cell(const ReachHeat& heat, std::size_t port, bool by_namespace, std::size_t from, std::size_t to,
                         std::size_t max_reasons = 8);

// The view's content as text (--dump-view): per port, one line per (from, to) pod pair that has a
// cell: "80/TCP default/a -> default/b allowed" (the workspace adds the selected cell's words).
std::string reach_view_dump(const ReachHeat& heat);

}  // namespace packetwalk::ui::gui
