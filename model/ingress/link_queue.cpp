#include "packetwalk/model/ingress/link_queue.h"

#include <algorithm>

namespace packetwalk::model::ingress {

std::vector<int> message_frames(int message_bytes, int mss, int per_frame_overhead) {
  std::vector<int> out;
  mss = std::max(mss, 1);
  for (int left = std::max(message_bytes, 1); left > 0; left -= mss) out.push_back(std::min(left, mss) + per_frame_overhead);
  return out;
}

LinkQueue::LinkQueue(std::string device, double bandwidth_bps, int txqueuelen) {
  stats_.device = std::move(device);
  stats_.bandwidth_bps = bandwidth_bps;
  stats_.txqueuelen = txqueuelen;
}

LinkQueue::Result LinkQueue::offer(double at_ms, const std::vector<int>& frames) {
  Result r;
  r.done_ms = at_ms;
  for (int bytes : frames) {
    // Frames whose transmission has begun by now have left the qdisc.
    while (!waiting_.empty() && waiting_.front() <= at_ms) waiting_.pop_front();
    if (static_cast<int>(waiting_.size()) >= stats_.txqueuelen) {
      // FIFO: once one frame of the burst is refused, the queue stays full for the rest of it.
      r.dropped = static_cast<int>(frames.size()) - r.accepted;
      stats_.drops += static_cast<std::uint64_t>(r.dropped);
      break;
    }
    const double start = std::max(at_ms, free_ms_);
    const double tx = transmit_ms(bytes);
    free_ms_ = start + tx;
    if (start > at_ms) waiting_.push_back(start);
    stats_.max_backlog = std::max(stats_.max_backlog, static_cast<int>(waiting_.size()));
    stats_.frames += 1;
    stats_.bytes += static_cast<std::uint64_t>(bytes);
    stats_.busy_ms += tx;
    stats_.last_ms = free_ms_;
    r.done_ms = free_ms_;
    ++r.accepted;
  }
  return r;
}

}  // namespace packetwalk::model::ingress
