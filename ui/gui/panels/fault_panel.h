#pragma once
// The fault panel: break the cluster on purpose, node by node — kube-proxy down (no KUBE-* rules,
// as after a reboot with kube-proxy not running), kube-proxy stopped (its rules frozen as last
// synced), the node's link cut (eth0 down) — and scale CoreDNS to zero. Each click queues the new
// FaultSet (UiState::request_faults); the workspace rebuilds the cluster with the model's fault
// machinery and reruns every probe (also coreDnsDown, coreDnsSlow, linkDelay and linkLoss, with
// the values of faults.cpp), so the selected probe's new fate shows at once (the panel
// says how its outcome changed).

#include <string>

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class FaultPanel {
public:
  // `planted`: the faults the loaded cluster carries; `effect`: how the last change moved the
  // selected probe ("client-to-api: connected -> refused").
  void draw(const Snapshot& snap, const FaultSet& planted, const std::string& effect, UiState& ui);
};

}  // namespace packetwalk::ui::gui
