#pragma once
// A progress bar on stderr for work that takes a while (`reach` on a large cluster, `test` on a
// library): `reach  [=========>          ]  412/1000  2.1s`.
//
// It is for a person watching a terminal, so it shows only when stdout and stderr are both the
// process's own terminal streams (not redirected, not string streams in tests), --no-progress was
// not given, and the work has already taken PACKETWALK_PROGRESS_AFTER_MS milliseconds (default
// 1000: quick runs never flash a bar). It writes to stderr only, always on one line that it
// clears before anything else goes to the terminal, so stdout's bytes never change.

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <mutex>
#include <string>

#include "options.h"

namespace packetwalk::ui::cli {

// --no-progress, for commands that show a bar.
void add_progress_option(po::options_description& d);
// Whether a bar may show at all: stdout and stderr are terminals, `out`/`err` are std::cout and
// std::cerr, and --no-progress is absent.
bool progress_wanted(const po::variables_map& vm, const std::ostream& out, const std::ostream& err);

class ProgressBar {
public:
  // `enabled` false makes every call a no-op (progress_wanted's answer). `total` may be 0 when
  // it is not known yet; update() can give it.
  ProgressBar(std::ostream& err, std::string label, std::size_t total, bool enabled);
  ~ProgressBar() { clear(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // `done` of `total` finished (`total` 0: as before). Draws once the delay has passed, then at
  // most ten times a second. Safe from any thread.
  void update(std::size_t done, std::size_t total = 0);
  // Removes the bar from the terminal (before printing results); the next update() redraws it.
  void clear();

private:
  using Clock = std::chrono::steady_clock;
  void draw(std::size_t done);  // with mutex_ held

  std::ostream& err_;
  std::string label_;
  std::size_t total_;
  bool enabled_;
  Clock::time_point start_;
  Clock::duration delay_;
  Clock::time_point last_draw_{};
  bool shown_ = false;
  std::mutex mutex_;
};

}  // namespace packetwalk::ui::cli
