#pragma once
// Right pane, top: whatever is selected. By default the hop under the replay cursor — headers
// before and after (fields a NAT rewrote highlighted), the device and namespace, the routing
// entry used (highlighted in the namespace's routing table) or the bridge ports, the netfilter
// rules that matched (their place in the node's full table is shown by the rules pane below), and
// why a packet was dropped; on a DNS exchange's leg, the resolver's try (candidate name, type,
// nameserver, answer code). A selected node, pod, Service or outside host shows its own facts.

#include "../snapshot.h"
#include "../ui_state.h"

namespace packetwalk::ui::gui {

class Inspector {
public:
  void draw(const Snapshot& snap, UiState& ui);

private:
  void draw_hop(const Snapshot& snap, const ProbeView& p, std::size_t i);
  void draw_headers(const model::trace::Hop& h);
  void draw_dns_try(const DnsTry& t, std::size_t tries);
  void draw_probe_summary(const ProbeView& p);
};

// Object views (inspector_objects.cpp). Each returns false when `key` names nothing.
bool draw_object(const Snapshot& snap, const std::string& key, UiState& ui);
// A namespace's interfaces and routes; `used_route` ("" for none) is highlighted.
void draw_netns_tables(const Snapshot& snap, model::datapath::NetnsId ns, const std::string& used_route);

}  // namespace packetwalk::ui::gui
