// The stderr progress bar (progress.h).
#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace packetwalk::ui::cli {

namespace {

// How long work runs before a bar appears. The environment knob exists so that tests (and the
// impatient) need not build a workload that takes a second.
std::chrono::milliseconds bar_delay() {
  if (const char* v = std::getenv("PACKETWALK_PROGRESS_AFTER_MS"); v && *v) {
    char* end = nullptr;
    const long ms = std::strtol(v, &end, 10);
    if (*end == '\0' && ms >= 0) return std::chrono::milliseconds(ms);
  }
  return std::chrono::milliseconds(1000);
}

int terminal_columns() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

void add_progress_option(po::options_description& d) {
  d.add_options()("no-progress", po::bool_switch(), "no progress bar on stderr (shown only on a terminal, after 1 s)");
}

bool progress_wanted(const po::variables_map& vm, const std::ostream& out, const std::ostream& err) {
  if (vm.count("no-progress") && vm["no-progress"].as<bool>()) return false;
  if (&out != &std::cout || &err != &std::cerr) return false;
  return ::isatty(STDOUT_FILENO) != 0 && ::isatty(STDERR_FILENO) != 0;
}

ProgressBar::ProgressBar(std::ostream& err, std::string label, std::size_t total, bool enabled)
    : err_(err), label_(std::move(label)), total_(total), enabled_(enabled), start_(Clock::now()),
      delay_(bar_delay()) {}

void ProgressBar::update(std::size_t done, std::size_t total) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  if (total) total_ = total;
  if (total_ == 0) return;
  const auto now = Clock::now();
  if (now - start_ < delay_) return;
  if (shown_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  draw(done);
}

void ProgressBar::clear() {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  if (!shown_) return;
  err_ << "\r\033[K" << std::flush;  // carriage return, erase to the end of the line
  shown_ = false;
}

void ProgressBar::draw(std::size_t done) {
  if (done > total_) done = total_;
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  char counts[64];
  std::snprintf(counts, sizeof counts, "  %zu/%zu  %.1fs", done, total_, seconds);
  std::string line = label_;
  // The bar takes what the terminal has left, up to 30 cells; none on a very narrow terminal.
  const int room = terminal_columns() - 1 - static_cast<int>(label_.size() + std::string(counts).size()) - 4;
  const int width = room > 30 ? 30 : room;
  if (width >= 5) {
    const auto filled = static_cast<int>(static_cast<double>(width) * static_cast<double>(done) / static_cast<double>(total_));
    line += "  [";
    for (int i = 0; i < width; ++i) line += i < filled ? '=' : (i == filled ? '>' : ' ');
    line += "]";
  }
  line += counts;
  err_ << "\r\033[K" << line << std::flush;
  shown_ = true;
}

}  // namespace packetwalk::ui::cli
