#pragma once
// "New probe": from, to, port and protocol typed by the user, in the forms the CLI accepts
// (NS/POD, POD, node/NODE, external/HOST; to: a pod, Service, node, IP or localhost). The probe
// itself runs between frames (UiState::request_probe), through the same ProbeRunner as the CLI.

#include <string>

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class ProbeForm {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  std::string from_;
  std::string to_;
  int port_ = 80;
  int protocol_ = 0;  // index into TCP, UDP, SCTP
};

}  // namespace packetwalk::ui::gui
