#pragma once
// One lane per probe: a mark per hop at its simulated time, coloured by what happened, with the
// probe's legs as bars beside the marks (forward and reply legs in their own colours). Marks that
// would land on the same pixel row are folded into one, so a lane costs at most its height in
// marks however many hops it holds. The selected lane is wide and labels its marks.

#include <vector>

#include "../snapshot.h"
#include "lane.h"

namespace packetwalk::ui::gui {

class ProbeLane : public Lane {
public:
  ProbeLane(const ProbeView& probe, const TimeAxis& axis, std::uint64_t key);

  std::uint64_t key() const override { return key_; }
  std::string label() const override { return probe_->input.name; }
  bool failed() const override { return probe_->failed(); }
  double range_from() const override { return from_; }
  double range_to() const override { return to_; }
  void prepare(const TimelineView& view) override;
  void paint(ImDrawList* dl, float x0, float x1, const TimelineView& view, bool selected) const override;

  // The hop whose mark is nearest to screen row `y` (within `slack` pixels), or -1.
  int hop_near(float y, float slack) const;
  // The replay cursor's hop, drawn emphasised.
  void set_current(std::size_t hop) { current_ = hop; }

private:
  struct Mark {
    std::size_t hop;
    float y;
  };

  const ProbeView* probe_;
  std::uint64_t key_;
  std::vector<std::pair<double, std::size_t>> sorted_;  // (display position, hop), ascending
  std::vector<std::string> labels_;                     // "56.300us receive node-2 eth0"
  double from_ = 0, to_ = 0;
  std::vector<Mark> visible_;                           // prepare()'s result
  // paint()'s scratch: the legs whose labels are drawn, by the label's time (kept to reuse its memory).
  mutable std::vector<std::pair<float, std::size_t>> labels_due_;
  std::size_t current_ = 0;
};

}  // namespace packetwalk::ui::gui
