#pragma once
// The fault panel: break the cluster on purpose, node by node — kube-proxy down (no KUBE-* rules,
// as after a reboot with kube-proxy not running), kube-proxy stopped (its rules frozen as last
// synced), the node's link cut (eth0 down) — and scale CoreDNS to zero. Each click queues the new
// FaultSet (UiState::request_faults); the workspace rebuilds the cluster with the model's fault
// machinery and reruns every probe (also coreDnsDown, coreDnsSlow, linkDelay and linkLoss, each
// with a slider for its value: latency or loss), so the selected probe's new fate shows at once
// (the panel says how its outcome changed).

#include <map>
#include <optional>
#include <string>

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class FaultPanel {
public:
  // `planted`: the faults the loaded cluster carries; `effect`: how the last change moved the
  // selected probe ("client-to-api: connected -> refused").
  void draw(const Snapshot& snap, const FaultSet& planted, const std::string& effect, UiState& ui);

private:
  // The slider beside a fault with a value: the planted value, else the one set for the next
  // click. A changed value of a planted fault replants it (once the slider is released).
  bool value_slider(model::load::FaultKind kind, const std::string& node, FaultSet& next);

  // The value the next click plants (model units: seconds or percent); nullopt for other faults.
  std::optional<double> slider_value(model::load::FaultKind kind, const std::string& node) const;

  std::map<std::pair<int, std::string>, float> values_;
  std::optional<std::pair<int, std::string>> dragging_;  // the slider held down, if any  // (kind, node) -> the value shown, in the slider's unit
};

}  // namespace packetwalk::ui::gui
